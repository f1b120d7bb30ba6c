/**
 * --batch-change-interval and the batch size flags, from the command line's settings to a real
 * server: BIND 9 (RFC 2136 UPDATE) and PowerDNS (HTTP API), each behind a relay that notes when
 * every UPDATE message / PATCH request arrives. A change set larger than the batch size, in two
 * zones, must arrive as the expected number of batches, consecutive batches at least the interval
 * apart (across the zones too), and every record must be on the server afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cli/settings.js';
import { createProvider } from '../../core/providers/catalog.js';
import { domainFilterFrom } from '../../core/setup.js';
import { newEndpoint, type Endpoint } from '../../core/model/endpoint.js';
import type { Provider } from '../../core/providers/provider.js';
import { captureLogs } from '../logs.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';
import { startRelay, type Relay } from '../servers/relay.js';
import { pdnsUnavailable, startPdns, type PdnsServer } from '../servers/pdns.js';
import { startHttpRelay, type HttpRelay } from '../servers/http-relay.js';

const noBind = bindUnavailable();
const noPdns = pdnsUnavailable();
if ((noBind || noPdns) && process.env.CI) throw new Error(`BIND9 and PowerDNS are required in CI`);

const ZONES = ['example.com', 'example.org'];
const UPDATE = 5;

/** `n` A records in each zone, named after the run so that rows do not collide. */
function records(run: string, n: number): Endpoint[] {
  return ZONES.flatMap((zone) =>
    Array.from({ length: n }, (_, i) =>
      newEndpoint(`${run}-${i}.${zone}`, 'A', [`198.51.100.${i + 1}`], 300),
    ),
  );
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

async function providerFrom(cli: Record<string, unknown>, env: Record<string, string>): Promise<Provider> {
  const cfg = resolveSettings('reconcile', { cli: { 'txt-owner-id': 'cluster-a', ...cli }, env });
  const { logger } = captureLogs('warn');
  return createProvider(cfg.provider!, cfg, { logger, domainFilter: domainFilterFrom(cfg), env });
}

interface Row {
  name: string;
  /** Flags on top of the provider's connection flags. */
  flags: Record<string, string>;
  perZone: number;
  /** Batches for the whole change set (both zones). */
  batches: number;
  /** Least gap between two consecutive batches, ms (0: not checked). */
  minGapMs: number;
  /** Most gap, ms: only to tell "no pause" from the cloud providers' 1s default, so very generous. */
  maxGapMs?: number;
}

// a generous lower bound: the pacer waits the full interval after the previous batch's answer, so
// arrivals are at least the interval apart; 10% slack for clock granularity only
const SLACK = 0.9;

describe.skipIf(!!noBind)(
  `rfc2136 against BIND 9: batches and their interval${noBind ? ` (skipped: ${noBind})` : ''}`,
  () => {
    let bind: BindServer;
    let relay: Relay;
    beforeAll(async () => {
      bind = await startBind({ port: 15378, zones: ZONES });
      relay = await startRelay(bind.port);
    });
    afterAll(async () => {
      await relay?.close();
      await bind?.stop();
    });

    const rows: Row[] = [
      {
        name: '--batch-change-interval 150ms, 5 changes per UPDATE: 3 messages per zone, ≥ 150 ms apart across zones',
        flags: { 'batch-change-interval': '150ms', 'rfc2136-batch-change-size': '5' },
        perZone: 12,
        batches: 6,
        minGapMs: 150,
      },
      {
        name: '--batch-change-interval 200ms, 10 per UPDATE: 2 messages per zone, ≥ 200 ms apart',
        flags: { 'batch-change-interval': '200ms', 'rfc2136-batch-change-size': '10' },
        perZone: 20,
        batches: 4,
        minGapMs: 200,
      },
      {
        name: '--batch-change-size alone sets the UPDATE size (no --rfc2136-batch-change-size)',
        flags: { 'batch-change-interval': '100ms', 'batch-change-size': '4' },
        perZone: 8,
        batches: 4,
        minGapMs: 100,
      },
      {
        name: "without --batch-change-interval: no pause (external-dns's rfc2136 never pauses; the cloud default is 1s)",
        flags: { 'rfc2136-batch-change-size': '5' },
        perZone: 12,
        batches: 6,
        minGapMs: 0,
        maxGapMs: 900,
      },
    ];
    rows.forEach((row, r) =>
      it(row.name, async () => {
        const serial = async (zone: string) =>
          Number((await bind.axfr(zone)).find((l) => / IN SOA /.test(l))!.split(' ')[6]);
        const before = await Promise.all(ZONES.map(serial));
        const provider = await providerFrom(
          {
            provider: 'rfc2136',
            'rfc2136-host': '127.0.0.1',
            'rfc2136-port': String(relay.port),
            'rfc2136-zone': ZONES,
            'rfc2136-tsig-keyname': bind.tsig.name,
            'rfc2136-tsig-secret-alg': bind.tsig.algorithm,
            ...row.flags,
          },
          { ZONEGUARD_RFC2136_TSIG_SECRET: bind.tsig.secret },
        );
        const want = records(`r${r}`, row.perZone);
        const seen = relay.messages.length;
        await provider.applyChanges({ create: want, updateOld: [], updateNew: [], delete: [] });
        const updates = relay.messages.slice(seen).filter((m) => m.opcode === UPDATE);
        expect(updates).toHaveLength(row.batches);
        // the server's own count: BIND raises a zone's serial once per UPDATE it applies
        const after = await Promise.all(ZONES.map(serial));
        expect(after.reduce((a, s) => a + s, 0) - before.reduce((a, s) => a + s, 0)).toBe(row.batches);
        for (const g of gaps(updates.map((m) => m.at))) {
          expect(g).toBeGreaterThanOrEqual(row.minGapMs * SLACK);
          if (row.maxGapMs !== undefined) expect(g).toBeLessThan(row.maxGapMs);
        }
        const zone = [...(await bind.axfr(ZONES[0])), ...(await bind.axfr(ZONES[1]))];
        for (const e of want) expect(zone).toContain(`${e.dnsName}. 300 IN A ${e.targets[0]}`);
      }),
    );
  },
);

describe.skipIf(!!noPdns)(
  `pdns against PowerDNS: batches and their interval${noPdns ? ` (skipped: ${noPdns})` : ''}`,
  () => {
    let pdns: PdnsServer;
    let relay: HttpRelay;
    beforeAll(async () => {
      pdns = await startPdns({ port: 15382, apiPort: 18082, zones: ZONES });
      relay = await startHttpRelay(pdns.server);
    });
    afterAll(async () => {
      await relay?.close();
      await pdns?.stop();
    });

    const rows: Row[] = [
      {
        name: '--batch-change-interval 150ms, 5 RRsets per PATCH: 3 PATCHes per zone, ≥ 150 ms apart across zones',
        flags: { 'batch-change-interval': '150ms', 'pdns-batch-change-size': '5' },
        perZone: 12,
        batches: 6,
        minGapMs: 150,
      },
      {
        name: '--batch-change-size alone sets the PATCH size (no --pdns-batch-change-size)',
        flags: { 'batch-change-interval': '100ms', 'batch-change-size': '4' },
        perZone: 8,
        batches: 4,
        minGapMs: 100,
      },
    ];
    rows.forEach((row, r) =>
      it(row.name, async () => {
        const provider = await providerFrom(
          { provider: 'pdns', 'pdns-server': relay.url, ...row.flags },
          { ZONEGUARD_PDNS_API_KEY: pdns.apiKey },
        );
        const want = records(`p${r}`, row.perZone);
        const seen = relay.log.length;
        await provider.applyChanges({ create: want, updateOld: [], updateNew: [], delete: [] });
        const patches = relay.log.slice(seen).filter((q) => q.method === 'PATCH');
        expect(patches).toHaveLength(row.batches);
        for (const g of gaps(patches.map((q) => q.at)))
          expect(g).toBeGreaterThanOrEqual(row.minGapMs * SLACK);
        const stored = (await provider.records()).map(
          (e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`,
        );
        for (const e of want) expect(stored).toContain(`${e.dnsName} A ${e.targets[0]}`);
      }),
    );
  },
);
