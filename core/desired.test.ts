/** Admission-order evaluation: who publishes a name when several objects claim it. */
import { describe, expect, it } from 'vitest';
import { DomainFilter } from './domain-filter.js';
import { newEndpoint, type Endpoint } from './model/endpoint.js';
import type { KubeObject } from './model/objects.js';
import { desiredState, type Outcome } from './desired.js';

const OWNER = 'cluster-a';

const ing = (name: string, hosts: string[], created?: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', ...(created ? { creationTimestamp: created } : {}) },
  spec: { rules: hosts.map((host) => ({ host })) },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
});

/** A record this owner published for an object. */
const published = (host: string, object: string): Endpoint =>
  newEndpoint(host, 'A', ['203.0.113.1'], 300, { owner: OWNER, resource: `ingress/default/${object}` });

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-02T00:00:00Z';

const cases: {
  name: string;
  objects: KubeObject[];
  current?: Endpoint[];
  want: Record<string, Outcome>;
  published?: string[];
}[] = [
  {
    name: 'no duplicate: everything is published',
    objects: [ing('a', ['a.example.com']), ing('b', ['b.example.com'])],
    want: { a: 'published', b: 'published' },
  },
  {
    name: 'duplicate, order known: the older object wins',
    objects: [ing('young', ['x.example.com'], T2), ing('old', ['x.example.com'], T1)],
    want: { young: 'rejected', old: 'published' },
  },
  {
    name: 'duplicate, order unknown (manifests): both denied, as validate',
    objects: [ing('a', ['x.example.com']), ing('b', ['x.example.com'])],
    want: { a: 'rejected', b: 'rejected' },
  },
  {
    name: 'duplicate, same creation second: both denied',
    objects: [ing('a', ['x.example.com'], T1), ing('b', ['x.example.com'], T1)],
    want: { a: 'rejected', b: 'rejected' },
  },
  {
    name: 'the incumbent keeps its name against an older newcomer',
    objects: [ing('newcomer', ['x.example.com'], T1), ing('incumbent', ['x.example.com'], T2)],
    current: [published('x.example.com', 'incumbent')],
    want: { newcomer: 'rejected', incumbent: 'published' },
  },
  {
    name: 'a denied object does not block a later one',
    objects: [ing('bad', ['x.example.com', 'y.example.org'], T1), ing('good', ['x.example.com'], T2)],
    want: { bad: 'rejected', good: 'published' },
  },
  {
    name: 'an incumbent denied for a new name keeps its published records',
    objects: [ing('inc', ['x.example.com', 'y.example.org'], T1)],
    current: [published('x.example.com', 'inc')],
    want: { inc: 'rejected' },
    published: ['x.example.com'],
  },
  {
    name: 'an incumbent whose published name now breaks a rule is warned, not denied (webhook UPDATE)',
    objects: [ing('inc', ['x.example.org'], T1)],
    current: [
      newEndpoint('x.example.org', 'A', ['203.0.113.1'], 300, {
        owner: OWNER,
        resource: 'ingress/default/inc',
      }),
    ],
    want: { inc: 'published' },
  },
];

describe('desiredState', () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = desiredState({
        objects: c.objects,
        ruleCtx: {
          ownerId: OWNER,
          domainFilter: new DomainFilter({ filters: ['example.com'] }),
          managedRecordTypes: ['A', 'AAAA', 'CNAME'],
        },
        extractCtx: { ingressClasses: [], defaultTargets: [] },
        current: c.current ?? [],
      });
      expect(Object.fromEntries(d.outcomes.map((o) => [o.obj.metadata?.name, o.outcome]))).toEqual(c.want);
      // outcomes come back in input order
      expect(d.outcomes.map((o) => o.obj)).toEqual(c.objects);
      if (c.published) expect(d.endpoints.map((e) => e.dnsName)).toEqual(c.published);
    });
  }
});

describe('HTTPRoutes: from the cluster only where a Gateway accepted them, from files as written', () => {
  const gateway: KubeObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: {
      gatewayClassName: 'x',
      listeners: [
        { name: 'web', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
    status: { addresses: [{ type: 'IPAddress', value: '203.0.113.50' }] },
  };
  const route = (name: string, accepted?: boolean): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'apps' },
    spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: [`${name}.example.com`] },
    ...(accepted === undefined
      ? {}
      : {
          status: {
            parents: [
              {
                parentRef: { name: 'gw', namespace: 'infra' },
                controllerName: 'example.net/gw',
                conditions: [{ type: 'Accepted', status: accepted ? 'True' : 'False' }],
              },
            ],
          },
        }),
  });
  const cases: { name: string; objects: KubeObject[]; live: boolean; want: string[] }[] = [
    {
      name: 'live and accepted: published',
      objects: [gateway, route('ok', true)],
      live: true,
      want: ['ok.example.com A 203.0.113.50'],
    },
    { name: 'live and refused: nothing', objects: [gateway, route('refused', false)], live: true, want: [] },
    {
      name: 'live, no Gateway controller has seen it yet: nothing',
      objects: [gateway, route('new')],
      live: true,
      want: [],
    },
    {
      name: 'from manifests (no status): as written',
      objects: [gateway, route('file')],
      live: false,
      want: ['file.example.com A 203.0.113.50'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = desiredState({
        objects: c.objects,
        live: c.live ? new Set(c.objects) : undefined,
        ruleCtx: {
          ownerId: OWNER,
          domainFilter: new DomainFilter({ filters: ['example.com'] }),
          managedRecordTypes: ['A', 'AAAA', 'CNAME'],
        },
        extractCtx: { ingressClasses: [], defaultTargets: [] },
        current: [],
      });
      expect(d.endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`)).toEqual(c.want);
    });
  }
});
