import { describe, expect, it } from 'vitest';
import { DomainFilter } from './domain-filter.js';
import { newEndpoint, type Endpoint } from './model/endpoint.js';
import { plan, planToJson, type Policy } from './plan.js';

const ep = (
  name: string,
  type: string,
  targets: string[],
  labels: Record<string, string> = {},
  ttl?: number,
): Endpoint => newEndpoint(name, type, targets, ttl, labels);
const mine = (
  name: string,
  type: string,
  targets: string[],
  resource = 'ingress/default/app',
  ttl?: number,
) => ep(name, type, targets, { owner: 'me', resource }, ttl);
const desired = (
  name: string,
  type: string,
  targets: string[],
  resource = 'ingress/default/app',
  ttl?: number,
) => ep(name, type, targets, { resource }, ttl);

interface Case {
  name: string;
  current: Endpoint[];
  desired: Endpoint[];
  policy?: Policy;
  filter?: DomainFilter;
  managed?: string[];
  want: { create?: string[]; update?: string[]; delete?: string[]; conflicts?: string[] };
}

const key = (e: Endpoint) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`;

const cases: Case[] = [
  {
    name: 'create a new record',
    current: [],
    desired: [desired('a.example.com', 'A', ['1.1.1.1'])],
    want: { create: ['a.example.com A 1.1.1.1'] },
  },
  {
    name: 'nothing to do when equal',
    current: [mine('a.example.com', 'A', ['1.1.1.1'])],
    desired: [desired('a.example.com', 'A', ['1.1.1.1'])],
    want: {},
  },
  {
    name: 'targets compared as a set',
    current: [mine('a.example.com', 'A', ['1.1.1.1', '2.2.2.2'])],
    desired: [desired('a.example.com', 'A', ['2.2.2.2', '1.1.1.1'])],
    want: {},
  },
  {
    name: 'update owned record with new targets',
    current: [mine('a.example.com', 'A', ['1.1.1.1'])],
    desired: [desired('a.example.com', 'A', ['2.2.2.2'])],
    want: { update: ['a.example.com A 2.2.2.2'] },
  },
  {
    name: 'update when a TTL is asked for and differs',
    current: [mine('a.example.com', 'A', ['1.1.1.1'], 'r', 300)],
    desired: [desired('a.example.com', 'A', ['1.1.1.1'], 'r', 60)],
    want: { update: ['a.example.com A 1.1.1.1'] },
  },
  {
    name: 'no update when no TTL is asked for',
    current: [mine('a.example.com', 'A', ['1.1.1.1'], 'r', 300)],
    desired: [desired('a.example.com', 'A', ['1.1.1.1'], 'r')],
    want: {},
  },
  {
    name: 'delete owned record no longer desired',
    current: [mine('old.example.com', 'A', ['1.1.1.1'])],
    desired: [],
    want: { delete: ['old.example.com A 1.1.1.1'] },
  },
  {
    name: 'never delete a record of another owner',
    current: [ep('b.example.com', 'A', ['1.1.1.1'], { owner: 'other' })],
    desired: [],
    want: {},
  },
  {
    name: 'never delete an unowned record',
    current: [ep('u.example.com', 'A', ['1.1.1.1'])],
    desired: [],
    want: {},
  },
  {
    name: 'never update a record of another owner',
    current: [ep('b.example.com', 'A', ['1.1.1.1'], { owner: 'other' })],
    desired: [desired('b.example.com', 'A', ['2.2.2.2'])],
    want: { conflicts: ['b.example.com A owned-by-other'] },
  },
  {
    name: 'never take over an unowned record',
    current: [ep('u.example.com', 'A', ['1.1.1.1'])],
    desired: [desired('u.example.com', 'A', ['2.2.2.2'])],
    want: { conflicts: ['u.example.com A unowned'] },
  },
  {
    name: 'no CNAME where another owner has an A',
    current: [ep('c.example.com', 'A', ['1.1.1.1'], { owner: 'other' })],
    desired: [desired('c.example.com', 'CNAME', ['lb.example.net'])],
    want: { conflicts: ['c.example.com CNAME owned-by-other'] },
  },
  {
    name: 'no A where an unowned CNAME exists',
    current: [ep('c.example.com', 'CNAME', ['x.example.net'])],
    desired: [desired('c.example.com', 'A', ['1.1.1.1'])],
    want: { conflicts: ['c.example.com A unowned'] },
  },
  {
    name: 'A next to a foreign AAAA is fine',
    current: [ep('d.example.com', 'AAAA', ['2001:db8::1'], { owner: 'other' })],
    desired: [desired('d.example.com', 'A', ['1.1.1.1'])],
    want: { create: ['d.example.com A 1.1.1.1'] },
  },
  {
    name: 'upsert-only never deletes',
    policy: 'upsert-only',
    current: [mine('old.example.com', 'A', ['1.1.1.1']), mine('a.example.com', 'A', ['1.1.1.1'])],
    desired: [desired('a.example.com', 'A', ['2.2.2.2'])],
    want: { update: ['a.example.com A 2.2.2.2'] },
  },
  {
    name: 'create-only only creates',
    policy: 'create-only',
    current: [mine('old.example.com', 'A', ['1.1.1.1']), mine('a.example.com', 'A', ['1.1.1.1'])],
    desired: [desired('a.example.com', 'A', ['2.2.2.2']), desired('n.example.com', 'A', ['3.3.3.3'])],
    want: { create: ['n.example.com A 3.3.3.3'] },
  },
  {
    name: 'two resources want one name: smallest targets win',
    current: [],
    desired: [
      desired('x.example.com', 'A', ['9.9.9.9'], 'ingress/a/one'),
      desired('x.example.com', 'A', ['1.1.1.1'], 'ingress/b/two'),
    ],
    want: { create: ['x.example.com A 1.1.1.1'], conflicts: ['x.example.com A lost-to-other-resource'] },
  },
  {
    name: 'two resources want one name: the current owner resource keeps it',
    current: [mine('x.example.com', 'A', ['9.9.9.9'], 'ingress/a/one')],
    desired: [
      desired('x.example.com', 'A', ['9.9.9.9'], 'ingress/a/one'),
      desired('x.example.com', 'A', ['1.1.1.1'], 'ingress/b/two'),
    ],
    want: { conflicts: ['x.example.com A lost-to-other-resource'] },
  },
  {
    name: 'A/AAAA win over a CNAME for the same name',
    current: [],
    desired: [
      desired('y.example.com', 'A', ['1.1.1.1']),
      desired('y.example.com', 'CNAME', ['lb.example.net'], 'service/x/y'),
    ],
    want: { create: ['y.example.com A 1.1.1.1'], conflicts: ['y.example.com CNAME cname-conflict'] },
  },
  {
    name: 'outside the domain filter: neither created nor deleted',
    filter: new DomainFilter({ filters: ['example.com'] }),
    current: [mine('a.example.org', 'A', ['1.1.1.1'])],
    desired: [desired('b.example.org', 'A', ['1.1.1.1'])],
    want: {},
  },
  {
    name: 'unmanaged types are ignored',
    current: [mine('m.example.com', 'MX', ['10 mx.example.com'])],
    desired: [desired('t.example.com', 'TXT', ['hello'])],
    want: {},
  },
  {
    name: 'managed types can be extended',
    managed: ['A', 'TXT'],
    current: [],
    desired: [desired('t.example.com', 'TXT', ['hello'])],
    want: { create: ['t.example.com TXT hello'] },
  },
  {
    name: 'set identifiers keep records apart',
    current: [{ ...mine('s.example.com', 'A', ['1.1.1.1']), setIdentifier: 'eu' }],
    desired: [{ ...desired('s.example.com', 'A', ['2.2.2.2']), setIdentifier: 'us' }],
    want: { create: ['s.example.com A 2.2.2.2'], delete: ['s.example.com A 1.1.1.1'] },
  },
];

describe('plan', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = plan({
        current: c.current,
        desired: c.desired,
        ownerId: 'me',
        policy: c.policy,
        domainFilter: c.filter,
        managedRecordTypes: c.managed,
      });
      expect(r.changes.create.map(key)).toEqual(c.want.create ?? []);
      expect(r.changes.updateNew.map(key)).toEqual(c.want.update ?? []);
      expect(r.changes.delete.map(key)).toEqual(c.want.delete ?? []);
      expect(r.conflicts.map((k) => `${k.dnsName} ${k.recordType} ${k.reason}`)).toEqual(
        c.want.conflicts ?? [],
      );
      expect(r.changes.updateOld.length).toBe(r.changes.updateNew.length);
    });
  }

  it('creates carry this owner and the resource; updates keep the current TTL if none asked', () => {
    const r = plan({
      current: [mine('a.example.com', 'A', ['1.1.1.1'], 'r', 600)],
      desired: [
        desired('a.example.com', 'A', ['2.2.2.2'], 'r'),
        desired('n.example.com', 'A', ['3.3.3.3'], 'ingress/ns/n'),
      ],
      ownerId: 'me',
    });
    expect(planToJson(r.changes)).toEqual({
      create: [
        {
          dnsName: 'n.example.com',
          recordType: 'A',
          targets: ['3.3.3.3'],
          ttl: 0,
          labels: { owner: 'me', resource: 'ingress/ns/n' },
        },
      ],
      updateOld: [
        {
          dnsName: 'a.example.com',
          recordType: 'A',
          targets: ['1.1.1.1'],
          ttl: 600,
          labels: { owner: 'me', resource: 'r' },
        },
      ],
      updateNew: [
        {
          dnsName: 'a.example.com',
          recordType: 'A',
          targets: ['2.2.2.2'],
          ttl: 600,
          labels: { owner: 'me', resource: 'r' },
        },
      ],
      delete: [],
    });
  });

  it('scales linearly enough for 20k records in a unit test', () => {
    const current: Endpoint[] = [];
    const want: Endpoint[] = [];
    for (let i = 0; i < 20000; i++) {
      current.push(mine(`h${i}.example.com`, 'A', [`10.0.${i >> 8}.${i & 255}`]));
      want.push(desired(`h${i}.example.com`, 'A', [`10.0.${i >> 8}.${i & 255}`]));
    }
    const r = plan({ current, desired: want, ownerId: 'me' });
    expect(r.changes.create.length + r.changes.updateNew.length + r.changes.delete.length).toBe(0);
  });
});
