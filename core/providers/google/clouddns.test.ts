import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../domain-filter.js';
import { newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import { emptyChanges } from '../../model/changes.js';
import { GoogleDnsFake } from '../../../test/fakes/google-dns.js';
import { CloudDnsProvider, type CloudDnsOptions } from './clouddns.js';

const noSleep = { sleep: async () => {}, random: () => 0 };
const show = (eps: Endpoint[]) =>
  eps
    .map((e) => `${e.dnsName} ${e.recordType} ${[...e.targets].sort().join(',')}${e.ttl ? ` ${e.ttl}` : ''}`)
    .sort();

/** Credentials without any network: an OAuth2 client holding a fixed, unexpired access token. */
export function fixedTokenClient(token: string): OAuth2Client {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3600_000 });
  return c;
}

describe('Google Cloud DNS against the API fake', () => {
  let fake: GoogleDnsFake;
  let zone: string;
  let n = 0;
  beforeAll(async () => {
    fake = await new GoogleDnsFake('proj-1', 'ya29.fake').start();
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    zone = `zone-${++n}`;
    fake.addZone(zone, `t${n}.example.com`);
    fake.resetCalls();
  });
  const apex = () => `t${n}.example.com`;
  const make = (o: Partial<CloudDnsOptions> = {}) =>
    new CloudDnsProvider({
      project: 'proj-1',
      apiEndpoint: fake.url,
      authClient: fixedTokenClient('ya29.fake'),
      intervalMs: 0,
      retry: noSleep,
      selection: { zoneIds: [zone] },
      ...o,
    });

  it('discovers managed zones by visibility, domain, zone id (name or number) and zone name', async () => {
    const priv = fake.addZone('private-one', 'corp.internal', 'private');
    const names = async (o: Partial<CloudDnsOptions>) =>
      (await make({ selection: {}, ...o }).zones()).map((z) => z.name);
    expect(await names({ zoneVisibility: 'private' })).toEqual(['corp.internal']);
    expect(await names({ selection: { zoneIds: [priv.id] } })).toEqual(['corp.internal']);
    expect(await names({ selection: { zoneIds: ['private-one'] } })).toEqual(['corp.internal']);
    expect(
      await names({ selection: { domainFilter: new DomainFilter({ filters: ['corp.internal'] }) } }),
    ).toEqual(['corp.internal']);
    expect(await names({ selection: { zoneNames: [apex()] } })).toEqual([apex()]);
    expect(
      await names({ zoneVisibility: 'public', pageSize: 1, selection: { zoneNames: [apex()] } }),
    ).toEqual([apex()]);
  });

  it('creates, updates and deletes record sets in one atomic change, TXT quoted, CNAME absolute', async () => {
    const p = make();
    const txt = `heritage=external-dns,external-dns/owner=default,${'z'.repeat(300)}`;
    await p.applyChanges({
      ...emptyChanges(),
      create: [
        newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1', '192.0.2.2'], 60),
        newEndpoint(`c.${apex()}`, 'CNAME', [`a.${apex()}`]),
        newEndpoint(`a-a.${apex()}`, 'TXT', [txt]),
      ],
    });
    expect(fake.callCount('changes.create')).toBe(1);
    const stored = fake.rrsetsOf(zone);
    expect(stored.find((r) => r.type === 'CNAME')!.rrdatas).toEqual([`a.${apex()}.`]);
    expect(stored.find((r) => r.type === 'TXT')!.rrdatas[0]).toMatch(/^"heritage=.*" "z+"$/);
    const recs = await p.records();
    expect(show(recs)).toEqual([
      `a-a.${apex()} TXT ${txt} 300`,
      `a.${apex()} A 192.0.2.1,192.0.2.2 60`,
      `c.${apex()} CNAME a.${apex()} 300`,
    ]);
    const a = recs.find((r) => r.recordType === 'A')!;
    const t = recs.find((r) => r.recordType === 'TXT')!;
    await p.applyChanges({
      ...emptyChanges(),
      updateOld: [a],
      updateNew: [newEndpoint(`a.${apex()}`, 'A', ['192.0.2.3'])],
      delete: [t],
    });
    expect(show(await p.records())).toEqual([
      `a.${apex()} A 192.0.2.3 300`,
      `c.${apex()} CNAME a.${apex()} 300`,
    ]);
  });

  it('deletes a record set written by someone else exactly as stored', async () => {
    fake.seed(zone, [{ name: `old.${apex()}.`, type: 'TXT', ttl: 30, rrdatas: ['unquoted-token'] }]);
    const p = make();
    const recs = await p.records();
    expect(show(recs)).toEqual([`old.${apex()} TXT unquoted-token 30`]);
    await p.applyChanges({ ...emptyChanges(), delete: recs });
    expect(
      fake
        .rrsetsOf(zone)
        .map((r) => r.type)
        .sort(),
    ).toEqual(['NS', 'SOA']);
  });

  it('splits at --google-batch-change-size (an update counting twice), pages, and resumes after 429 at the throttled batch', async () => {
    fake.maxAdditions = 10;
    fake.maxDeletions = 10;
    try {
      const p = make({ batchSize: 10, pageSize: 6 });
      await p.zones();
      fake.resetCalls();
      const creates = Array.from({ length: 25 }, (_, i) =>
        newEndpoint(`r${i}.${apex()}`, 'A', [`192.0.2.${i}`]),
      );
      fake.throttleNext(2, 1);
      await p.applyChanges({ ...emptyChanges(), create: creates });
      expect(p.lastBatches).toBe(3);
      expect(fake.callCount('changes.create')).toBe(5);
      fake.resetCalls();
      const recs = await p.records();
      expect(recs).toHaveLength(25);
      expect(fake.callCount('resourceRecordSets.list')).toBe(5); // 27 rrsets with SOA and NS, 6 a page
      const olds = recs.slice(0, 10);
      await p.applyChanges({
        ...emptyChanges(),
        updateOld: olds,
        updateNew: olds.map((o) => ({ ...o, ttl: 99 })),
      });
      expect(p.lastBatches).toBe(2);
    } finally {
      fake.maxAdditions = 1000;
      fake.maxDeletions = 1000;
    }
  });

  it('fails a change atomically (addition that exists) without retrying, token never in the error', async () => {
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
    expect((err as Error).message).toMatch(/already exists/);
    expect(`${(err as Error).message}${JSON.stringify((err as ProviderError).cause)}`).not.toContain(
      'ya29.fake',
    );
    expect((await p.records()).map((r) => r.dnsName)).toEqual([`a.${apex()}`]);
  });

  it('caches the zone list for --provider-cache-time', async () => {
    const p = make({ cacheMs: 60_000 });
    await p.records();
    await p.records();
    expect(fake.callCount('managedZones.list')).toBe(1);
  });
});
