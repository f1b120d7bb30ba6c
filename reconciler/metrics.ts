/**
 * The reconciler's Prometheus metrics, defined in one place (prefix zoneguard_), each reconciler
 * with its own registry so that two instances in one process (tests) do not collide. Served with
 * /healthz and /readyz on --metrics-address (default :7979, external-dns's port). Node's process metrics keep
 * prom-client's standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes…) so that
 * the usual dashboards find them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { buildInfo } from '../core/build-info.js';
export { serveMetrics, type MetricsServer } from '../core/metrics-server.js';

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
  /** Duration of each provider call (zones, records, apply_changes), by provider, operation and result. */
  providerRequestDuration: Histogram<'provider' | 'operation' | 'result'>;
  /** Deletes the deletion guard holds back at the last sync (0: none). */
  deletionsHeld: Gauge;
  /** The largest groups of held deletes: group=zone|resource, name. */
  deletionsHeldGroups: Gauge<'group' | 'name'>;
}

// from a local DNS server's milliseconds to a cloud API's seconds-long batch
const PROVIDER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createReconcilerMetrics(
  opts: { registry?: Registry; defaultMetrics?: boolean } = {},
): ReconcilerMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const info = buildInfo();
  new Gauge({
    name: 'zoneguard_build_info',
    help: 'Always 1; the labels say which zoneguard and Node.js versions run',
    labelNames: ['version', 'node_version'],
    registers,
  }).set({ version: info.version, node_version: info.nodeVersion }, 1);
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
    providerRequestDuration: new Histogram({
      name: 'zoneguard_provider_request_duration_seconds',
      help: 'Duration of DNS provider calls (zones, records, apply_changes), by provider, operation and result',
      labelNames: ['provider', 'operation', 'result'],
      buckets: PROVIDER_BUCKETS,
      registers,
    }),
    deletionsHeld: new Gauge({
      name: 'zoneguard_deletions_held',
      help: 'Record deletions the deletion guard held back at the last sync (0: none held)',
      registers,
    }),
    deletionsHeldGroups: new Gauge({
      name: 'zoneguard_deletions_held_by_group',
      help: 'Held deletions in the largest groups: group="zone" or "resource", name = the zone or resource',
      labelNames: ['group', 'name'],
      registers,
    }),
  };
}
