/**
 * Services by type, from external-dns docs/sources/service.md ("Filtering the Services
 * considered", "Targets": LoadBalancer spec.externalIPs first, then every ingress ip and hostname;
 * ClusterIP with --publish-internal-services; ExternalName spec.externalIPs first).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import { endpointsOf, extract, type ExtractContext } from './index.js';

const objects = loadManifests([join(import.meta.dirname, 'fixtures', 'service-types.yaml')]).map(
  (l) => l.obj,
);
const find = (name: string) => objects.find((o) => o.metadata?.name === name)!;

const cases: {
  name: string;
  ctx?: Partial<ExtractContext>;
  want: string[];
  published: number;
  skipped?: RegExp;
  warning?: RegExp;
}[] = [
  {
    name: 'cluster-ip',
    want: ['cip.example.com ?'],
    published: 0,
    warning: /publishes nothing without --publish-internal-services .* still checked/,
  },
  {
    name: 'cluster-ip',
    ctx: { publishInternalServices: true },
    want: ['cip.example.com A 10.96.0.20'],
    published: 1,
  },
  { name: 'lb-external-ips', want: ['eip.example.com A 198.51.100.30'], published: 1 },
  {
    name: 'lb-ip-and-hostname',
    want: ['both.example.com A 203.0.113.31', 'both.example.com CNAME lb.example.net'],
    published: 2,
  },
  { name: 'external-name-ips', want: ['ext.example.com A 198.51.100.31'], published: 1 },
  {
    name: 'lb-external-ips',
    ctx: { serviceTypes: ['ClusterIP', 'NodePort'] },
    want: [],
    published: 0,
    skipped: /Service type LoadBalancer is not in --service-type-filter \[ClusterIP, NodePort\]/,
  },
  {
    name: 'lb-external-ips',
    ctx: { serviceTypes: ['LoadBalancer'] },
    want: ['eip.example.com A 198.51.100.30'],
    published: 1,
  },
];

describe('Services by type', () => {
  it.each(cases)('$name $ctx', (c) => {
    const x = extract(find(c.name), { ingressClasses: [], defaultTargets: [], ...c.ctx });
    expect(
      x.claims.map(
        (cl) =>
          `${cl.hostname} ${cl.recordType ?? '?'}${cl.targets.length ? ' ' + cl.targets.join(',') : ''}`,
      ),
    ).toEqual(c.want);
    expect(endpointsOf(x)).toHaveLength(c.published);
    if (c.skipped) expect(x.skipped).toMatch(c.skipped);
    else expect(x.skipped).toBeUndefined();
    if (c.warning) expect(x.warnings.join('\n')).toMatch(c.warning);
    else expect(x.warnings).toEqual([]);
  });
});
