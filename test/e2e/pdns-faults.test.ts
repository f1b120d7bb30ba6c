/**
 * PowerDNS faults against a real pdns_server: a wrong API key is a clear, non-retryable error; a
 * stopped server is retryable and the next run after a restart converges without duplicates;
 * another owner's and unowned records stay exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../core/domain-filter.js';
import { newEndpoint, type Endpoint } from '../../core/model/endpoint.js';
import { ProviderError } from '../../core/errors.js';
import { plan } from '../../core/plan.js';
import { PdnsProvider } from '../../core/providers/pdns/pdns.js';
import { TxtRegistry } from '../../core/registry/txt-registry.js';
import { pdnsUnavailable, startPdns, type PdnsServer } from '../servers/pdns.js';

const why = pdnsUnavailable();
if (why && process.env.CI) throw new Error(`PowerDNS is required in CI: ${why}`);

async function zoneJson(s: PdnsServer): Promise<string[]> {
  const r = await fetch(`${s.apiUrl}/zones/example.org.`, { headers: { 'X-API-Key': s.apiKey } });
  const z = (await r.json()) as {
    rrsets: { name: string; type: string; ttl: number; records: { content: string }[] }[];
  };
  return z.rrsets
    .filter((x) => x.type !== 'SOA')
    .map(
      (x) =>
        `${x.name} ${x.ttl} ${x.type} ${x.records
          .map((r) => r.content)
          .sort()
          .join(' | ')}`,
    )
    .sort();
}

async function reconcile(p: PdnsProvider, owner: string, desired: Endpoint[]) {
  const registry = new TxtRegistry(p, { ownerId: owner });
  const current = await registry.records();
  const r = plan({
    current,
    desired,
    ownerId: owner,
    domainFilter: new DomainFilter({ filters: ['example.org'] }),
  });
  await registry.applyChanges(r.changes);
  return r;
}

describe.skipIf(!!why)(`PowerDNS faults${why ? ` (skipped: ${why})` : ''}`, () => {
  let s: PdnsServer;
  beforeAll(async () => {
    s = await startPdns({ port: 15381, apiPort: 18081, zones: ['example.org'] });
  });
  afterAll(async () => s?.stop());

  it('a wrong API key is a non-retryable error naming HTTP 401, and never shows the key', async () => {
    const p = new PdnsProvider({ server: s.server, apiKey: 'wrong-key-s3cr3t' });
    const err = await p.records().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/HTTP 401/);
    expect((err as Error).message).not.toContain('wrong-key-s3cr3t');
  });

  it("another owner's and unowned records are left byte-for-byte untouched under sync", async () => {
    const seed = new PdnsProvider({ server: s.server, apiKey: s.apiKey });
    await seed.applyChanges({
      create: [
        newEndpoint('theirs.example.org', 'A', ['198.51.100.1'], 120),
        newEndpoint(
          'a-theirs.example.org',
          'TXT',
          ['heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/b/theirs'],
          120,
        ),
        newEndpoint('nobody.example.org', 'CNAME', ['elsewhere.example.net'], 120),
        newEndpoint('example.org', 'TXT', ['v=spf1 -all'], 120),
      ],
      updateOld: [],
      updateNew: [],
      delete: [],
    });
    const before = await zoneJson(s);
    const p = new PdnsProvider({ server: s.server, apiKey: s.apiKey });
    const r = await reconcile(p, 'cluster-a', [
      newEndpoint('theirs.example.org', 'A', ['192.0.2.1'], undefined, { resource: 'ingress/a/x' }),
      newEndpoint('nobody.example.org', 'A', ['192.0.2.2'], undefined, { resource: 'ingress/a/y' }),
      newEndpoint('mine.example.org', 'A', ['192.0.2.3'], undefined, { resource: 'ingress/a/z' }),
    ]);
    expect(r.conflicts.map((c) => c.reason).sort()).toEqual(['owned-by-other', 'unowned']);
    const after = await zoneJson(s);
    expect(after.filter((l) => !l.startsWith('mine.') && !l.startsWith('a-mine.'))).toEqual(before);
    expect(after).toContain(
      'a-mine.example.org. 300 TXT "heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/a/z"',
    );
  });

  it('a stopped server is a retryable error; after a restart the next run converges with no duplicates', async () => {
    const p = new PdnsProvider({ server: s.server, apiKey: s.apiKey, timeoutMs: 2000 });
    const desired = [
      newEndpoint('during-outage.example.org', 'A', ['192.0.2.50'], undefined, { resource: 'ingress/a/o' }),
    ];
    await s.kill();
    const err = await reconcile(p, 'cluster-a', desired).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    await s.restart();
    await reconcile(p, 'cluster-a', desired);
    const again = await reconcile(p, 'cluster-a', desired);
    expect(again.changes.create.length + again.changes.updateNew.length + again.changes.delete.length).toBe(
      0,
    );
    const lines = (await zoneJson(s)).filter((l) => l.includes('during-outage'));
    expect(lines).toEqual([
      'a-during-outage.example.org. 300 TXT "heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/a/o"',
      'during-outage.example.org. 300 A 192.0.2.50',
    ]);
  });
});
