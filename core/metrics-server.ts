/**
 * The plain-HTTP metrics listener both apps use: /metrics (Prometheus text), /healthz and /readyz,
 * nothing else — so Prometheus scrapes without the webhook's admission CA, as it does external-dns on :7979.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { parseListenAddress } from './listen.js';
import { httpServerOptions, type HttpTimeoutSettings } from './http-timeouts.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export interface Probes {
  /** /healthz: the process serves and its loop runs (a liveness probe restarts it otherwise). */
  healthy?: () => boolean;
  /** /readyz: ready, or why not (one line). */
  readiness?: () => { ready: boolean; message: string };
}

/** /metrics (Prometheus text), /healthz and /readyz (200, or 503 with a one-line reason). */
export async function serveMetrics(
  address: string,
  registry: Registry,
  probes: Probes = {},
  /** Socket timeouts (--http-header-timeout, …); Node's defaults when absent. */
  timeouts?: HttpTimeoutSettings,
): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(address, 'metrics-address');
  const server: Server = createServer(timeouts ? httpServerOptions(timeouts) : {}, (req, res) => {
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
      const ok = probes.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unhealthy\n');
      return;
    }
    if (path === '/readyz') {
      const r = probes.readiness?.() ?? { ready: true, message: 'ok' };
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(`${r.message}\n`);
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
