import { describe, expect, it } from 'vitest';
import { newEndpoint, type Endpoint } from '../model/endpoint.js';
import { InMemoryProvider } from '../providers/inmemory/index.js';
import { emptyChanges } from '../model/changes.js';
import { TxtRegistry } from './txt-registry.js';

const own = (owner: string, resource = 'ingress/default/app') =>
  `heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}`;

async function setup(records: Endpoint[], opts: Partial<ConstructorParameters<typeof TxtRegistry>[1]> = {}) {
  const provider = new InMemoryProvider({ zones: ['example.com'] });
  await provider.applyChanges({ ...emptyChanges(), create: records });
  const registry = new TxtRegistry(provider, { ownerId: 'cluster-a', ...opts });
  return { provider, registry };
}

describe('TxtRegistry.records', () => {
  const cases: {
    name: string;
    records: Endpoint[];
    opts?: { prefix?: string; suffix?: string; wildcardReplacement?: string };
    want: Record<string, string | undefined>;
  }[] = [
    {
      name: 'new-format TXT gives the record its owner',
      records: [
        newEndpoint('app.example.com', 'A', ['192.0.2.1']),
        newEndpoint('a-app.example.com', 'TXT', [own('cluster-b')]),
      ],
      want: { 'app.example.com A': 'cluster-b' },
    },
    {
      name: 'a record without TXT has no owner',
      records: [newEndpoint('www.example.com', 'A', ['192.0.2.1'])],
      want: { 'www.example.com A': undefined },
    },
    {
      name: 'old-format TXT (no type) still owns A and CNAME',
      records: [
        newEndpoint('old.example.com', 'CNAME', ['lb.example.net']),
        newEndpoint('old.example.com', 'TXT', [own('legacy')]),
      ],
      want: { 'old.example.com CNAME': 'legacy' },
    },
    {
      name: 'old-format TXT does not own AAAA (external-dns behaviour)',
      records: [
        newEndpoint('v6.example.com', 'AAAA', ['2001:db8::1']),
        newEndpoint('v6.example.com', 'TXT', [own('legacy')]),
      ],
      want: { 'v6.example.com AAAA': undefined },
    },
    {
      name: 'new format wins over old format',
      records: [
        newEndpoint('both.example.com', 'A', ['192.0.2.1']),
        newEndpoint('both.example.com', 'TXT', [own('old')]),
        newEndpoint('a-both.example.com', 'TXT', [own('new')]),
      ],
      want: { 'both.example.com A': 'new' },
    },
    {
      name: 'TXT of one type does not own another type',
      records: [
        newEndpoint('mix.example.com', 'A', ['192.0.2.1']),
        newEndpoint('mix.example.com', 'AAAA', ['2001:db8::1']),
        newEndpoint('a-mix.example.com', 'TXT', [own('x')]),
      ],
      want: { 'mix.example.com A': 'x', 'mix.example.com AAAA': undefined },
    },
    {
      name: 'a foreign TXT value (SPF) stays an ordinary record',
      records: [newEndpoint('example.com', 'TXT', ['v=spf1 -all'])],
      want: { 'example.com TXT': undefined },
    },
    {
      name: 'prefix',
      opts: { prefix: 'txt.' },
      records: [
        newEndpoint('p.example.com', 'A', ['192.0.2.1']),
        newEndpoint('txt.a-p.example.com', 'TXT', [own('pfx')]),
      ],
      want: { 'p.example.com A': 'pfx' },
    },
    {
      name: 'wildcard replacement',
      opts: { wildcardReplacement: 'star' },
      records: [
        newEndpoint('*.w.example.com', 'A', ['192.0.2.1']),
        newEndpoint('a-star.w.example.com', 'TXT', [own('wc')]),
      ],
      want: { '*.w.example.com A': 'wc' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { registry } = await setup(c.records, c.opts);
      const got = await registry.records();
      for (const [key, owner] of Object.entries(c.want)) {
        const [name, type] = key.split(' ');
        const ep = got.find((e) => e.dnsName === name && e.recordType === type);
        expect(ep, key).toBeDefined();
        expect(ep!.labels.owner, key).toBe(owner);
      }
      expect(got.some((e) => e.recordType === 'TXT' && e.targets[0].startsWith('heritage='))).toBe(false);
    });
  }
});

describe('TxtRegistry.applyChanges', () => {
  it('creates the record with its ownership TXT, byte-identical to external-dns', async () => {
    const { provider, registry } = await setup([]);
    await registry.records();
    await registry.applyChanges({
      ...emptyChanges(),
      create: [
        newEndpoint('app.example.com', 'A', ['203.0.113.7'], 300, { resource: 'ingress/default/app' }),
      ],
    });
    const all = await provider.records();
    expect(all.find((e) => e.dnsName === 'a-app.example.com')).toMatchObject({
      recordType: 'TXT',
      targets: [
        'heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/default/app',
      ],
      ttl: 300,
    });
  });

  it('deletes the ownership TXT with its record, using the stored value', async () => {
    const stored = 'heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=service/x/old';
    const { provider, registry } = await setup([
      newEndpoint('gone.example.com', 'A', ['192.0.2.9']),
      newEndpoint('a-gone.example.com', 'TXT', [stored]),
    ]);
    const [rec] = (await registry.records()).filter((e) => e.dnsName === 'gone.example.com');
    await registry.applyChanges({ ...emptyChanges(), delete: [rec] });
    expect(await provider.records()).toEqual([]);
  });

  it("deletes external-dns's old-format ownership record too when it is ours, and only then", async () => {
    const mine = own('cluster-a', 'service/x/old');
    const { provider, registry } = await setup([
      // as external-dns (default settings) leaves a record: both formats
      newEndpoint('gone.example.com', 'A', ['192.0.2.9']),
      newEndpoint('a-gone.example.com', 'TXT', [mine]),
      newEndpoint('gone.example.com', 'TXT', [mine]),
      // another owner's old-format record at a name we delete nothing from stays
      newEndpoint('kept.example.com', 'A', ['192.0.2.8']),
      newEndpoint('a-kept.example.com', 'TXT', [mine]),
      newEndpoint('kept.example.com', 'TXT', [own('cluster-b')]),
    ]);
    const recs = (await registry.records()).filter((e) => e.recordType === 'A');
    await registry.applyChanges({ ...emptyChanges(), delete: recs });
    expect((await provider.records()).map((e) => `${e.dnsName} ${e.recordType} ${e.targets[0]}`)).toEqual([
      `kept.example.com TXT ${own('cluster-b')}`,
    ]);
  });

  it('never updates or deletes a record owned by someone else, even if asked', async () => {
    const { provider, registry } = await setup([
      newEndpoint('b.example.com', 'A', ['192.0.2.2']),
      newEndpoint('a-b.example.com', 'TXT', [own('cluster-b')]),
      newEndpoint('u.example.com', 'A', ['192.0.2.3']),
    ]);
    const before = await provider.records();
    const recs = await registry.records();
    const b = recs.find((e) => e.dnsName === 'b.example.com')!;
    const u = recs.find((e) => e.dnsName === 'u.example.com')!;
    const full = await registry.applyChanges({
      create: [],
      delete: [b, u],
      updateOld: [b],
      updateNew: [{ ...b, targets: ['198.51.100.1'] }],
    });
    expect(full.delete).toEqual([]);
    expect(full.updateNew).toEqual([]);
    expect(await provider.records()).toEqual(before);
  });

  it('adds a missing ownership TXT on update (migration from old format)', async () => {
    const { provider, registry } = await setup([
      newEndpoint('m.example.com', 'A', ['192.0.2.4']),
      newEndpoint('m.example.com', 'TXT', [own('cluster-a', 'ingress/default/m')]),
    ]);
    const [m] = (await registry.records()).filter(
      (e) => e.dnsName === 'm.example.com' && e.recordType === 'A',
    );
    expect(m.labels.owner).toBe('cluster-a');
    await registry.applyChanges({
      create: [],
      delete: [],
      updateOld: [m],
      updateNew: [{ ...m, targets: ['192.0.2.5'] }],
    });
    const names = (await provider.records()).map((e) => `${e.dnsName} ${e.recordType}`).sort();
    expect(names).toEqual(['a-m.example.com TXT', 'm.example.com A', 'm.example.com TXT']);
  });
});
