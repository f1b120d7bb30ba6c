/** Verdict types shared by every rule, the webhook, the reconciler and `zoneguard validate`. */
import type { ObjectRef } from './objects.js';

/** Stable rule ids: they appear in every message, metric and JSON output. */
export const RULE_IDS = [
  'domain-filter',
  'ownership',
  'duplicate',
  'hostname',
  'target',
  'ttl',
  'record-type',
  'public-private',
  'object',
  'zone-policy',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface Violation {
  hostname: string;
  rule: RuleId;
  /** What is wrong, short: "not in [example.com]". */
  message: string;
  /** What would fix it. */
  fix: string;
  /** Where in the object the hostname or value came from. */
  field?: string;
  recordType?: string;
  /**
   * Set when the finding must not deny: 'Warn' turns it into an admission warning, 'Audit' keeps it
   * for the audit report only (a ZonePolicy's enforcement). Unset: it denies.
   */
  enforcement?: 'Warn' | 'Audit';
  /** The ZonePolicy (or policies, comma-separated) the finding is about. */
  policy?: string;
}

/** One hostname an object asks for, with where it came from. */
export interface Claim {
  hostname: string;
  /** Undefined while the object has no target yet (Service without load-balancer address). */
  recordType?: string;
  targets: string[];
  ttl?: number;
  field: string;
  setIdentifier?: string;
  providerSpecific?: Record<string, string>;
  labels?: Record<string, string>;
  /**
   * Set when the name comes only from what this configuration does not publish but another
   * external-dns may: annotations under a prefix the reconciler does not read (the value is that
   * prefix), a route's ListenerSet parent without --gateway-listener-sets (the value is the flag).
   * Checked by every rule, never published.
   */
  checkOnly?: string;
}

export interface Extraction {
  ref: ObjectRef;
  /** external-dns resource label of the object. */
  resource: string;
  claims: Claim[];
  /** Problems found while reading the object (bad TTL annotation, malformed endpoint...). */
  problems: Violation[];
  /** Non-fatal findings, e.g. no load-balancer address yet. */
  warnings: string[];
  /** Set when external-dns would not process this object at all, with the reason. */
  skipped?: string;
}

export interface Verdict {
  ref: ObjectRef;
  allowed: boolean;
  violations: Violation[];
  warnings: string[];
  /** The rules whose findings are among the warnings (kept as data for metrics, never parsed back). */
  warnedRules: RuleId[];
  /** The findings among the warnings, as data (the audit report reads them). */
  warned?: Violation[];
  /** Findings that neither deny nor warn: kept for the audit report (enforcement Audit). */
  audited?: Violation[];
  claims: Claim[];
  skipped?: string;
}
