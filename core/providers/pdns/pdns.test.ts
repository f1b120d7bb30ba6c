/**
 * PowerDNS PATCHes hold whole names: a record's RRsets and its ownership TXT go in one request, so a
 * sync stopped between two PATCHes (SIGTERM with --batch-change-interval), or a PATCH that fails for
 * good, never leaves a record published without its ownership record — which the next sync would
 * see as a record nobody owns and refuse to touch. Against a real PowerDNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoppedError } from '../../errors.js';
import { newEndpoint } from '../../model/endpoint.js';
import { TxtRegistry } from '../../registry/txt-registry.js';
import { startHttpRelay, type HttpRelay } from '../../../test/servers/http-relay.js';
import { pdnsUnavailable, startPdns, type PdnsServer } from '../../../test/servers/pdns.js';
import { freeTcpUdpPort } from '../../../test/servers/ports.js';
import { PdnsProvider } from './pdns.js';

const why = pdnsUnavailable();
if (why && process.env.CI) throw new Error(`PowerDNS is required in CI: ${why}`);

describe.skipIf(!!why)(`pdns: whole names per PATCH${why ? ` (skipped: ${why})` : ''}`, () => {
  let server: PdnsServer;
  let relay: HttpRelay;
  beforeAll(async () => {
    server = await startPdns({
      port: await freeTcpUdpPort(),
      apiPort: await freeTcpUdpPort(),
      zones: ['example.com'],
    });
    relay = await startHttpRelay(server.server);
  });
  afterAll(async () => {
    await relay?.close();
    await server?.stop();
  });

  const cases = [
    // 3 RRsets per PATCH fit one name (A + its TXT) but not two: one name per PATCH
    {
      name: 'batch size 3: the first PATCH carries one name and its ownership record',
      batchSize: 3,
      published: ['one'],
    },
    {
      name: 'batch size 4: the first PATCH carries two whole names',
      batchSize: 4,
      published: ['one', 'two'],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const scope = `b${c.batchSize}.example.com`;
      const provider = new PdnsProvider({
        server: relay.url,
        apiKey: server.apiKey,
        batchSize: c.batchSize,
        intervalMs: 60_000,
      });
      const registry = new TxtRegistry(provider, { ownerId: 'cluster-a' });
      const names = ['one', 'two', 'three'];
      const create = names.map((n, i) =>
        newEndpoint(`${n}.${scope}`, 'A', [`192.0.2.${i + 1}`], undefined, { resource: `crd/default/${n}` }),
      );
      // stop once the first PATCH is in: the next one waits out the 60 s interval, and is never sent
      const stop = new AbortController();
      const patches = () => relay.log.filter((r) => r.method === 'PATCH').length;
      const before = patches();
      const watch = setInterval(() => patches() > before && stop.abort(), 2);
      const err = await registry
        .applyChanges({ create, updateOld: [], updateNew: [], delete: [] }, { signal: stop.signal })
        .then(
          () => undefined,
          (e: unknown) => e,
        )
        .finally(() => clearInterval(watch));
      expect(err).toBeInstanceOf(StoppedError);
      expect(patches() - before).toBe(1);
      const records = (await new PdnsProvider({ server: server.server, apiKey: server.apiKey }).records())
        .filter((e) => e.dnsName.endsWith(scope))
        .map((e) => `${e.dnsName} ${e.recordType}`)
        .sort();
      expect(records).toEqual(c.published.flatMap((n) => [`${n}.${scope} A`, `a-${n}.${scope} TXT`]).sort());
    });
});
