import { describe, expect, it } from 'vitest';
import { newEndpoint } from '../core/model/endpoint.js';
import { silentLogger } from '../core/log.js';
import { OwnershipIndex } from '../core/ownership.js';
import { OwnershipCache, snapshotFingerprint } from './ownership-index.js';

describe('OwnershipIndex.build (sliced, for the webhook)', () => {
  it('gives the same answers as the constructor', async () => {
    const records = [
      newEndpoint('a.example.com', 'A', ['192.0.2.1'], undefined, { owner: 'x' }),
      newEndpoint('b.example.com', 'CNAME', ['lb.example.net'], undefined, { owner: '' }),
      ...Array.from({ length: 5000 }, (_, i) =>
        newEndpoint(`n${i}.example.com`, 'A', ['192.0.2.2'], undefined, { owner: i % 2 ? 'x' : 'me' }),
      ),
    ];
    const claims = [
      { dnsName: 'gone.example.com', recordType: 'A', labels: { owner: 'y', resource: 'ingress/a/b' } },
      { dnsName: 'a.example.com', recordType: '', labels: { owner: 'x' } },
    ] as never;
    const snapshot = { records, claims };
    const sync = new OwnershipIndex(snapshot, 1);
    const sliced = await OwnershipIndex.build(snapshot, 1, 700);
    expect(sliced.size).toBe(sync.size);
    expect(sliced.loadedAt).toBe(1);
    for (const name of [
      'a.example.com',
      'b.example.com',
      'gone.example.com',
      'n0.example.com',
      'n1.example.com',
      'n4999.example.com',
      'none.example.com',
    ]) {
      for (const type of ['A', 'AAAA', 'CNAME'])
        expect(sliced.blockerFor(name, type, 'me'), `${name} ${type}`).toEqual(
          sync.blockerFor(name, type, 'me'),
        );
    }
  });
});

describe('snapshotFingerprint: a refresh rebuilds the index exactly when its answers can change', () => {
  const base = () => ({
    records: [
      newEndpoint('a.example.com', 'A', ['192.0.2.1'], undefined, { owner: 'x', resource: 'ingress/a/b' }),
    ],
    claims: [
      {
        dnsName: 'gone.example.com',
        recordType: 'A',
        setIdentifier: 'eu',
        labels: { owner: 'y' },
        txtName: 'a-gone.example.com',
      },
    ],
  });
  type Snap = ReturnType<typeof base>;
  const cases: { name: string; change: (s: Snap) => void; rebuild: boolean }[] = [
    { name: 'nothing changed', change: () => {}, rebuild: false },
    {
      name: "a record's targets (not in the index)",
      change: (s) => (s.records[0]!.targets = ['192.0.2.9']),
      rebuild: false,
    },
    { name: "a record's owner", change: (s) => (s.records[0]!.labels.owner = 'z'), rebuild: true },
    {
      name: "a record's resource",
      change: (s) => (s.records[0]!.labels.resource = 'ingress/a/c'),
      rebuild: true,
    },
    { name: "a record's set identifier", change: (s) => (s.records[0]!.setIdentifier = 'us'), rebuild: true },
    {
      name: "an ownership record's set identifier",
      change: (s) => (s.claims[0]!.setIdentifier = 'us'),
      rebuild: true,
    },
  ];
  for (const c of cases)
    it(`${c.name}: ${c.rebuild ? 'rebuilt' : 'kept'}`, async () => {
      const changed = base();
      c.change(changed);
      const [before, after] = [await snapshotFingerprint(base()), await snapshotFingerprint(changed)];
      expect(after !== before).toBe(c.rebuild);
    });

  it('an ownership record without an owner label is not one with an empty owner: rebuilt', async () => {
    const [missing, empty] = [base(), base()];
    missing.claims[0]!.labels = {} as never;
    empty.claims[0]!.labels = { owner: '' };
    expect(await snapshotFingerprint(missing)).not.toBe(await snapshotFingerprint(empty));
  });
});

describe('OwnershipCache', () => {
  const cache = (load: () => Promise<OwnershipIndex>, now: () => number) =>
    new OwnershipCache({ load, refreshMs: 60_000, maxAgeMs: 10_000, logger: silentLogger(), now });

  it('keeps the last index when a refresh fails, and turns stale past the maximum age', async () => {
    let t = 1_000;
    let fail = false;
    const c = cache(
      async () => {
        if (fail) throw new Error('connect ECONNREFUSED');
        return OwnershipIndex.build({ records: [], claims: [] }, t);
      },
      () => t,
    );
    expect(c.state()).toMatchObject({ state: 'stale', ageMs: Infinity });
    expect(await c.refreshNow()).toBe(true);
    const first = c.current();
    t += 5_000;
    fail = true;
    expect(await c.refreshNow()).toBe(false);
    expect(c.current()).toBe(first);
    expect(c.state()).toEqual({
      state: 'fresh',
      ageMs: 5_000,
      maxAgeMs: 10_000,
      lastError: 'connect ECONNREFUSED',
    });
    t += 6_000;
    expect(c.state()).toMatchObject({ state: 'stale', ageMs: 11_000 });
    fail = false;
    await c.refreshNow();
    expect(c.state()).toEqual({ state: 'fresh', ageMs: 0, maxAgeMs: 10_000 });
    c.close();
  });

  it('coalesces concurrent refreshes, with one more read after a call made during a read', async () => {
    let loads = 0;
    let release: () => void = () => {};
    const c = cache(() => {
      loads++;
      return new Promise((resolve) => (release = () => resolve(OwnershipIndex.empty())));
    }, Date.now);
    const a = c.refreshNow();
    const b = c.refreshNow();
    const d = c.refreshNow();
    expect(loads).toBe(1);
    release();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(loads).toBe(2);
    release();
    expect(await b).toBe(true);
    expect(await d).toBe(true);
    expect(loads).toBe(2);
    c.close();
  });
});
