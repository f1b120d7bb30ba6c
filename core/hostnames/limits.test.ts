/**
 * --max-hostnames-per-object in extraction: a name annotation listing more names is refused before
 * any claim is built (counted as splitList would split it), and an object whose fields together
 * yield more distinct names is refused after reading; either way the extraction holds the one
 * `object` problem and nothing else, so no other rule runs.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/objects.js';
import { countListed, defaultExtractContext, extract, splitList, type ExtractContext } from './index.js';

describe('countListed counts what splitList returns', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['one', 'a.example.com'],
    ['two', 'a.example.com,b.example.com'],
    ['spaces and empties', ' a.example.com , ,b.example.com,, '],
    ['only commas', ',,,'],
    ['unicode spaces', '\u00a0a.example.com,\u3000,\u2028b.example.com\ufeff'],
    ['trailing comma', 'a.example.com,'],
  ];
  it.each(cases)('%s', (_name, value) => expect(countListed(value)).toBe(splitList(value).length));
});

const service = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', annotations },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
});
const names = (n: number, prefix = 'app') =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}.example.com`).join(',');

interface Case {
  name: string;
  obj: KubeObject;
  ctx?: Partial<ExtractContext>;
  /** The object problem's message, or undefined when the object is read as usual. */
  refused?: string;
  /** The distinct names read when not refused. */
  read?: number;
}

const CASES: Case[] = [
  {
    name: 'hostname annotation over the limit',
    obj: service({ 'external-dns.kubernetes.io/hostname': names(6) }),
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'metadata.annotations["external-dns.kubernetes.io/hostname"] lists 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: "a Service's internal-hostname under the old prefix",
    obj: service({ 'external-dns.alpha.kubernetes.io/internal-hostname': names(6) }),
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'metadata.annotations["external-dns.alpha.kubernetes.io/internal-hostname"] lists 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: 'at the limit',
    obj: service({ 'external-dns.kubernetes.io/hostname': names(5) }),
    ctx: { maxHostnamesPerObject: 5 },
    read: 5,
  },
  {
    name: 'a name listed twice counts twice: the annotation is counted before it is read',
    obj: service({ 'external-dns.kubernetes.io/hostname': `${names(5)},app-0.example.com` }),
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'metadata.annotations["external-dns.kubernetes.io/hostname"] lists 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: 'hostname and internal-hostname together',
    obj: service({
      'external-dns.kubernetes.io/hostname': names(3),
      'external-dns.kubernetes.io/internal-hostname': names(3, 'internal'),
    }),
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'metadata.annotations["external-dns.kubernetes.io/hostname"], metadata.annotations["external-dns.kubernetes.io/internal-hostname"] yield 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: 'names under both prefixes together',
    obj: service({
      'external-dns.kubernetes.io/hostname': names(3),
      'external-dns.alpha.kubernetes.io/hostname': names(3, 'old'),
    }),
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'metadata.annotations["external-dns.kubernetes.io/hostname"], metadata.annotations["external-dns.alpha.kubernetes.io/hostname"] yield 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: 'DNSEndpoint entries',
    obj: {
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'many', namespace: 'default' },
      spec: {
        endpoints: names(6)
          .split(',')
          .map((dnsName) => ({ dnsName, recordType: 'A', targets: ['203.0.113.10'] })),
      },
    },
    ctx: { maxHostnamesPerObject: 5 },
    refused:
      'spec.endpoints[*].dnsName yield 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
  },
  {
    name: '--ignore-hostname-annotation: the annotation is not read, so not counted',
    obj: service({ 'external-dns.kubernetes.io/hostname': names(6) }),
    ctx: { maxHostnamesPerObject: 5, ignoreHostnameAnnotation: true },
  },
  {
    name: 'the default limit is 1,000',
    obj: service({ 'external-dns.kubernetes.io/hostname': names(1001) }),
    refused:
      'metadata.annotations["external-dns.kubernetes.io/hostname"] lists 1001 hostnames, over the limit of 1000 per object (--max-hostnames-per-object)',
  },
];

describe('extract and --max-hostnames-per-object', () => {
  it.each(CASES)('$name', ({ obj, ctx, refused, read }) => {
    const x = extract(obj, { ...defaultExtractContext, ...ctx });
    if (refused === undefined) {
      expect(x.problems.filter((p) => p.rule === 'object')).toEqual([]);
      if (read !== undefined) expect(new Set(x.claims.map((c) => c.hostname)).size).toBe(read);
      return;
    }
    expect(x.claims).toEqual([]);
    expect(x.warnings).toEqual([]);
    expect(x.problems).toHaveLength(1);
    expect(x.problems[0]).toMatchObject({ rule: 'object', hostname: '', message: refused });
  });
});
