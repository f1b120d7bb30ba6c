/**
 * DNS over TCP (RFC 1035 §4.2.2: each message prefixed by its 16-bit length), one connection per
 * exchange, with a deadline for the whole exchange. Transport failures are retryable
 * ProviderErrors; what a reply means is for the caller to decide.
 */
import { connect } from 'node:net';
import { ProviderError } from '../../errors.js';

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
          new ProviderError(
            'rfc2136',
            `${what}: no answer from ${to.host}:${to.port} within ${to.timeoutMs} ms`,
            true,
            { code: 'ETIMEDOUT' },
          ),
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
      finish(
        new ProviderError('rfc2136', `${what}: ${to.host}:${to.port}: ${e.code ?? e.message}`, true, {
          code: e.code,
        }),
      ),
    );
    socket.on('close', () =>
      finish(
        new ProviderError(
          'rfc2136',
          `${what}: ${to.host}:${to.port} closed the connection before answering`,
          true,
          { code: 'ECONNRESET' },
        ),
      ),
    );
  });
}
