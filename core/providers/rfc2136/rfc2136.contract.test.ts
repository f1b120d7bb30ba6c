import { describe, it } from 'vitest';
import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { bindUnavailable, startBind } from '../../../test/servers/bind.js';
import { startRelay } from '../../../test/servers/relay.js';
import { Rfc2136Provider } from './rfc2136.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

if (why) describe('provider contract: rfc2136', () => it.skip(`BIND9 not available: ${why}`, () => {}));
else
  describeProviderContract('rfc2136 (real BIND9)', async () => {
    const server = await startBind({ port: 15360, zones: ['example.com'] });
    const relay = await startRelay(server.port); // answers SERVFAIL on demand: the DNS server's "try again"
    const provider = new Rfc2136Provider({
      host: '127.0.0.1',
      port: relay.port,
      zones: ['example.com'],
      tsig: server.tsig,
      batchSize: 5,
      retry: { sleep: async () => {} },
    });
    const seeder = new Rfc2136Provider({
      host: '127.0.0.1',
      port: server.port,
      zones: ['example.com'],
      tsig: server.tsig,
      batchSize: 500,
    });
    return {
      provider,
      zone: 'example.com',
      maxBatch: 5,
      apiCalls: () => provider.calls.writes,
      throttleNext: (n) => relay.next(n, 'servfail'),
      seed: (records) => seeder.applyChanges({ create: records, updateOld: [], updateNew: [], delete: [] }),
      close: async () => {
        await relay.close();
        await server.stop();
      },
    };
  });
