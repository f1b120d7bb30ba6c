/**
 * A TCP relay in front of a DNS server, for fault tests: each new connection is passed through,
 * answered with SERVFAIL, held open without an answer (a hung server), or reset — as the test's
 * `decide(n)` says for the n-th connection (1-based). `decide` may also act first (kill the server).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type RelayAction = 'pass' | 'servfail' | 'hang' | 'reset';

export interface Relay {
  port: number;
  /** Connections seen so far. */
  connections: number;
  /** Each passed connection's first message: when it arrived (performance.now()) and its DNS opcode (5: UPDATE). */
  messages: { at: number; opcode: number }[];
  /** The next `n` connections get `action`, then `pass` again. */
  next(n: number, action: RelayAction): void;
  close(): Promise<void>;
}

export async function startRelay(
  targetPort: number,
  decide?: (n: number) => RelayAction | Promise<RelayAction>,
): Promise<Relay> {
  let queued: { n: number; action: RelayAction } = { n: 0, action: 'pass' };
  const open = new Set<Socket>();
  const relay: Relay = {
    port: 0,
    connections: 0,
    messages: [],
    next(n, action) {
      queued = { n, action };
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const n = ++relay.connections;
    void (async () => {
      let action: RelayAction = 'pass';
      if (queued.n > 0) {
        queued.n--;
        action = queued.action;
      } else if (decide) action = await decide(n);
      if (action === 'reset') return client.resetAndDestroy();
      if (action === 'hang') return client.resume();
      if (action === 'servfail') {
        client.once('data', (chunk: Buffer) => {
          const reply = Buffer.from(chunk.subarray(0, 14));
          reply.writeUInt16BE(12, 0);
          reply.writeUInt16BE((chunk.readUInt16BE(4) & 0x7800) | 0x8002, 4); // QR, same opcode, SERVFAIL
          reply.fill(0, 6, 14); // no records
          client.end(reply);
        });
        return client.resume();
      }
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      // DNS over TCP: a 2-byte length, then the header; the opcode is bits 11-14 of its flags
      client.once('data', (chunk: Buffer) =>
        relay.messages.push({
          at: performance.now(),
          opcode: chunk.length >= 6 ? (chunk.readUInt16BE(4) >> 11) & 0xf : -1,
        }),
      );
      client.pipe(upstream).pipe(client);
      client.resume();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}
