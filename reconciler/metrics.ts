/**
 * The reconciler's Prometheus metrics, defined in one place (prefix zoneguard_), each reconciler
 * with its own registry so that two instances in one process (tests) do not collide. Served with
 * /healthz on --metrics-address (default :7979, external-dns's port).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { parseListenAddress } from '../core/listen.js';

export interface ReconcilerMetrics {
  registry: Registry;
  /** Records this owner manages now (after the last successful sync), by type. */
  recordsManaged: Gauge<'record_type'>;
  /** Record changes applied, by change (create/update/delete) and record type; TXT ownership records included. */
  changesApplied: Counter<'change' | 'record_type'>;
  /** Provider calls that failed, by provider and kind (records: reading, apply: writing). */
  providerErrors: Counter<'provider' | 'kind'>;
  /** Syncs, by result (success, failure, dry-run). */
  syncs: Counter<'result'>;
  /** Seconds since the epoch of the last successful sync. */
  lastSyncTimestamp: Gauge;
  syncDuration: Histogram;
  /** Objects skipped because a rule denies them, by rule. */
  objectsRejected: Gauge<'rule'>;
  /** Desired records not applied because of a plan conflict, by reason. */
  conflicts: Gauge<'reason'>;
  /** 1 while this replica holds the leader Lease (always 1 without --leader-elect). */
  leader: Gauge;
}

export function createReconcilerMetrics(
  opts: { registry?: Registry; defaultMetrics?: boolean } = {},
): ReconcilerMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'zoneguard_' });
  const registers = [registry];
  return {
    registry,
    recordsManaged: new Gauge({
      name: 'zoneguard_records_managed',
      help: 'Records owned by this owner id after the last successful sync, by record type',
      labelNames: ['record_type'],
      registers,
    }),
    changesApplied: new Counter({
      name: 'zoneguard_changes_applied_total',
      help: 'Record changes applied to the provider (TXT ownership records included)',
      labelNames: ['change', 'record_type'],
      registers,
    }),
    providerErrors: new Counter({
      name: 'zoneguard_provider_errors_total',
      help: 'Provider calls that failed (kind: records = reading, apply = writing)',
      labelNames: ['provider', 'kind'],
      registers,
    }),
    syncs: new Counter({
      name: 'zoneguard_syncs_total',
      help: 'Reconciliation syncs by result',
      labelNames: ['result'],
      registers,
    }),
    lastSyncTimestamp: new Gauge({
      name: 'zoneguard_last_sync_timestamp_seconds',
      help: 'Time of the last successful sync, seconds since the epoch',
      registers,
    }),
    syncDuration: new Histogram({
      name: 'zoneguard_sync_duration_seconds',
      help: 'Duration of a sync: read, validate, plan and apply',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    objectsRejected: new Gauge({
      name: 'zoneguard_objects_rejected',
      help: 'Objects skipped at the last sync because a rule denies them, by rule',
      labelNames: ['rule'],
      registers,
    }),
    conflicts: new Gauge({
      name: 'zoneguard_plan_conflicts',
      help: 'Desired records held back at the last sync by a plan conflict, by reason',
      labelNames: ['reason'],
      registers,
    }),
    leader: new Gauge({
      name: 'zoneguard_leader',
      help: '1 while this replica reconciles (holds the Lease, or runs without leader election)',
      registers,
    }),
  };
}

/** Parses ":7979", "127.0.0.1:0", "[::1]:7979" into host and port. */
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
