import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../domain-filter.js';
import { newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import { plan } from '../../plan.js';
import { emptyChanges } from '../../model/changes.js';
import { CloudflareFake } from '../../../test/fakes/cloudflare.js';
import { CloudflareProvider, PS_PROXIED, type CloudflareOptions } from './cloudflare.js';
import { tokenFrom } from './factory.js';

const noSleep = { sleep: async () => {}, random: () => 0 };
const show = (eps: Endpoint[]) =>
  eps
    .map(
      (e) =>
        `${e.dnsName} ${e.recordType} ${[...e.targets].sort().join(',')}${e.ttl ? ` ${e.ttl}` : ''}${e.providerSpecific?.[PS_PROXIED] === 'true' ? ' proxied' : ''}`,
    )
    .sort();

describe('Cloudflare against the API fake', () => {
  let fake: CloudflareFake;
  let zoneId: string;
  beforeAll(async () => {
    fake = await new CloudflareFake('s3cr3t-token').start();
  });
  afterAll(async () => fake.close());
  let n = 0;
  beforeEach(() => {
    // a fresh zone per test keeps tests independent on one server
    zoneId = fake.addZone(`t${++n}.example.com`);
    fake.resetCalls();
  });
  const apex = () => `t${n}.example.com`;
  const make = (o: Partial<CloudflareOptions> = {}) =>
    new CloudflareProvider({
      apiToken: 's3cr3t-token',
      baseURL: fake.baseURL,
      intervalMs: 0,
      retry: noSleep,
      selection: { zoneIds: [zoneId] },
      ...o,
    });

  it('discovers zones through the domain, zone id and zone name filters', async () => {
    const other = fake.addZone('other.org');
    const names = async (o: Partial<CloudflareOptions>) => (await make(o).zones()).map((z) => z.name).sort();
    expect(await names({ selection: { zoneIds: [other] } })).toEqual(['other.org']);
    expect(
      await names({ selection: { domainFilter: new DomainFilter({ filters: ['other.org'] }) } }),
    ).toEqual(['other.org']);
    expect(await names({ selection: { zoneNames: [apex()] } })).toEqual([apex()]);
  });

  it('writes one record per target, reads them back as one endpoint, TXT quoted, TTL 1 as automatic', async () => {
    const p = make();
    const txt = `heritage=external-dns,external-dns/owner=default,${'y'.repeat(300)} "q"`;
    await p.applyChanges({
      ...emptyChanges(),
      create: p.adjustEndpoints([
        newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1', '192.0.2.2'], 120),
        newEndpoint(`c.${apex()}`, 'CNAME', [`a.${apex()}`]),
        newEndpoint(`a.${apex()}`, 'TXT', [txt]),
      ]),
    });
    expect(fake.recordsOf(zoneId)).toHaveLength(4);
    expect(
      fake
        .recordsOf(zoneId)
        .find((r) => r.type === 'TXT')!
        .content.startsWith('"heritage='),
    ).toBe(true);
    expect(show(await p.records())).toEqual([
      `a.${apex()} A 192.0.2.1,192.0.2.2 120`,
      `a.${apex()} TXT ${txt}`,
      `c.${apex()} CNAME a.${apex()}`,
    ]);
    expect(fake.callCount('dns_records.batch')).toBe(1);
  });

  it('updates by patching records in place and deletes by id', async () => {
    const p = make();
    await p.applyChanges({
      ...emptyChanges(),
      create: p.adjustEndpoints([newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1', '192.0.2.2'])]),
    });
    const [cur] = await p.records();
    const ids = fake
      .recordsOf(zoneId)
      .map((r) => r.id)
      .sort();
    await p.applyChanges({
      ...emptyChanges(),
      updateOld: [cur],
      updateNew: p.adjustEndpoints([newEndpoint(`a.${apex()}`, 'A', ['192.0.2.2', '192.0.2.3'], 300)]),
    });
    expect(
      fake
        .recordsOf(zoneId)
        .map((r) => r.id)
        .sort(),
    ).toEqual(ids);
    expect(show(await p.records())).toEqual([`a.${apex()} A 192.0.2.2,192.0.2.3 300`]);
    const [again] = await p.records();
    await p.applyChanges({ ...emptyChanges(), delete: [again] });
    expect(fake.recordsOf(zoneId)).toEqual([]);
  });

  it('proxies by --cloudflare-proxied or the annotation, never wildcards, and plans proxied records back to no changes', async () => {
    const p = make({ proxiedByDefault: true });
    const desired = p.adjustEndpoints([
      newEndpoint(`web.${apex()}`, 'A', ['192.0.2.1'], 300),
      { ...newEndpoint(`direct.${apex()}`, 'A', ['192.0.2.2']), providerSpecific: { [PS_PROXIED]: 'false' } },
      newEndpoint(`*.${apex()}`, 'A', ['192.0.2.3']),
      newEndpoint(`web.${apex()}`, 'TXT', ['hello']),
    ]);
    expect(desired.map((d) => d.providerSpecific?.[PS_PROXIED] ?? '-')).toEqual([
      'true',
      'false',
      'false',
      '-',
    ]);
    expect(desired[0].ttl).toBeUndefined();
    await p.applyChanges({ ...emptyChanges(), create: desired });
    expect(
      fake
        .recordsOf(zoneId)
        .filter((r) => r.proxied)
        .map((r) => r.name),
    ).toEqual([`web.${apex()}`]);
    const current = (await p.records()).map((e) => ({ ...e, labels: { owner: 'me' } }));
    expect(
      plan({
        current,
        desired: desired.map((d) => ({ ...d, labels: { owner: 'me' } })),
        ownerId: 'me',
        managedRecordTypes: ['A', 'TXT'],
      }).changes,
    ).toEqual(emptyChanges());
  });

  it('writes --cloudflare-record-comment on created records', async () => {
    const p = make({ recordComment: 'managed by zoneguard' });
    await p.applyChanges({
      ...emptyChanges(),
      create: p.adjustEndpoints([newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1'])]),
    });
    expect(fake.recordsOf(zoneId)[0].comment).toBe('managed by zoneguard');
  });

  it('batches at the plan limit without splitting an endpoint, pages through records, and backs off on 429', async () => {
    fake.maxBatch = 10;
    try {
      const p = make({ batchSize: 10, perPage: 7 });
      // 9 endpoints of 3 targets: 27 records, 3 endpoints (9 operations) per batch
      const creates = Array.from({ length: 9 }, (_, i) =>
        newEndpoint(`r${i}.${apex()}`, 'A', [`192.0.2.${i}`, `198.51.100.${i}`, `203.0.113.${i}`]),
      );
      await p.zones();
      fake.resetCalls();
      fake.throttleNext(2, 1);
      await p.applyChanges({ ...emptyChanges(), create: creates });
      expect(p.lastBatches).toBe(3);
      expect(fake.callCount('dns_records.batch')).toBe(5);
      fake.resetCalls();
      expect(await p.records()).toHaveLength(9);
      expect(fake.callCount('dns_records.list')).toBe(4);
    } finally {
      fake.maxBatch = 200;
    }
  });

  it('rejects a batch atomically (identical record) with a non-retryable error', async () => {
    const p = make();
    await p.applyChanges({ ...emptyChanges(), create: [newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1'])] });
    const err = await p
      .applyChanges({
        ...emptyChanges(),
        create: [
          newEndpoint(`b.${apex()}`, 'A', ['192.0.2.2']),
          newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1']),
        ],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect(fake.recordsOf(zoneId).map((r) => r.name)).toEqual([`a.${apex()}`]);
  });

  it('never shows the token in errors', async () => {
    const p = new CloudflareProvider({
      apiToken: 'wrong-token-value',
      baseURL: fake.baseURL,
      retry: noSleep,
    });
    const err = (await p.zones().catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(ProviderError);
    expect(`${err.message} ${JSON.stringify(err.cause)}`).not.toContain('wrong-token-value');
  });
});

describe('Cloudflare token sources', () => {
  const cfg = (cli: Record<string, string>) => ({ cloudflareApiTokenFile: cli['cloudflare-api-token-file'] });
  it('reads CF_API_TOKEN', () => expect(tokenFrom(cfg({}), { CF_API_TOKEN: ' abc \n' })).toBe('abc'));
  it('prefers --cloudflare-api-token-file', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'cf-')), 'token');
    writeFileSync(f, 'from-file\n');
    expect(tokenFrom(cfg({ 'cloudflare-api-token-file': f }), { CF_API_TOKEN: 'env' })).toBe('from-file');
  });
  it('names the flag when there is no token', () =>
    expect(() => tokenFrom(cfg({}), {})).toThrow(
      /--cloudflare-api-token-file: no Cloudflare API token: set CF_API_TOKEN/,
    ));
});
