/**
 * Two controllers racing for one name against a real BIND9: both read the zone before either
 * writes, both plan the same create. The UPDATE carries "RRset does not exist" prerequisites, so
 * the second is refused whole (YXRRSET) instead of merging its address and ownership record into
 * the first one's record sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEndpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import { plan } from '../../plan.js';
import { TxtRegistry } from '../../registry/txt-registry.js';
import { bindUnavailable, startBind, type BindServer } from '../../../test/servers/bind.js';
import { Rfc2136Provider } from './rfc2136.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

describe.skipIf(!!why)(
  `rfc2136 against BIND9: creators racing for one name${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let bind: BindServer;
    beforeAll(async () => {
      bind = await startBind({ port: 15365, zones: ['example.com'] });
    });
    afterAll(async () => bind?.stop());

    const provider = () =>
      new Rfc2136Provider({
        host: '127.0.0.1',
        port: bind.port,
        zones: ['example.com'],
        tsig: bind.tsig,
        retry: { sleep: async () => {} },
      });

    it('the second create is refused whole (YXRRSET); nothing of it is merged into the first', async () => {
      const a = new TxtRegistry(provider(), { ownerId: 'cluster-a' });
      const b = new TxtRegistry(provider(), { ownerId: 'cluster-b' });
      // both read the zone before either writes
      const [currentA, currentB] = await Promise.all([a.records(), b.records()]);
      const planA = plan({
        current: currentA,
        desired: [newEndpoint('race.example.com', 'A', ['203.0.113.1'], 300, { resource: 'ingress/a/shop' })],
        ownerId: 'cluster-a',
      });
      const planB = plan({
        current: currentB,
        desired: [newEndpoint('race.example.com', 'A', ['203.0.113.2'], 300, { resource: 'ingress/b/shop' })],
        ownerId: 'cluster-b',
      });
      await a.applyChanges(planA.changes);
      const err = await b.applyChanges(planB.changes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as Error).message).toMatch(/YXRRSET: a record set this update creates already exists/);

      const zone = (await bind.axfr('example.com')).filter((l) => l.includes('race.example.com'));
      expect(zone.filter((l) => / A\s/.test(l))).toEqual([
        expect.stringMatching(/^race\.example\.com\.\s+300\s+IN\s+A\s+203\.0\.113\.1$/),
      ]);
      expect(zone.filter((l) => l.includes('TXT'))).toEqual([
        expect.stringContaining(
          '"heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/a/shop"',
        ),
      ]);

      // cluster-b's next sync reads the zone again and sees the name is cluster-a's: no change to make
      const again = plan({
        current: await b.records(),
        desired: [newEndpoint('race.example.com', 'A', ['203.0.113.2'], 300, { resource: 'ingress/b/shop' })],
        ownerId: 'cluster-b',
      });
      expect(again.changes.create).toEqual([]);
      expect(again.changes.updateNew).toEqual([]);
    });
  },
);
