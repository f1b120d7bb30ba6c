import { createServer, connect, type Server } from 'node:net';
import { describe, it } from 'vitest';
import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { bindUnavailable, startBind } from '../../../test/servers/bind.js';
import { Rfc2136Provider } from './rfc2136.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

/**
 * A TCP relay in front of BIND that answers the next `n` queries itself with SERVFAIL (the DNS
 * server's "try again later"), then relays as usual.
 */
async function servfailRelay(targetPort: number): Promise<{ port: number; failNext(n: number): void; close(): Promise<void> }> {
  let failing = 0;
  const server: Server = createServer((client) => {
    if (failing > 0) {
      failing--;
      client.once('data', (chunk: Buffer) => {
        const reply = Buffer.from(chunk.subarray(0, 2 + 12));
        reply.writeUInt16BE(12, 0);
        reply.writeUInt16BE((chunk.readUInt16BE(4) & 0x7800) | 0x8002, 4); // QR, same opcode, SERVFAIL
        reply.writeUInt32BE(0, 6); // no questions/answers
        reply.writeUInt32BE(0, 10);
        client.end(reply);
      });
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    failNext: (n) => {
      failing = n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

if (why) describe('provider contract: rfc2136', () => it.skip(`BIND9 not available: ${why}`, () => {}));
else
  describeProviderContract('rfc2136 (real BIND9)', async () => {
    const server = await startBind({ port: 15360, zones: ['example.com'] });
    const relay = await servfailRelay(server.port);
    const provider = new Rfc2136Provider({ host: '127.0.0.1', port: relay.port, zones: ['example.com'], tsig: server.tsig, batchSize: 5, retry: { sleep: async () => {} } });
    const seeder = new Rfc2136Provider({ host: '127.0.0.1', port: server.port, zones: ['example.com'], tsig: server.tsig, batchSize: 500 });
    return {
      provider,
      zone: 'example.com',
      maxBatch: 5,
      apiCalls: () => provider.calls.writes,
      throttleNext: (n) => relay.failNext(n),
      seed: (records) => seeder.applyChanges({ create: records, updateOld: [], updateNew: [], delete: [] }),
      close: async () => {
        await relay.close();
        await server.stop();
      },
    };
  });
