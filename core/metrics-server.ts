/**
 * The plain-HTTP metrics listener both apps use: /metrics (Prometheus text) and /healthz, nothing
 * else — so Prometheus scrapes without the webhook's admission CA, as it does external-dns on :7979.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { parseListenAddress } from './listen.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** /metrics (Prometheus text) and /healthz (200 while `healthy()`), nothing else. */
export async function serveMetrics(
  address: string,
  registry: Registry,
  healthy: () => boolean = () => true,
): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(address, 'metrics-address');
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        })
        .catch((e: unknown) => {
          res.writeHead(500);
          res.end(String(e));
        });
      return;
    }
    if (path === '/healthz') {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unhealthy\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const shownHost = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${shownHost}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
