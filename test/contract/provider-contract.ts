/**
 * The one contract-test table every provider runs (inmemory, rfc2136, pdns, and the cloud
 * providers against their fakes): create/update/delete with TXT ownership, foreign and unowned
 * records untouched, several targets, TTL, pagination, batch splitting, throttling then success,
 * an ownership read for the webhook, and a steady state without writes.
 *
 * Each case works under its own subdomain of the harness zone and with its own owner id, so the
 * cases share one provider (and one server) without seeing each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../core/domain-filter.js';
import { newEndpoint, type Endpoint } from '../../core/model/endpoint.js';
import { ProviderError } from '../../core/errors.js';
import { OwnershipIndex } from '../../core/ownership.js';
import { plan, type Policy, type PlanResult } from '../../core/plan.js';
import { withRetry } from '../../core/backoff.js';
import { type Provider } from '../../core/providers/provider.js';
import { changeCount } from '../../core/model/changes.js';
import { TxtRegistry } from '../../core/registry/txt-registry.js';

export interface ContractHarness {
  provider: Provider;
  /** A zone the provider manages, e.g. example.com. */
  zone: string;
  /** Writes records directly (other owners' and unowned records). */
  seed(records: Endpoint[]): Promise<void>;
  /** Page size the harness configured, when the API paginates. */
  pageSize?: number;
  /** The provider's batch limit as configured for the test. */
  maxBatch?: number;
  /** API calls made so far (reads and writes). */
  apiCalls?(): number;
  /** The next n API calls answer "throttled" (HTTP 429 or the provider's equivalent). */
  throttleNext?(n: number): void;
  close(): Promise<void>;
}

const noSleep = { sleep: async () => {}, random: () => 0, attempts: 8 };
const retryable = (e: unknown) => e instanceof ProviderError && e.retryable;

let counter = 0;
function scope(h: ContractHarness) {
  const id = `c${process.pid % 1000}x${++counter}`;
  const base = `${id}.${h.zone}`;
  return { owner: `owner-${id}`, base, name: (label: string) => `${label}.${base}` };
}

async function reconcile(
  h: ContractHarness,
  base: string,
  owner: string,
  desired: Endpoint[],
  policy: Policy = 'sync',
): Promise<PlanResult> {
  return withRetry(
    async () => {
      const registry = new TxtRegistry(h.provider, { ownerId: owner });
      const current = await registry.records();
      const wanted = h.provider.adjustEndpoints
        ? h.provider.adjustEndpoints(desired.map((e) => ({ ...e, labels: { ...e.labels } })))
        : desired;
      const result = plan({
        current,
        desired: wanted,
        ownerId: owner,
        policy,
        domainFilter: new DomainFilter({ filters: [base] }),
      });
      if (changeCount(result.changes) > 0) await registry.applyChanges(result.changes);
      return result;
    },
    { ...noSleep, retryable },
  );
}

/** Raw records under a subdomain, as comparable strings. */
async function rawUnder(h: ContractHarness, base: string): Promise<string[]> {
  const all = await withRetry(() => h.provider.records(), { ...noSleep, retryable });
  return all
    .filter((e) => e.dnsName === base || e.dnsName.endsWith(`.${base}`))
    .map(
      (e) => `${e.dnsName} ${e.recordType} ${[...e.targets].sort().join('|')}${e.ttl ? ` ttl=${e.ttl}` : ''}`,
    )
    .sort();
}

const desiredA = (name: string, targets: string[], ttl?: number, resource = 'ingress/default/app') =>
  newEndpoint(name, 'A', targets, ttl, { resource });

export interface ContractOptions {
  timeout?: number;
  /**
   * The provider has no API (inmemory): instead of the batching and throttling cases, it must apply
   * a change set of any size at once.
   */
  noApi?: boolean;
}

export function describeProviderContract(
  name: string,
  makeHarness: () => Promise<ContractHarness>,
  opts: ContractOptions = {},
): void {
  describe(`provider contract: ${name}`, { timeout: opts.timeout ?? 60_000 }, () => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await makeHarness();
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    it('creates, updates and deletes records with external-dns TXT ownership records', async () => {
      const s = scope(h);
      const www = desiredA(s.name('www'), ['192.0.2.10', '192.0.2.11'], 300, 'ingress/default/www');
      const alias = newEndpoint(s.name('alias'), 'CNAME', ['target.example.net'], 300, {
        resource: 'service/default/alias',
      });
      const v6 = newEndpoint(s.name('v6'), 'AAAA', ['2001:db8::10'], 300, {
        resource: 'dnsendpoint/default/v6',
      });
      const r1 = await reconcile(h, s.base, s.owner, [www, alias, v6]);
      expect(r1.changes.create).toHaveLength(3);

      const raw = await withRetry(() => h.provider.records(), { ...noSleep, retryable });
      const txt = raw.find((e) => e.dnsName === `a-www.${s.base}` && e.recordType === 'TXT');
      expect(txt?.targets).toEqual([
        `heritage=external-dns,external-dns/owner=${s.owner},external-dns/resource=ingress/default/www`,
      ]);
      expect(raw.find((e) => e.dnsName === `cname-alias.${s.base}`)?.targets[0]).toContain(
        `external-dns/owner=${s.owner}`,
      );
      expect(raw.find((e) => e.dnsName === `aaaa-v6.${s.base}`)?.targets[0]).toContain(
        'external-dns/resource=dnsendpoint/default/v6',
      );

      const owned = await new TxtRegistry(h.provider, { ownerId: s.owner }).records();
      const got = owned.find((e) => e.dnsName === s.name('www') && e.recordType === 'A');
      expect(got?.labels.owner).toBe(s.owner);
      expect([...got!.targets].sort()).toEqual(['192.0.2.10', '192.0.2.11']);

      const r2 = await reconcile(h, s.base, s.owner, [
        desiredA(s.name('www'), ['192.0.2.12'], 300, 'ingress/default/www'),
        alias,
        v6,
      ]);
      expect(r2.changes.updateNew).toHaveLength(1);
      expect(await rawUnder(h, s.base)).toContain(`${s.name('www')} A 192.0.2.12 ttl=300`);

      const r3 = await reconcile(h, s.base, s.owner, [alias]);
      expect(r3.changes.delete).toHaveLength(2);
      const after = await rawUnder(h, s.base);
      expect(
        after.filter(
          (l) =>
            l.startsWith(s.name('www')) ||
            l.startsWith(`a-www.`) ||
            l.startsWith(s.name('v6')) ||
            l.startsWith('aaaa-v6.'),
        ),
      ).toEqual([]);
      expect(after.some((l) => l.startsWith(`${s.name('alias')} CNAME`))).toBe(true);
    });

    it("leaves other owners' and unowned records untouched under policy sync", async () => {
      const s = scope(h);
      const foreignTxt =
        'heritage=external-dns,external-dns/owner=other-cluster,external-dns/resource=ingress/x/theirs';
      await h.seed([
        newEndpoint(s.name('theirs'), 'A', ['198.51.100.1'], 300),
        newEndpoint(`a-theirs.${s.base}`, 'TXT', [foreignTxt], 300),
        newEndpoint(s.name('nobody'), 'A', ['198.51.100.2'], 300),
        newEndpoint(s.name('spf'), 'TXT', ['v=spf1 -all'], 300),
      ]);
      const before = await rawUnder(h, s.base);
      const r = await reconcile(h, s.base, s.owner, [
        desiredA(s.name('theirs'), ['192.0.2.1']),
        desiredA(s.name('nobody'), ['192.0.2.2']),
        desiredA(s.name('mine'), ['192.0.2.3']),
      ]);
      expect(r.conflicts.map((c) => `${c.dnsName} ${c.reason}`).sort()).toEqual([
        `${s.name('nobody')} unowned`,
        `${s.name('theirs')} owned-by-other`,
      ]);
      const after = await rawUnder(h, s.base);
      expect(after.filter((l) => !l.startsWith(s.name('mine')) && !l.startsWith(`a-mine.`))).toEqual(before);
      // and deleting everything we want never touches them either
      await reconcile(h, s.base, s.owner, []);
      expect(await rawUnder(h, s.base)).toEqual(before);
    });

    it('keeps TTLs and several targets per record set', async () => {
      const s = scope(h);
      await reconcile(h, s.base, s.owner, [
        desiredA(s.name('multi'), ['192.0.2.1', '192.0.2.2', '192.0.2.3'], 600),
      ]);
      const rec = (await new TxtRegistry(h.provider, { ownerId: s.owner }).records()).find(
        (e) => e.dnsName === s.name('multi'),
      );
      expect(rec?.ttl).toBe(600);
      expect([...rec!.targets].sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    });

    it('lists every record across pages', async () => {
      const s = scope(h);
      const n = (h.pageSize ?? 5) * 2 + 1;
      await h.seed(
        Array.from({ length: n }, (_, i) => newEndpoint(s.name(`p${i}`), 'A', [`192.0.2.${i + 1}`], 300)),
      );
      expect(await rawUnder(h, s.base)).toHaveLength(n);
    });

    if (opts.noApi)
      it('applies a change set of any size at once (no API to batch or throttle)', async () => {
        const s = scope(h);
        const n = 2001;
        const desired = Array.from({ length: n }, (_, i) =>
          desiredA(s.name(`b${i}`), [`192.0.2.${(i % 250) + 1}`]),
        );
        const r = await reconcile(h, s.base, s.owner, desired);
        expect(r.changes.create).toHaveLength(n);
        expect((await rawUnder(h, s.base)).length).toBe(2 * n);
      });

    if (!opts.noApi)
      it('splits changes into batches at the limit', async () => {
        if (!h.maxBatch || !h.apiCalls)
          throw new Error('the harness must give maxBatch and apiCalls (or the provider is noApi)');
        const s = scope(h);
        const n = h.maxBatch * 2 + 1;
        const desired = Array.from({ length: n }, (_, i) =>
          desiredA(s.name(`b${i}`), [`192.0.2.${(i % 250) + 1}`]),
        );
        const registry = new TxtRegistry(h.provider, { ownerId: s.owner });
        const current = await registry.records();
        const { changes } = plan({
          current,
          desired,
          ownerId: s.owner,
          domainFilter: new DomainFilter({ filters: [s.base] }),
        });
        const total = registry.withOwnership(changes);
        const expected = Math.ceil(changeCount(total) / h.maxBatch);
        const c0 = h.apiCalls();
        await registry.applyChanges(changes);
        const calls = h.apiCalls() - c0;
        expect(calls).toBeGreaterThanOrEqual(expected);
        expect(calls).toBeLessThanOrEqual(expected + 2); // a zone list may precede the writes
        expect((await rawUnder(h, s.base)).length).toBe(2 * n);
      });

    if (!opts.noApi)
      it('backs off when throttled and then succeeds', async () => {
        if (!h.throttleNext) throw new Error('the harness must give throttleNext (or the provider is noApi)');
        const s = scope(h);
        h.throttleNext(2);
        await reconcile(h, s.base, s.owner, [desiredA(s.name('throttled'), ['192.0.2.77'])]);
        expect(
          (await rawUnder(h, s.base)).some((l) => l.startsWith(`${s.name('throttled')} A 192.0.2.77`)),
        ).toBe(true);
      });

    it('gives the webhook an ownership index naming the owner', async () => {
      const s = scope(h);
      await reconcile(h, s.base, s.owner, [desiredA(s.name('claimed'), ['192.0.2.5'])]);
      const index = new OwnershipIndex(
        await new TxtRegistry(h.provider, { ownerId: 'someone-else' }).snapshot(),
      );
      expect(index.blockerFor(s.name('claimed'), 'A', 'someone-else')).toMatchObject({
        owner: s.owner,
        recordType: 'A',
      });
      expect(index.blockerFor(s.name('claimed'), 'A', s.owner)).toBeUndefined();
    });

    it('makes no writes when nothing changed', async () => {
      const s = scope(h);
      const desired = [
        desiredA(s.name('steady'), ['192.0.2.9'], 300),
        newEndpoint(s.name('steady6'), 'AAAA', ['2001:db8::9'], 300, { resource: 'x/y/z' }),
      ];
      await reconcile(h, s.base, s.owner, desired);
      const again = await reconcile(h, s.base, s.owner, desired);
      expect(changeCount(again.changes)).toBe(0);
      if (h.apiCalls) {
        const registry = new TxtRegistry(h.provider, { ownerId: s.owner });
        await registry.records();
        const before = h.apiCalls();
        await registry.applyChanges({ create: [], updateOld: [], updateNew: [], delete: [] });
        expect(h.apiCalls() - before).toBe(0);
      }
    });
  });
}
