/**
 * Conflicts never delete or change what is published. Each case: several objects claim one name,
 * a record may already be published; who keeps the name, and that nothing is deleted.
 * The order (issue 14): resource label match; for a record without resource label, the claimant
 * asking for its targets; the oldest creationTimestamp; external-dns's resolver order
 * (endpoint/endpoint.go Targets.IsLess, TestIsLess: IPs compared as addresses).
 */
import { describe, expect, it } from 'vitest';
import { DomainFilter } from './domain-filter.js';
import { newEndpoint, type Endpoint } from './model/endpoint.js';
import type { KubeObject } from './model/objects.js';
import { plan } from './plan.js';
import { planSync, releaseHold } from './sync-plan.js';
import type { RuleContext } from './rules/index.js';

const OWNER = 'cluster-a';
const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-02T00:00:00Z';

const ing = (ns: string, name: string, host: string, ip: string, created?: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: ns, ...(created ? { creationTimestamp: created } : {}) },
  spec: { rules: [{ host }] },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

const rec = (host: string, ip: string, labels: Record<string, string>): Endpoint =>
  newEndpoint(host, 'A', [ip], 300, labels);

const ruleCtx: RuleContext = {
  ownerId: OWNER,
  domainFilter: new DomainFilter({ filters: ['example.com'] }),
  managedRecordTypes: ['A', 'AAAA', 'CNAME'],
};

function sync(objects: KubeObject[], current: Endpoint[]) {
  return planSync({
    objects,
    snapshot: { records: current, claims: [] },
    zones: [{ id: 'example.com', name: 'example.com' }],
    ruleCtx,
    extractCtx: { ingressClasses: [], defaultTargets: [] },
    ownerId: OWNER,
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    domainFilter: ruleCtx.domainFilter,
    guard: { maxDeletions: 100, maxDeletionRatio: 0.5 },
  });
}

const X = 'x.example.com';

const cases: {
  name: string;
  objects: KubeObject[];
  current: Endpoint[];
  /** The object whose records stand at X afterwards (published or kept), and their targets. */
  keeper: string;
  targets: string[];
  /** The change the plan makes at X, if any. */
  change?: 'create' | 'update';
}[] = [
  {
    name: 'resource label match: the incumbent keeps the name against an older newcomer',
    objects: [ing('b', 'newcomer', X, '198.51.100.1', T1), ing('a', 'incumbent', X, '203.0.113.1', T2)],
    current: [rec(X, '203.0.113.1', { owner: OWNER, resource: 'ingress/a/incumbent' })],
    keeper: 'a/incumbent',
    targets: ['203.0.113.1'],
  },
  {
    name: 'resource label match holds when the incumbent now asks for other targets',
    objects: [ing('b', 'newcomer', X, '198.51.100.1', T1), ing('a', 'incumbent', X, '203.0.113.9', T2)],
    current: [rec(X, '203.0.113.1', { owner: OWNER, resource: 'ingress/a/incumbent' })],
    keeper: 'a/incumbent',
    targets: ['203.0.113.9'],
    change: 'update',
  },
  {
    name: 'no resource label (older external-dns): the claimant asking for its targets keeps it',
    objects: [ing('b', 'other', X, '198.51.100.1'), ing('a', 'same-targets', X, '203.0.113.1')],
    current: [rec(X, '203.0.113.1', { owner: OWNER })],
    keeper: 'a/same-targets',
    targets: ['203.0.113.1'],
  },
  {
    name: 'no resource label, no claimant with its targets, order unknown: both denied, record kept',
    objects: [ing('a', 'one', X, '198.51.100.1'), ing('b', 'two', X, '198.51.100.2')],
    current: [rec(X, '203.0.113.1', { owner: OWNER })],
    keeper: 'a/one',
    targets: ['203.0.113.1'],
  },
  {
    name: 'the labelled object is gone: the oldest claimant keeps the name and updates it',
    objects: [ing('b', 'young', X, '198.51.100.2', T2), ing('a', 'old', X, '198.51.100.1', T1)],
    current: [rec(X, '203.0.113.1', { owner: OWNER, resource: 'ingress/gone/gone' })],
    keeper: 'a/old',
    targets: ['198.51.100.1'],
    change: 'update',
  },
  {
    name: 'the labelled object is gone, claimants of the same second: both denied, record kept',
    objects: [ing('a', 'one', X, '198.51.100.1', T1), ing('b', 'two', X, '198.51.100.2', T1)],
    current: [rec(X, '203.0.113.1', { owner: OWNER, resource: 'ingress/gone/gone' })],
    keeper: 'a/one',
    targets: ['203.0.113.1'],
  },
  {
    name: 'both claimants denied by the duplicate rule (issue 14): the owned record is not deleted',
    objects: [ing('a', 'one', X, '203.0.113.1'), ing('b', 'two', X, '203.0.113.1')],
    current: [rec(X, '203.0.113.1', { owner: OWNER })],
    keeper: 'a/one',
    targets: ['203.0.113.1'],
  },
  {
    name: 'the incumbent turned invalid (target not an IPv4 address): its record is kept unchanged',
    objects: [
      {
        apiVersion: 'externaldns.k8s.io/v1alpha1',
        kind: 'DNSEndpoint',
        metadata: { name: 'ep', namespace: 'a' },
        spec: { endpoints: [{ dnsName: 'y.example.com', recordType: 'A', targets: ['lb.example.net'] }] },
      },
      ing('a', 'incumbent', X, '203.0.113.1'),
    ],
    current: [rec(X, '203.0.113.1', { owner: OWNER, resource: 'ingress/a/incumbent' })],
    keeper: 'a/incumbent',
    targets: ['203.0.113.1'],
  },
  {
    name: 'a newcomer with no record yet: created for the oldest claimant only',
    objects: [ing('b', 'young', X, '198.51.100.2', T2), ing('a', 'old', X, '198.51.100.1', T1)],
    current: [],
    keeper: 'a/old',
    targets: ['198.51.100.1'],
    change: 'create',
  },
];

describe('conflicts: who keeps the name; nothing is deleted', () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = sync(c.objects, c.current);
      expect(p.changes.delete).toEqual([]);
      const standing = p.desired.outcomes.filter((o) => o.endpoints.some((ep) => ep.dnsName === X));
      expect(standing.map((o) => `${o.obj.metadata?.namespace}/${o.obj.metadata?.name}`)).toEqual([c.keeper]);
      const at = standing[0].endpoints.find((ep) => ep.dnsName === X)!;
      expect(at.targets).toEqual(c.targets);
      const created = p.changes.create.filter((ep) => ep.dnsName === X);
      const updated = p.changes.updateNew.filter((ep) => ep.dnsName === X);
      expect(created.length).toBe(c.change === 'create' ? 1 : 0);
      expect(updated.length).toBe(c.change === 'update' ? 1 : 0);
      for (const ep of [...created, ...updated]) expect(ep.targets).toEqual(c.targets);
      // the others are reported: denied with the rule
      for (const o of p.desired.outcomes)
        if (
          `${o.obj.metadata?.namespace}/${o.obj.metadata?.name}` !== c.keeper &&
          o.extraction.claims.some((k) => k.hostname === X)
        )
          expect(o.outcome).toBe('rejected');
    });
  }
});

describe('the resolver order among candidates that reach the plan', () => {
  const cand = (resource: string, targets: string[]) => newEndpoint(X, 'A', targets, undefined, { resource });
  const pick = (desired: Endpoint[], createdOf?: (r: string) => string | undefined) =>
    plan({ current: [], desired, ownerId: OWNER, createdOf }).changes.create.map(
      (ep) => `${ep.labels.resource} ${ep.targets.join(',')}`,
    );
  it.each([
    [
      'IPs compare as addresses, not text: 8.8.8.8 before 127.0.0.1',
      [
        ['r1', ['127.0.0.1']],
        ['r2', ['8.8.8.8']],
      ],
      'r2 8.8.8.8',
    ],
    [
      'the same pick in the other input order',
      [
        ['r2', ['8.8.8.8']],
        ['r1', ['127.0.0.1']],
      ],
      'r2 8.8.8.8',
    ],
    [
      'IPv4 before IPv6',
      [
        ['r1', ['2001:db8::1']],
        ['r2', ['203.0.113.1']],
      ],
      'r2 203.0.113.1',
    ],
    [
      'an IP before a hostname (1-2-3-4.example.net)',
      [
        ['r1', ['1-2-3-4.example.net']],
        ['r2', ['1.2.3.4']],
      ],
      'r2 1.2.3.4',
    ],
    [
      'fewer targets first',
      [
        ['r1', ['10.0.0.1', '10.0.0.2']],
        ['r2', ['10.0.0.9']],
      ],
      'r2 10.0.0.9',
    ],
    [
      'equal targets: the smaller resource, whatever the input order',
      [
        ['r2', ['10.0.0.1']],
        ['r1', ['10.0.0.1']],
      ],
      'r1 10.0.0.1',
    ],
  ] as [string, [string, string[]][], string][])('%s', (_name, input, want) => {
    expect(pick(input.map(([r, t]) => cand(r, t)))).toEqual([want]);
  });
  it('the oldest creationTimestamp comes before the resolver order', () => {
    const created: Record<string, string> = { r1: T2, r2: T1 };
    expect(pick([cand('r1', ['10.0.0.1']), cand('r2', ['10.0.0.9'])], (r) => created[r])).toEqual([
      'r2 10.0.0.9',
    ]);
  });
  it('an owned record without resource label stays with the candidate asking for its targets', () => {
    const current = [rec(X, '10.0.0.9', { owner: OWNER })];
    const r = plan({
      current,
      desired: [cand('r1', ['10.0.0.1']), cand('r2', ['10.0.0.9'])],
      ownerId: OWNER,
    });
    expect(r.changes).toEqual({ create: [], updateOld: [], updateNew: [], delete: [] });
    expect(r.conflicts.map((k) => k.desired.labels.resource)).toEqual(['r1']);
  });
});

describe('deletion guard', () => {
  const owned = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      rec(`s${i}.example.com`, '203.0.113.1', { owner: OWNER, resource: `service/ns${i % 3}/s${i}` }),
    );
  it.each([
    ['normal churn: 3 of 40 deleted', 40, 37, false],
    ['a small cluster deleting its last record (1 of 1, under the ratio floor)', 1, 0, false],
    ['10 of 12 deleted: under the ratio floor of 10 deletes', 12, 2, false],
    ['11 of 12 deleted: more than half', 12, 1, true],
    ['storm: everything deleted', 40, 0, true],
    ['101 of 1000 deleted: more than --max-deletions=100', 1000, 899, true],
  ] as [string, number, number, boolean][])('%s', (_name, have, keep, held) => {
    const current = owned(have);
    const objects = current.slice(0, keep).map((ep) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: ep.labels.resource!.split('/')[2],
        namespace: ep.labels.resource!.split('/')[1],
        annotations: { 'external-dns.kubernetes.io/hostname': ep.dnsName },
      },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
    }));
    const p = sync(objects, current);
    expect(p.owned).toBe(have);
    expect(!!p.hold).toBe(held);
    expect(p.changes.delete.length).toBe(held ? 0 : have - keep);
    if (held) {
      expect(p.hold!.count).toBe(have - keep);
      expect(p.hold!.byZone).toEqual([['example.com', have - keep]]);
      const released = releaseHold(p);
      expect(released.changes.delete.length).toBe(have - keep);
      expect(released.hold!.released).toBe(true);
    }
  });
});
