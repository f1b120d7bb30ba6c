/** The cloud harnesses behave as the shared provider contract expects (a stand-in until the shared table runs them). */
import { expect, it } from 'vitest';
import { newEndpoint } from '../../core/model/endpoint.js';
import { TxtRegistry } from '../../core/registry/txt-registry.js';
import { plan } from '../../core/plan.js';
import { emptyChanges } from '../../core/model/changes.js';
import {
  azureHarness,
  cloudflareHarness,
  googleHarness,
  route53Harness,
  type CloudHarness,
} from './harnesses.js';
import { findMoto } from './moto.js';

const moto = findMoto();
if (!moto.path && process.env.CI) throw new Error(`CI must run the Route 53 harness: ${moto.reason}`);
const rows: [string, () => Promise<CloudHarness>][] = [
  ['cloudflare', () => cloudflareHarness()],
  ['google', () => googleHarness()],
  ['azure', () => azureHarness()],
  ['azure-private-dns', () => azureHarness('example.com', 'private')],
  ...(moto.path
    ? ([['aws', () => route53Harness(moto.path!)]] as [string, () => Promise<CloudHarness>][])
    : []),
];

for (const [name, make] of rows) {
  it(`${name}: seeds and pages, plans and applies in batches, leaves foreign owners alone, survives throttling`, async () => {
    const h = await make();
    try {
      const ep = (i: number) => newEndpoint(`r${i}.${h.zone}`, 'A', [`192.0.2.${i}`], 300);
      await h.seed([
        ...Array.from({ length: 12 }, (_, i) => ep(i)),
        newEndpoint(`a-foreign.${h.zone}`, 'TXT', [
          'heritage=external-dns,external-dns/owner=other,external-dns/resource=service/ns/x',
        ]),
        newEndpoint(`foreign.${h.zone}`, 'A', ['192.0.2.200'], 300),
      ]);
      const registry = new TxtRegistry(h.provider, { ownerId: 'me' });
      const before = h.apiCalls();
      const snap = await registry.snapshot();
      expect(snap.records.filter((r) => r.recordType === 'A')).toHaveLength(13);
      expect(snap.records.find((r) => r.dnsName === `foreign.${h.zone}`)?.labels.owner).toBe('other');
      expect(h.apiCalls() - before).toBeGreaterThan(2); // more than one page
      const desired = [
        ...Array.from({ length: 20 }, (_, i) => ep(100 + i)),
        newEndpoint(`foreign.${h.zone}`, 'A', ['192.0.2.201']),
      ];
      const { changes, conflicts } = plan({
        current: snap.records,
        desired: h.provider.adjustEndpoints ? h.provider.adjustEndpoints(desired) : desired,
        ownerId: 'me',
      });
      expect(conflicts.map((c) => c.reason)).toEqual(['owned-by-other']);
      const calls0 = h.apiCalls();
      h.throttleNext(2);
      const applied = await registry.applyChanges(changes);
      const n = applied.create.length + applied.updateNew.length + applied.delete.length;
      expect(n).toBe(40);
      // throttled twice; lists for the zone list at most twice; the rest are batches
      expect(h.apiCalls() - calls0).toBeLessThanOrEqual(Math.ceil(n / h.maxBatch) + 2 + 2);
      const after = await registry.snapshot();
      expect(after.records.filter((r) => r.labels.owner === 'me')).toHaveLength(20);
      expect(after.records.find((r) => r.dnsName === `foreign.${h.zone}`)?.targets).toEqual(['192.0.2.200']);
      await h.provider.applyChanges({ ...emptyChanges() });
    } finally {
      await h.close();
    }
  });
}
if (!moto.path) it.skip(`aws: ${moto.reason}`, () => {});
