import { describe, expect, it } from 'vitest';
import { newEndpoint, type Endpoint } from '../model/endpoint.js';
import { InMemoryProvider } from '../providers/inmemory/index.js';
import { emptyChanges } from '../model/changes.js';
import { TxtRegistry } from './txt-registry.js';
import { TxtEncryption } from './txt-crypto.js';

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

const names = async (provider: InMemoryProvider) =>
  (await provider.records()).map((e) => `${e.dnsName} ${e.recordType} ${e.targets[0]}`).sort();

describe('Route 53 alias A ownership (external-dns v0.22, #2903; registry/txt/registry_test.go)', () => {
  const alias = (name: string) => {
    const ep = newEndpoint(name, 'A', ['lb-1.eu-central-1.elb.amazonaws.com']);
    ep.providerSpecific = { alias: 'true' };
    return ep;
  };
  const cases: {
    name: string;
    txts: [string, string][];
    owner: string | undefined;
    forceUpdate: boolean;
  }[] = [
    {
      name: 'owned through "a-" as v0.22 writes it',
      txts: [['a-alias.example.com', own('cluster-a')]],
      owner: 'cluster-a',
      forceUpdate: false,
    },
    {
      name: 'legacy "cname-" only: still owned, force-update so "a-" gets written',
      txts: [['cname-alias.example.com', own('cluster-a')]],
      owner: 'cluster-a',
      forceUpdate: true,
    },
    {
      name: '"a-" and "cname-" both: no churn',
      txts: [
        ['a-alias.example.com', own('cluster-a')],
        ['cname-alias.example.com', own('cluster-a')],
      ],
      owner: 'cluster-a',
      forceUpdate: false,
    },
    {
      name: 'another owner\'s legacy "cname-": theirs, nothing forced',
      txts: [['cname-alias.example.com', own('cluster-b')]],
      owner: 'cluster-b',
      forceUpdate: false,
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { registry } = await setup([
        alias('alias.example.com'),
        ...c.txts.map(([n, v]) => newEndpoint(n, 'TXT', [v])),
      ]);
      const rec = (await registry.records()).find((e) => e.dnsName === 'alias.example.com')!;
      expect(rec.labels.owner).toBe(c.owner);
      expect(rec.providerSpecific?.['txt/force-update'] === 'true').toBe(c.forceUpdate);
    });

  it('writes "a-" for a new alias A record (not "cname-")', async () => {
    const { provider, registry } = await setup([]);
    await registry.records();
    await registry.applyChanges({ ...emptyChanges(), create: [alias('new.example.com')] });
    expect((await names(provider)).filter((n) => n.includes(' TXT '))).toEqual([
      'a-new.example.com TXT heritage=external-dns,external-dns/owner=cluster-a',
    ]);
  });

  it('the update forced by a legacy "cname-" writes "a-" and leaves the record otherwise alone', async () => {
    const { provider, registry } = await setup([
      alias('alias.example.com'),
      newEndpoint('cname-alias.example.com', 'TXT', [own('cluster-a')]),
    ]);
    const rec = (await registry.records()).find((e) => e.dnsName === 'alias.example.com')!;
    const sent = await registry.applyChanges({
      ...emptyChanges(),
      updateOld: [rec],
      updateNew: [alias('alias.example.com')],
    });
    expect(sent.create.map((e) => e.dnsName)).toEqual(['a-alias.example.com']);
    expect(sent.updateOld.every((e) => e.providerSpecific?.['txt/force-update'] === undefined)).toBe(true);
    const again = (await registry.records()).find((e) => e.dnsName === 'alias.example.com')!;
    expect(again.providerSpecific?.['txt/force-update']).toBeUndefined();
    expect(await names(provider)).toContain(
      `a-alias.example.com TXT heritage=external-dns,external-dns/owner=cluster-a`,
    );
  });

  it('deleting an alias deletes its "a-" and our legacy "cname-", never another owner\'s', async () => {
    const { provider, registry } = await setup([
      alias('mine.example.com'),
      newEndpoint('a-mine.example.com', 'TXT', [own('cluster-a')]),
      newEndpoint('cname-mine.example.com', 'TXT', [own('cluster-a')]),
      alias('mixed.example.com'),
      newEndpoint('a-mixed.example.com', 'TXT', [own('cluster-a')]),
      newEndpoint('cname-mixed.example.com', 'TXT', [own('cluster-b')]),
    ]);
    const recs = (await registry.records()).filter((e) => e.recordType === 'A');
    await registry.applyChanges({ ...emptyChanges(), delete: recs });
    expect(await names(provider)).toEqual([`cname-mixed.example.com TXT ${own('cluster-b')}`]);
  });
});

describe("DNSEndpoint resource label: external-dns's crd/<ns>/<name>, zoneguard's old dnsendpoint/ read as it", () => {
  it('reads "dnsendpoint/ns/name" as "crd/ns/name"', async () => {
    const { registry } = await setup([
      newEndpoint('api.example.com', 'A', ['192.0.2.1']),
      newEndpoint('a-api.example.com', 'TXT', [own('cluster-a', 'dnsendpoint/default/api')]),
    ]);
    const [rec] = (await registry.records()).filter((e) => e.recordType === 'A');
    expect(rec.labels).toMatchObject({ owner: 'cluster-a', resource: 'crd/default/api' });
  });

  it('an update that changes only the record keeps the old-label ownership record (no churn)', async () => {
    const { provider, registry } = await setup([
      newEndpoint('api.example.com', 'A', ['192.0.2.1']),
      newEndpoint('a-api.example.com', 'TXT', [own('cluster-a', 'dnsendpoint/default/api')]),
    ]);
    const [rec] = (await registry.records()).filter((e) => e.recordType === 'A');
    const next = newEndpoint('api.example.com', 'A', ['192.0.2.2'], undefined, {
      resource: 'crd/default/api',
    });
    const sent = await registry.applyChanges({ ...emptyChanges(), updateOld: [rec], updateNew: [next] });
    expect([...sent.create, ...sent.updateNew].filter((e) => e.recordType === 'TXT')).toEqual([]);
    expect(await names(provider)).toContain(
      `a-api.example.com TXT ${own('cluster-a', 'dnsendpoint/default/api')}`,
    );
  });

  it('a DNSEndpoint record is written with "crd/"', async () => {
    const { provider, registry } = await setup([]);
    await registry.records();
    await registry.applyChanges({
      ...emptyChanges(),
      create: [newEndpoint('n.example.com', 'A', ['192.0.2.3'], undefined, { resource: 'crd/default/n' })],
    });
    expect(await names(provider)).toContain(`a-n.example.com TXT ${own('cluster-a', 'crd/default/n')}`);
  });
});

describe('encrypted ownership records (--txt-encrypt-enabled, --txt-encrypt-aes-key)', () => {
  // registry/txt/registry_test.go TestTXTRegistryApplyChangesEncrypt: a record external-dns wrote
  const key = Buffer.from('12345678901234567890123456789012');
  const written =
    'h8UQ6jelUFUsEIn7SbFktc2MYXPx/q8lySqI4VwfVtVaIbb2nkHWV/88KKbuLtu7fJNzMir8ELVeVnRSY01KdiIuj7ledqZe5ailEjQaU5Z6uEKd5pgs6sH8';
  const zone = () => [
    newEndpoint('foobar.example.com', 'CNAME', ['foobar.loadbalancer.com']),
    newEndpoint('txt.cname-foobar.example.com', 'TXT', [written]),
  ];

  it('without the key an encrypted record is not an ownership record: the name reads as unowned', async () => {
    const { registry } = await setup(zone(), { prefix: 'txt.', ownerId: 'owner' });
    const rec = (await registry.records()).find((e) => e.recordType === 'CNAME')!;
    expect(rec.labels.owner).toBeUndefined();
  });

  it("with external-dns's key the record is owned, and deleting it deletes the encrypted TXT", async () => {
    const { provider, registry } = await setup(zone(), {
      prefix: 'txt.',
      ownerId: 'owner',
      aesKey: key,
      encrypt: true,
    });
    const recs = await registry.records();
    const rec = recs.find((e) => e.recordType === 'CNAME')!;
    expect(rec.labels.owner).toBe('owner');
    expect(rec.providerSpecific?.['txt/force-update']).toBeUndefined();
    await registry.applyChanges({ ...emptyChanges(), delete: [rec] });
    expect(await provider.records()).toEqual([]);
  });

  it('a key alone (encryption off) still reads encrypted records, as external-dns does', async () => {
    const { registry } = await setup(zone(), { prefix: 'txt.', ownerId: 'owner', aesKey: key });
    expect((await registry.records()).find((e) => e.recordType === 'CNAME')!.labels.owner).toBe('owner');
  });

  it('writes encrypted values that decrypt to the plain ownership text', async () => {
    const { provider, registry } = await setup([], { aesKey: key, encrypt: true });
    await registry.records();
    await registry.applyChanges({
      ...emptyChanges(),
      create: [
        newEndpoint('app.example.com', 'A', ['192.0.2.1'], undefined, { resource: 'ingress/default/app' }),
      ],
    });
    const txt = (await provider.records()).find((e) => e.recordType === 'TXT')!;
    expect(txt.dnsName).toBe('a-app.example.com');
    expect(txt.targets[0]).not.toContain('heritage');
    expect(new TxtEncryption(key).decrypt(txt.targets[0])?.text).toBe(own('cluster-a'));
  });

  it('an update that changes only the target keeps the encrypted ownership value byte for byte', async () => {
    const { provider, registry } = await setup(zone(), {
      prefix: 'txt.',
      ownerId: 'owner',
      aesKey: key,
      encrypt: true,
    });
    const rec = (await registry.records()).find((e) => e.recordType === 'CNAME')!;
    const sent = await registry.applyChanges({
      ...emptyChanges(),
      updateOld: [rec],
      updateNew: [newEndpoint('foobar.example.com', 'CNAME', ['other.loadbalancer.com'])],
    });
    expect(sent.updateNew.map((e) => e.recordType)).toEqual(['CNAME']);
    expect(await names(provider)).toContain(`txt.cname-foobar.example.com TXT ${written}`);
  });

  it('a label change rewrites the value with the stored nonce', async () => {
    const { provider, registry } = await setup(zone(), {
      prefix: 'txt.',
      ownerId: 'owner',
      aesKey: key,
      encrypt: true,
    });
    const rec = (await registry.records()).find((e) => e.recordType === 'CNAME')!;
    await registry.applyChanges({
      ...emptyChanges(),
      updateOld: [rec],
      updateNew: [
        newEndpoint('foobar.example.com', 'CNAME', ['foobar.loadbalancer.com'], undefined, {
          resource: 'crd/ns/f',
        }),
      ],
    });
    const value = (await provider.records()).find((e) => e.recordType === 'TXT')!.targets[0];
    const enc = new TxtEncryption(key);
    expect(enc.decrypt(value)).toEqual({
      text: 'heritage=external-dns,external-dns/owner=owner,external-dns/resource=crd/ns/f',
      nonce: enc.decrypt(written)!.nonce,
    });
  });

  it('refuses encryption without a key', () => {
    expect(
      () =>
        new TxtRegistry(new InMemoryProvider({ zones: ['example.com'] }), { ownerId: 'a', encrypt: true }),
    ).toThrow(/AES encryption key must be set/);
  });
});

describe('--migrate-from-txt-owner (docs/registry/txt.md "OwnerID migration"; TestTXTRecordMigration)', () => {
  const zone = () => [
    newEndpoint('bar.example.com', 'A', ['1.2.3.4']),
    newEndpoint('a-bar.example.com', 'TXT', [own('old-owner', 'ingress/default/bar')]),
    newEndpoint('other.example.com', 'A', ['1.2.3.5']),
    newEndpoint('a-other.example.com', 'TXT', [own('cluster-b')]),
  ];

  it("reads the old owner's records as this owner's, forced to update; other owners' stay theirs", async () => {
    const { registry } = await setup(zone(), { ownerId: 'new-owner', migrateFromOwner: 'old-owner' });
    const snap = await registry.snapshot();
    const bar = snap.records.find((e) => e.dnsName === 'bar.example.com')!;
    expect(bar.labels.owner).toBe('new-owner');
    expect(bar.providerSpecific?.['txt/force-update']).toBe('true');
    expect(snap.records.find((e) => e.dnsName === 'other.example.com')!.labels.owner).toBe('cluster-b');
  });

  it('the update rewrites the ownership record with the new owner id, once', async () => {
    const { provider, registry } = await setup(zone(), {
      ownerId: 'new-owner',
      migrateFromOwner: 'old-owner',
    });
    const bar = (await registry.records()).find((e) => e.dnsName === 'bar.example.com')!;
    await registry.applyChanges({
      ...emptyChanges(),
      updateOld: [bar],
      updateNew: [
        newEndpoint('bar.example.com', 'A', ['1.2.3.4'], undefined, { resource: 'ingress/default/bar' }),
      ],
    });
    expect(await names(provider)).toContain(
      `a-bar.example.com TXT ${own('new-owner', 'ingress/default/bar')}`,
    );
    const again = (await registry.records()).find((e) => e.dnsName === 'bar.example.com')!;
    expect(again.providerSpecific?.['txt/force-update']).toBeUndefined();
  });

  it("without the flag the old owner's records are not ours", async () => {
    const { registry } = await setup(zone(), { ownerId: 'new-owner' });
    expect((await registry.records()).find((e) => e.dnsName === 'bar.example.com')!.labels.owner).toBe(
      'old-owner',
    );
  });
});

describe('internationalised names on the wire', () => {
  it('a Unicode name is published and owned in its punycode form, and read back as ours', async () => {
    const { provider, registry } = await setup([]);
    await registry.records();
    await registry.applyChanges({
      ...emptyChanges(),
      create: [
        newEndpoint('Bücher.example.com', 'A', ['192.0.2.1'], undefined, { resource: 'ingress/default/b' }),
      ],
    });
    expect(await names(provider)).toEqual([
      `a-xn--bcher-kva.example.com TXT ${own('cluster-a', 'ingress/default/b')}`,
      'xn--bcher-kva.example.com A 192.0.2.1',
    ]);
    const [rec] = (await registry.records()).filter((e) => e.recordType === 'A');
    expect(rec.labels.owner).toBe('cluster-a');
  });
});
