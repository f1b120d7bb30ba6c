/**
 * DNS over TCP (RFC 1035 §4.2.2: each message prefixed by its 16-bit length), one connection per
 * exchange, with a deadline for the whole exchange: RFC 2136 updates and zone transfers, and doctor's
 * questions when an answer is truncated over UDP. Transport failures go through `failure` (the
 * rfc2136 provider makes them retryable ProviderErrors); what a reply means is the caller's.
 */
import { connect } from 'node:net';

/** A transport failure: the message and a Node-style code (ETIMEDOUT, ECONNRESET, ECONNREFUSED…). */
export type TransportFailure = (message: string, code: string | undefined) => Error;

const plainFailure: TransportFailure = (message, code) => Object.assign(new Error(message), { code });

export interface Endpoint {
  host: string;
  port: number;
  timeoutMs: number;
}

/**
 * Sends `query` and hands every reply message to `onMessage` until it returns true (done).
 * An error thrown by `onMessage` ends the exchange with that error.
 */
export function tcpExchange(
  to: Endpoint,
  query: Buffer,
  what: string,
  onMessage: (message: Buffer) => boolean,
  failure: TransportFailure = plainFailure,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host: to.host, port: to.port });
    let buffered: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        finish(
          failure(`${what}: no answer from ${to.host}:${to.port} within ${to.timeoutMs} ms`, 'ETIMEDOUT'),
        ),
      to.timeoutMs,
    );
    socket.setNoDelay(true);
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (!settled && buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) break;
        const message = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        try {
          if (onMessage(message)) finish();
        } catch (e) {
          finish(e as Error);
        }
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      finish(failure(`${what}: ${to.host}:${to.port}: ${e.code ?? e.message}`, e.code)),
    );
    socket.on('close', () =>
      finish(failure(`${what}: ${to.host}:${to.port} closed the connection before answering`, 'ECONNRESET')),
    );
  });
}
