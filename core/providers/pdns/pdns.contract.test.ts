import { describe, it } from 'vitest';
import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { startHttpRelay } from '../../../test/servers/http-relay.js';
import { pdnsUnavailable, startPdns } from '../../../test/servers/pdns.js';
import { PdnsProvider } from './pdns.js';

const why = pdnsUnavailable();
if (why && process.env.CI) throw new Error(`PowerDNS is required in CI: ${why}`);

if (why) describe('provider contract: pdns', () => it.skip(`PowerDNS not available: ${why}`, () => {}));
else
  describeProviderContract('pdns (real PowerDNS)', async () => {
    const server = await startPdns({ port: 15380, apiPort: 18080, zones: ['example.com'] });
    // the provider talks to PowerDNS through a relay that can answer 429, as a rate-limited API does
    const relay = await startHttpRelay(server.server);
    const provider = new PdnsProvider({
      server: relay.url,
      apiKey: server.apiKey,
      batchSize: 5,
      retry: { sleep: async () => {} },
    });
    const seeder = new PdnsProvider({ server: server.server, apiKey: server.apiKey });
    return {
      provider,
      zone: 'example.com',
      maxBatch: 5,
      // reads before the PATCHes (zone list, current RRsets) are part of the budget the table allows
      apiCalls: () => provider.calls.writes,
      throttleNext: (n) => relay.throttleNext(n),
      seed: (records) => seeder.applyChanges({ create: records, updateOld: [], updateNew: [], delete: [] }),
      close: async () => {
        await relay.close();
        await server.stop();
      },
    };
  });
