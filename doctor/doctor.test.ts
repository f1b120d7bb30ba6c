/** The pure parts of doctor: name mapping, answer parsing, zone finding and the verdict table. */
import { describe, expect, it } from 'vitest';
import { newEndpoint, type Endpoint } from '../core/model/endpoint.js';
import { parseManifests } from '../core/manifests.js';
import { TxtNameMapper } from '../core/registry/txt-names.js';
import { DomainFilter } from '../core/domain-filter.js';
import { diagnose, endpointsFromAnswers } from './diagnose.js';
import { parseNameServer } from './dns-query.js';
import { claimCovers, txtNamesFor } from './names.js';
import { findZoneServer, type NsResolver } from './nameserver.js';
import type { DoctorEvidence, DoctorSettings } from './types.js';

function settings(over: Partial<DoctorSettings> = {}): DoctorSettings {
  const domainFilter = new DomainFilter({ filters: ['example.com'] });
  return {
    ownerId: 'cluster-a',
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    domainFilter,
    ruleContext: { ownerId: 'cluster-a', domainFilter, managedRecordTypes: ['A', 'AAAA', 'CNAME'] },
    extractContext: { ingressClasses: [], defaultTargets: [] },
    objectFilter: {
      labels: [],
      annotations: [],
      sources: ['service', 'ingress', 'crd', 'gateway-httproute'],
    },
    mapper: new TxtNameMapper(),
    ...over,
  };
}

const owned = (name: string, ip: string, owner: string, resource = 'ingress/default/web'): Endpoint[] => [
  newEndpoint(name, 'A', [ip], 300),
  newEndpoint(
    `a-${name}`,
    'TXT',
    [`heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}`],
    300,
  ),
];

const ingress = (host: string, ip: string | undefined, extra = '') =>
  parseManifests(
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
${extra}spec:
  rules:
    - host: ${host}
${ip ? `status:\n  loadBalancer:\n    ingress:\n      - ip: ${ip}\n` : ''}`,
    'web.yaml',
  ).map((l) => ({ obj: l.obj, origin: `${l.file}:${l.line}` }));

describe('names', () => {
  it.each([
    {
      name: 'default',
      opts: {},
      host: 'app.example.com',
      want: ['a-app.example.com', 'aaaa-app.example.com', 'cname-app.example.com', 'app.example.com'],
    },
    {
      name: 'prefix',
      opts: { prefix: 'zg-' },
      host: 'app.example.com',
      want: [
        'zg-a-app.example.com',
        'zg-aaaa-app.example.com',
        'zg-cname-app.example.com',
        'zg-app.example.com',
      ],
    },
    {
      name: 'suffix',
      opts: { suffix: '-own' },
      host: 'app.example.com',
      want: [
        'a-app-own.example.com',
        'aaaa-app-own.example.com',
        'cname-app-own.example.com',
        'app-own.example.com',
      ],
    },
    {
      name: 'type template',
      opts: { prefix: '%{record_type}-zg.' },
      host: 'app.example.com',
      want: ['a-zg.app.example.com', 'aaaa-zg.app.example.com', 'cname-zg.app.example.com'],
    },
    {
      name: 'wildcard',
      opts: { wildcardReplacement: 'star' },
      host: '*.example.com',
      want: ['a-star.example.com', 'aaaa-star.example.com', 'cname-star.example.com', 'star.example.com'],
    },
  ])('TXT names: $name', ({ opts, host, want }) => {
    expect(txtNamesFor(new TxtNameMapper(opts), host, ['A', 'AAAA', 'CNAME']).map((n) => n.name)).toEqual(
      want,
    );
  });

  it('old format is undefined when the type is in the affix', () => {
    expect(
      new TxtNameMapper({ prefix: '%{record_type}.' }).legacyTxtNameFor('a.example.com'),
    ).toBeUndefined();
  });

  it.each([
    ['app.example.com', 'app.example.com', true],
    ['*.example.com', 'app.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['other.example.com', 'app.example.com', false],
  ])('%s covers %s: %s', (claimed, host, want) => {
    expect(claimCovers(claimed, host)).toBe(want);
  });
});

describe('parseNameServer', () => {
  it.each([
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['ns1.example.com', { host: 'ns1.example.com', port: 53 }],
    ['[::1]:5300', { host: '::1', port: 5300 }],
    ['127.0.0.1:0', undefined],
    ['127.0.0.1:99999', undefined],
    ['not a server', undefined],
  ])('%s', (text, want) => {
    expect(parseNameServer(text)).toEqual(want);
  });
});

describe('findZoneServer', () => {
  const resolver = (ns: Record<string, string[]>, a: Record<string, string[]>): NsResolver => ({
    resolveNs: async (n) => ns[n] ?? Promise.reject(new Error('ENODATA')),
    resolve4: async (n) => a[n] ?? Promise.reject(new Error('ENOTFOUND')),
  });

  it('walks up to the closest name with NS records', async () => {
    const r = await findZoneServer(
      'a.b.example.com',
      resolver(
        { 'example.com': ['ns2.example.com', 'ns1.example.com'] },
        { 'ns1.example.com': ['192.0.2.1'] },
      ),
    );
    expect(r).toEqual({
      zone: 'example.com',
      nsName: 'ns1.example.com',
      server: { host: '192.0.2.1', port: 53 },
    });
  });

  it('says when no name server resolves', async () => {
    await expect(
      findZoneServer('a.example.com', resolver({ 'example.com': ['ns1.example.com'] }, {})),
    ).rejects.toThrow(/none of which resolves/);
    await expect(findZoneServer('a.example.com', resolver({}, {}))).rejects.toThrow(
      /no zone with NS records/,
    );
  });
});

describe('endpointsFromAnswers', () => {
  it('keeps records at the asked name only, one set per type, the smallest TTL', () => {
    const eps = endpointsFromAnswers([
      {
        server: 's',
        name: 'www.example.com',
        type: 'A',
        rcode: 'NOERROR',
        records: [
          { name: 'www.example.com', type: 'CNAME', ttl: 60, data: 'lb.example.net' },
          { name: 'lb.example.net', type: 'A', ttl: 30, data: '192.0.2.7' },
        ],
      },
      {
        server: 's',
        name: 'app.example.com',
        type: 'A',
        rcode: 'NOERROR',
        records: [
          { name: 'app.example.com', type: 'A', ttl: 300, data: '192.0.2.1' },
          { name: 'app.example.com', type: 'A', ttl: 200, data: '192.0.2.2' },
        ],
      },
    ]);
    expect(eps).toEqual([
      newEndpoint('www.example.com', 'CNAME', ['lb.example.net'], 60),
      newEndpoint('app.example.com', 'A', ['192.0.2.1', '192.0.2.2'], 200),
    ]);
  });
});

interface VerdictCase {
  name: string;
  host: string;
  settings?: Partial<DoctorSettings>;
  evidence: DoctorEvidence;
  status: string;
  message: RegExp;
}

const VERDICTS: VerdictCase[] = [
  {
    name: 'owned by another owner',
    host: 'web.example.com',
    evidence: {
      objects: ingress('web.example.com', '192.0.2.10'),
      current: owned('web.example.com', '198.51.100.1', 'cluster-b'),
      currentSource: 'test',
    },
    status: 'problem',
    message: /^Ingress default\/web is denied: owned by cluster-b: change --txt-owner-id to "cluster-b"/,
  },
  {
    name: 'in sync',
    host: 'web.example.com',
    evidence: {
      objects: ingress('web.example.com', '192.0.2.10'),
      current: owned('web.example.com', '192.0.2.10', 'cluster-a'),
      currentSource: 'test',
    },
    status: 'ok',
    message: /^web\.example\.com is published \(A 192\.0\.2\.10\) and owned by "cluster-a"$/,
  },
  {
    name: 'controller annotation names another controller',
    host: 'web.example.com',
    evidence: {
      objects: ingress(
        'web.example.com',
        '192.0.2.10',
        '  annotations:\n    external-dns.kubernetes.io/controller: other\n',
      ),
      current: [],
      currentSource: 'test',
    },
    status: 'problem',
    message: /out of scope: controller annotation external-dns.kubernetes.io\/controller is "other"/,
  },
  {
    name: 'label filter',
    host: 'web.example.com',
    settings: {
      objectFilter: { labels: [{ key: 'team', op: 'eq', value: 'a' }], annotations: [], sources: [] },
    },
    evidence: { objects: ingress('web.example.com', '192.0.2.10'), current: [], currentSource: 'test' },
    status: 'problem',
    message: /out of scope: labels do not match --label-filter/,
  },
  {
    name: 'two objects, one name: duplicate',
    host: 'web.example.com',
    evidence: {
      objects: [
        ...ingress('web.example.com', '192.0.2.10'),
        ...ingress('web.example.com', '192.0.2.11').map((o) => ({
          ...o,
          obj: { ...o.obj, metadata: { ...o.obj.metadata, name: 'web2' } },
        })),
      ],
      current: [],
      currentSource: 'test',
    },
    status: 'problem',
    message: /denied: duplicate: also claimed by Ingress default\/web2/,
  },
  {
    name: 'no provider zone contains the name',
    host: 'web.example.com',
    evidence: {
      objects: ingress('web.example.com', '192.0.2.10'),
      current: [],
      currentSource: 'test',
      zones: ['example.org'],
    },
    status: 'problem',
    message: /no zone the provider manages contains web\.example\.com \(zones: example\.org\)/,
  },
  {
    name: 'nothing checked',
    host: 'web.example.com',
    evidence: {},
    status: 'unknown',
    message: /nothing could be checked/,
  },
  {
    name: 'objects only: allowed, ownership unknown',
    host: 'web.example.com',
    evidence: { objects: ingress('web.example.com', '192.0.2.10') },
    status: 'unknown',
    message: /allowed; give --nameserver or --provider/,
  },
  {
    name: 'upsert-only keeps an orphan',
    host: 'gone.example.com',
    settings: { policy: 'upsert-only' },
    evidence: {
      objects: ingress('web.example.com', '192.0.2.10'),
      current: owned('gone.example.com', '192.0.2.9', 'cluster-a'),
      currentSource: 'test',
    },
    status: 'problem',
    message: /--policy upsert-only keeps it; delete it by hand or use --policy sync/,
  },
];

describe('diagnose verdicts', () => {
  it.each(VERDICTS)('$name', (c) => {
    const r = diagnose(c.host, settings(c.settings), c.evidence);
    expect(r.verdict.message).toMatch(c.message);
    expect(r.verdict.status).toBe(c.status);
  });
});
