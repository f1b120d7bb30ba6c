import { describe, expect, it } from 'vitest';
import { newEndpoint, type Endpoint } from './model/endpoint.js';
import { OwnershipIndex } from './ownership.js';
import type { OwnershipClaim } from './registry/registry.js';

const rec = (name: string, type: string, owner?: string, extra: Partial<Endpoint> = {}): Endpoint => ({
  ...newEndpoint(name, type, ['192.0.2.1'], undefined, {
    ...(owner !== undefined ? { owner } : {}),
    ...(extra.labels ?? {}),
  }),
  ...(extra.setIdentifier ? { setIdentifier: extra.setIdentifier } : {}),
});
const claim = (name: string, type: string, owner?: string, setIdentifier?: string): OwnershipClaim => ({
  dnsName: name,
  recordType: type,
  ...(setIdentifier ? { setIdentifier } : {}),
  labels: owner !== undefined ? { owner, resource: `ingress/ns/${owner}` } : {},
  txtName: `a-${name}`,
});

// who blocks cluster "me" from publishing (name, type[, set identifier]) — the ownership rule's answer
const cases: {
  name: string;
  records?: Endpoint[];
  claims?: OwnershipClaim[];
  ask: [name: string, type: string, setIdentifier?: string];
  blocker?: { owner: string; recordType: string; orphan: boolean; setIdentifier?: string; resource?: string };
}[] = [
  { name: 'no record at the name', records: [rec('a.x', 'A', 'o1')], ask: ['b.x', 'A'] },
  { name: 'our own record', records: [rec('a.x', 'A', 'me')], ask: ['a.x', 'A'] },
  {
    name: "another owner's record of that type",
    records: [rec('a.x', 'A', 'o1', { labels: { resource: 'service/s/a' } })],
    ask: ['a.x', 'A'],
    blocker: { owner: 'o1', recordType: 'A', orphan: false, resource: 'service/s/a' },
  },
  {
    name: 'a record nobody owns',
    records: [rec('a.x', 'A')],
    ask: ['a.x', 'A'],
    blocker: { owner: '', recordType: 'A', orphan: false },
  },
  {
    name: "another owner's A does not block an AAAA",
    records: [rec('a.x', 'A', 'o1')],
    ask: ['a.x', 'AAAA'],
  },
  {
    name: "another owner's A blocks a CNAME",
    records: [rec('a.x', 'A', 'o1')],
    ask: ['a.x', 'CNAME'],
    blocker: { owner: 'o1', recordType: 'A', orphan: false },
  },
  {
    name: "another owner's CNAME blocks an A",
    records: [rec('a.x', 'CNAME', 'o1')],
    ask: ['a.x', 'A'],
    blocker: { owner: 'o1', recordType: 'CNAME', orphan: false },
  },
  {
    name: 'an unowned TXT or MX coexists with an A',
    records: [rec('a.x', 'TXT'), rec('a.x', 'MX')],
    ask: ['a.x', 'A'],
  },
  {
    name: 'the first blocking record in the order read',
    records: [rec('a.x', 'AAAA', 'o2'), rec('a.x', 'A', 'o1'), rec('a.x', 'CNAME', 'o3')],
    ask: ['a.x', 'CNAME'],
    blocker: { owner: 'o2', recordType: 'AAAA', orphan: false },
  },
  {
    name: 'a record read again replaces the first and keeps its place',
    records: [rec('a.x', 'A', 'o1'), rec('a.x', 'AAAA', 'o2'), rec('a.x', 'A', 'o3')],
    ask: ['a.x', 'CNAME'],
    blocker: { owner: 'o3', recordType: 'A', orphan: false },
  },
  {
    name: 'weighted sets: another set identifier does not block',
    records: [rec('w.x', 'A', 'o1', { setIdentifier: 'a' })],
    ask: ['w.x', 'A', 'b'],
  },
  {
    name: 'weighted sets: the same set identifier blocks',
    records: [rec('w.x', 'A', 'o1', { setIdentifier: 'a' })],
    ask: ['w.x', 'A', 'a'],
    blocker: { owner: 'o1', recordType: 'A', orphan: false, setIdentifier: 'a' },
  },
  {
    name: 'weighted sets: a plain record set cannot sit beside them',
    records: [rec('w.x', 'A', 'o1', { setIdentifier: 'a' })],
    ask: ['w.x', 'A'],
    blocker: { owner: 'o1', recordType: 'A', orphan: false, setIdentifier: 'a' },
  },
  {
    name: "an ownership record whose record is gone (another owner's)",
    claims: [claim('g.x', 'A', 'o1')],
    ask: ['g.x', 'A'],
    blocker: { owner: 'o1', recordType: 'A', orphan: true, resource: 'ingress/ns/o1' },
  },
  {
    name: 'our own ownership record whose record is gone',
    claims: [claim('g.x', 'A', 'me')],
    ask: ['g.x', 'A'],
  },
  {
    name: 'an old-format ownership record claims every type',
    claims: [claim('g.x', '', 'o1')],
    ask: ['g.x', 'AAAA'],
    blocker: { owner: 'o1', recordType: 'AAAA', orphan: true, resource: 'ingress/ns/o1' },
  },
  {
    name: 'an ownership record of an existing record is not an orphan: the record decides',
    records: [rec('a.x', 'TXT', 'o1')],
    claims: [claim('a.x', 'TXT', 'o1')],
    ask: ['a.x', 'TXT'],
  },
  {
    name: 'an old-format ownership record carried by a record of its owner is not an orphan',
    records: [rec('a.x', 'MX', 'o1')],
    claims: [claim('a.x', '', 'o1')],
    ask: ['a.x', 'A'],
  },
  {
    name: 'records are checked before orphaned ownership records',
    records: [rec('a.x', 'A', 'o1')],
    claims: [claim('a.x', 'CNAME', 'o2')],
    ask: ['a.x', 'CNAME'],
    blocker: { owner: 'o1', recordType: 'A', orphan: false },
  },
];

describe('OwnershipIndex.blockerFor', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const snapshot = { records: c.records ?? [], claims: c.claims ?? [] };
      const [name, type, set] = c.ask;
      const want = c.blocker ? { resource: undefined, ...c.blocker } : undefined;
      expect(new OwnershipIndex(snapshot).blockerFor(name, type, 'me', set)).toEqual(want);
      // the webhook's sliced build answers the same
      expect((await OwnershipIndex.build(snapshot, 0, 1)).blockerFor(name, type, 'me', set)).toEqual(want);
    });
  }

  it('counts names, not records', () => {
    const index = new OwnershipIndex({
      records: [rec('a.x', 'A', 'o1'), rec('a.x', 'AAAA', 'o1'), rec('b.x', 'A')],
      claims: [claim('c.x', 'A', 'o2'), claim('a.x', 'A', 'o1')],
    });
    expect(index.size).toBe(3);
  });
});
