import { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../domain-filter.js';
import { newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import { emptyChanges } from '../../model/changes.js';
import { AzureDnsFake } from '../../../test/fakes/azure-dns.js';
import { AzureProvider, type AzureOptions } from './azure.js';

const noSleep = { sleep: async () => {}, random: () => 0 };
const show = (eps: Endpoint[]) =>
  eps
    .map((e) => `${e.dnsName} ${e.recordType} ${[...e.targets].sort().join(',')}${e.ttl ? ` ${e.ttl}` : ''}`)
    .sort();

/** The credential, not the API, is stubbed: a fixed bearer token. */
export function fixedToken(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

const SUB = '11111111-2222-3333-4444-555555555555';

for (const kind of ['public', 'private'] as const) {
  describe(`Azure ${kind} DNS against the ARM fake`, () => {
    let fake: AzureDnsFake;
    let agent: Agent;
    let n = 0;
    beforeAll(async () => {
      fake = await new AzureDnsFake(SUB, 'arm-token').start();
      agent = new Agent({ ca: fake.cert!.cert, keepAlive: true });
    });
    afterAll(async () => {
      agent?.destroy();
      await fake?.close();
    });
    beforeEach(() => {
      fake.addZone(`t${++n}.example.com`, 'rg-a', kind);
      fake.resetCalls();
    });
    const apex = () => `t${n}.example.com`;
    const make = (o: Partial<AzureOptions> = {}) =>
      new AzureProvider({
        private: kind === 'private',
        credential: fixedToken('arm-token'),
        subscriptionId: SUB,
        resourceGroup: 'rg-a',
        endpoint: fake.url,
        agent,
        retry: noSleep,
        selection: { zoneNames: [apex()] },
        ...o,
      });

    it('discovers zones by resource group, domain, zone id and zone name', async () => {
      const otherId = fake.addZone('other.org', 'rg-b', kind);
      const names = async (o: Partial<AzureOptions>) =>
        (await make({ selection: {}, ...o }).zones()).map((z) => z.name).sort();
      expect(await names({ resourceGroup: 'rg-b' })).toEqual(['other.org']);
      expect(await names({ resourceGroup: undefined, selection: { zoneIds: [otherId] } })).toEqual([
        'other.org',
      ]);
      expect(
        await names({
          resourceGroup: undefined,
          selection: { domainFilter: new DomainFilter({ filters: ['other.org'] }) },
        }),
      ).toEqual(['other.org']);
      const zones = await make().zones();
      expect(zones.map((z) => `${z.name}:${z.visibility}`)).toEqual([`${apex()}:${kind}`]);
    });

    it('puts and deletes whole record sets: A with several targets, AAAA, CNAME, long TXT, apex', async () => {
      const p = make();
      const txt = `heritage=external-dns,external-dns/owner=default,${'w'.repeat(300)}`;
      await p.applyChanges({
        ...emptyChanges(),
        create: [
          newEndpoint(`a.${apex()}`, 'A', ['192.0.2.1', '192.0.2.2'], 60),
          newEndpoint(apex(), 'AAAA', ['2001:DB8::1']),
          newEndpoint(`c.${apex()}`, 'CNAME', [`a.${apex()}`]),
          newEndpoint(`a-a.${apex()}`, 'TXT', [txt]),
        ],
      });
      expect(fake.callCount(`${kind}.recordSets.createOrUpdate`)).toBe(4);
      const recs = await p.records();
      expect(show(recs)).toEqual([
        `a-a.${apex()} TXT ${txt} 300`,
        `a.${apex()} A 192.0.2.1,192.0.2.2 60`,
        `c.${apex()} CNAME a.${apex()} 300`,
        `${apex()} AAAA 2001:db8::1 300`,
      ]);
      const a = recs.find((r) => r.recordType === 'A')!;
      await p.applyChanges({
        ...emptyChanges(),
        updateOld: [a],
        updateNew: [newEndpoint(`a.${apex()}`, 'A', ['192.0.2.3'])],
        delete: recs.filter((r) => r.recordType === 'TXT'),
      });
      expect(show(await p.records())).toEqual([
        `a.${apex()} A 192.0.2.3 300`,
        `c.${apex()} CNAME a.${apex()} 300`,
        `${apex()} AAAA 2001:db8::1 300`,
      ]);
    });

    it('pages record sets, and backs off on 429 then resumes at the throttled change', async () => {
      const p = make({ pageSize: 4 });
      await p.zones();
      const creates = Array.from({ length: 10 }, (_, i) =>
        newEndpoint(`r${i}.${apex()}`, 'A', [`192.0.2.${i}`]),
      );
      fake.resetCalls();
      fake.throttleNext(2, 3);
      await p.applyChanges({ ...emptyChanges(), create: creates });
      expect(fake.callCount(`${kind}.recordSets.createOrUpdate`)).toBe(12);
      fake.resetCalls();
      expect(await p.records()).toHaveLength(10);
      expect(fake.callCount(`${kind}.recordSets.list`)).toBe(3);
    });

    it('keeps --azure-concurrency calls in flight, every delete done before the first write', async () => {
      const p = make({ concurrency: 4 });
      await p.applyChanges({
        ...emptyChanges(),
        create: [newEndpoint(`moves.${apex()}`, 'A', ['192.0.2.1'])],
      });
      fake.latencyMs = 20;
      fake.maxInFlight = 0;
      try {
        // the A record becomes a CNAME: the fake refuses a CNAME beside another record set, so the
        // create only succeeds once the delete is done
        const creates = Array.from({ length: 16 }, (_, i) =>
          newEndpoint(`c${i}.${apex()}`, 'A', [`192.0.2.${i + 10}`]),
        );
        await p.applyChanges({
          ...emptyChanges(),
          delete: [newEndpoint(`moves.${apex()}`, 'A', ['192.0.2.1'])],
          create: [newEndpoint(`moves.${apex()}`, 'CNAME', ['elsewhere.example.org']), ...creates],
        });
        expect(fake.maxInFlight).toBe(4);
      } finally {
        fake.latencyMs = 0;
      }
      expect(show(await p.records())).toContain(`moves.${apex()} CNAME elsewhere.example.org 300`);
      expect(p.lastBatches).toBe(18);
    });

    it('a create never replaces a record set someone else made since the read (If-None-Match: *)', async () => {
      const p = make();
      const other = make();
      await other.applyChanges({
        ...emptyChanges(),
        create: [newEndpoint(`taken.${apex()}`, 'A', ['198.51.100.7'])],
      });
      const err = await p
        .applyChanges({ ...emptyChanges(), create: [newEndpoint(`taken.${apex()}`, 'A', ['192.0.2.7'])] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryable).toBe(false);
      expect((err as Error).message).toMatch(/create A record set taken in .*already exists/);
      expect(show(await p.records())).toContain(`taken.${apex()} A 198.51.100.7 300`);
    });

    it('reports a rejected record set as a non-retryable error without the token', async () => {
      const p = make();
      await p.applyChanges({ ...emptyChanges(), create: [newEndpoint(`x.${apex()}`, 'A', ['192.0.2.1'])] });
      const err = await p
        .applyChanges({
          ...emptyChanges(),
          create: [newEndpoint(`x.${apex()}`, 'CNAME', ['elsewhere.example.org'])],
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryable).toBe(false);
      expect((err as Error).message).toMatch(
        /create CNAME record set x in .* cannot have a CNAME and other records/,
      );
      expect(`${(err as Error).message}${JSON.stringify((err as ProviderError).cause)}`).not.toContain(
        'arm-token',
      );
    });

    it('caches the zone list for --provider-cache-time', async () => {
      const p = make({ cacheMs: 60_000 });
      await p.records();
      await p.records();
      expect(fake.callCount(`${kind}.zones.listByResourceGroup`)).toBe(1);
    });
  });
}
