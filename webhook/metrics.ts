/**
 * The webhook's metrics, in a registry of its own (prefix zoneguard_), served on GET /metrics of the
 * admission port and, with --metrics-address, on a plain-HTTP listener; with prom-client's process
 * metrics (CPU, memory, event-loop lag, GC time) under their standard names (process_*, nodejs_*).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { buildInfo } from '../core/build-info.js';

export interface WebhookMetrics {
  registry: Registry;
  /** One per review: kind, operation, verdict (allowed, warned, denied, invalid). */
  reviews: Counter<'kind' | 'operation' | 'verdict'>;
  /** One per distinct rule in a review's verdict: decision denied (the review was denied by it) or warned. */
  ruleFindings: Counter<'kind' | 'operation' | 'rule' | 'decision'>;
  /** zone-policy findings by ZonePolicy and decision (denied, warned, audited). */
  zonePolicyFindings: Counter<'policy' | 'decision'>;
  duration: Histogram<'kind' | 'operation'>;
  /**
   * One answered review (reviews and duration) as the request path records it: a plain count per
   * label set, added to `reviews` when the metrics are read, and a duration observed with a label
   * object made once per (kind, operation). prom-client hashes the labels of every call (≈1 µs a
   * review with the object spread, npm run bench:webhook); a scrape reads the same numbers.
   */
  reviewed: (kind: string, operation: string, verdict: ReviewVerdict, seconds: number) => void;
  ownershipRefreshes: Counter<'result'>;
  tlsReloads: Counter<'result'>;
  /** Failed TLS handshakes on the admission port, by reason (core/tls-policy.ts handshakeFailure). */
  tlsHandshakeFailures: Counter<'reason'>;
  /** Duration of each provider call (ownership reads), by provider, operation and result. */
  providerRequestDuration: Histogram<'provider' | 'operation' | 'result'>;
}

/** The verdict label of an answered review (invalid and error reviews are counted where they fail). */
export type ReviewVerdict = 'allowed' | 'warned' | 'denied';

/** Label sets the request path keeps counts for before a read clears them (kinds are few; a bound all the same). */
const MAX_TALLIES = 1000;

interface Tally {
  labels: { kind: string; operation: string };
  allowed: number;
  warned: number;
  denied: number;
}

export function createMetrics(state: {
  ownershipAgeSeconds: () => number | undefined;
  ownershipNames: () => number | undefined;
  clusterObjects: () => number | undefined;
  /** ZonePolicies known, valid and invalid (absent without a cluster). */
  zonePolicies?: () => { valid: number; invalid: number } | undefined;
}): WebhookMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = buildInfo();
  new Gauge({
    name: 'zoneguard_build_info',
    help: 'Always 1; the labels say which zoneguard and Node.js versions run',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  }).set({ version: info.version, node_version: info.nodeVersion }, 1);
  const providerRequestDuration = new Histogram({
    name: 'zoneguard_provider_request_duration_seconds',
    help: 'Duration of DNS provider calls (zones, records, apply_changes), by provider, operation and result',
    labelNames: ['provider', 'operation', 'result'],
    // from a local DNS server's milliseconds to a cloud API's seconds-long listing
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // kind → operation → counts not yet added to `reviews`
  const tallies = new Map<string, Map<string, Tally>>();
  let tallied = 0;
  const flush = () => {
    for (const byOperation of tallies.values())
      for (const t of byOperation.values())
        for (const verdict of ['allowed', 'warned', 'denied'] as const) {
          if (t[verdict] === 0) continue;
          reviews.inc({ kind: t.labels.kind, operation: t.labels.operation, verdict }, t[verdict]);
          t[verdict] = 0;
        }
  };
  const reviews: Counter<'kind' | 'operation' | 'verdict'> = new Counter({
    name: 'zoneguard_admission_reviews_total',
    help: 'AdmissionReviews answered, by object kind, operation and verdict (allowed, warned, denied, invalid: HTTP 4xx)',
    labelNames: ['kind', 'operation', 'verdict'],
    registers: [registry],
    collect: flush,
  });
  const ruleFindings = new Counter({
    name: 'zoneguard_admission_rule_findings_total',
    help: 'Reviews in which a rule found something, by kind, operation, rule id and decision (denied or warned)',
    labelNames: ['kind', 'operation', 'rule', 'decision'],
    registers: [registry],
  });
  const zonePolicyFindings = new Counter({
    name: 'zoneguard_zone_policy_findings_total',
    help: 'Names a ZonePolicy did not delegate, by policy (comma-separated when several select the namespace; empty when none does) and decision (denied, warned, audited)',
    labelNames: ['policy', 'decision'],
    registers: [registry],
  });
  new Gauge({
    name: 'zoneguard_zone_policies',
    help: 'ZonePolicies the webhook knows, by state (valid; invalid: allows nothing until fixed)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const n = state.zonePolicies?.();
      if (!n) return;
      this.set({ state: 'valid' }, n.valid);
      this.set({ state: 'invalid' }, n.invalid);
    },
  });
  const duration = new Histogram({
    name: 'zoneguard_admission_duration_seconds',
    help: 'Time to answer an AdmissionReview, from the first body byte to the response',
    labelNames: ['kind', 'operation'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const ownershipRefreshes = new Counter({
    name: 'zoneguard_ownership_refreshes_total',
    help: 'Reads of the ownership index from the DNS provider, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const tlsReloads = new Counter({
    name: 'zoneguard_tls_reloads_total',
    help: 'Serving certificate reloads after the files changed, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const tlsHandshakeFailures = new Counter({
    name: 'zoneguard_tls_handshake_failures_total',
    help: 'Failed TLS handshakes on the admission port, by reason: timeout (--tls-handshake-timeout), no_shared_cipher or unsupported_protocol (the TLS policy refused the client), certificate_rejected (the client refused the serving certificate), plain_http, other',
    labelNames: ['reason'],
    registers: [registry],
  });
  new Gauge({
    name: 'zoneguard_ownership_cache_age_seconds',
    help: 'Age of the ownership data the webhook checks against (absent with no --provider; +Inf before the first load)',
    registers: [registry],
    collect() {
      const age = state.ownershipAgeSeconds();
      if (age !== undefined) this.set(age);
    },
  });
  new Gauge({
    name: 'zoneguard_ownership_cache_names',
    help: 'Names in the ownership index',
    registers: [registry],
    collect() {
      const n = state.ownershipNames();
      if (n !== undefined) this.set(n);
    },
  });
  new Gauge({
    name: 'zoneguard_cluster_claim_objects',
    help: 'Objects in the cluster watch cache that claim hostnames (duplicate rule)',
    registers: [registry],
    collect() {
      const n = state.clusterObjects();
      if (n !== undefined) this.set(n);
    },
  });
  const tallyFor = (kind: string, operation: string): Tally => {
    let byOperation = tallies.get(kind);
    let t = byOperation?.get(operation);
    if (t) return t;
    if (tallied >= MAX_TALLIES) {
      flush();
      tallies.clear();
      tallied = 0;
      byOperation = undefined;
    }
    if (!byOperation) tallies.set(kind, (byOperation = new Map()));
    t = { labels: { kind, operation }, allowed: 0, warned: 0, denied: 0 };
    byOperation.set(operation, t);
    tallied++;
    return t;
  };
  const reviewed = (kind: string, operation: string, verdict: ReviewVerdict, seconds: number) => {
    const t = tallyFor(kind, operation);
    t[verdict]++;
    duration.observe(t.labels, seconds);
  };
  return {
    registry,
    reviews,
    reviewed,
    ruleFindings,
    zonePolicyFindings,
    duration,
    ownershipRefreshes,
    tlsReloads,
    tlsHandshakeFailures,
    providerRequestDuration,
  };
}
