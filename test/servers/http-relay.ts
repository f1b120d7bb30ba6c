/**
 * An HTTP relay in front of a real server's API (PowerDNS), for fault tests: requests are passed
 * through unchanged, except that the next `n` can be answered "429 Too Many Requests" with a
 * Retry-After, as a rate-limited API answers. Counts the requests it saw and the ones it throttled.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRelay {
  /** http://127.0.0.1:PORT, to use in place of the server's own URL. */
  url: string;
  requests: number;
  throttled: number;
  /** Every request: method, path and when it arrived (performance.now()). */
  log: { method: string; path: string; at: number }[];
  /** The next `n` requests are answered 429. */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

export async function startHttpRelay(target: string): Promise<HttpRelay> {
  const to = new URL(target);
  let pending = 0;
  const relay: HttpRelay = {
    url: '',
    requests: 0,
    throttled: 0,
    log: [],
    throttleNext(n) {
      pending = n;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    relay.requests++;
    relay.log.push({ method: req.method ?? '', path: req.url ?? '', at: performance.now() });
    if (pending > 0) {
      pending--;
      relay.throttled++;
      req.resume();
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(JSON.stringify({ error: 'Too Many Requests' }));
      return;
    }
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`relay: ${e.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return relay;
}
