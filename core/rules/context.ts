/** What every rule sees besides the claim: the policy, ownership and the other objects' claims. */
import type { ClaimIndex } from '../claim-index.js';
import type { DomainFilter } from '../domain-filter.js';
import type { OwnershipIndex } from '../ownership.js';
import type { Claim, Extraction, RuleId, Violation } from '../model/verdict.js';

export interface RuleContext {
  ownerId: string;
  domainFilter: DomainFilter;
  managedRecordTypes: readonly string[];
  /** --exclude-record-types (already taken out of managedRecordTypes), named in the message. */
  excludedRecordTypes?: readonly string[];
  /** --public-zone: names in these zones must not point at private addresses. */
  publicZones?: DomainFilter;
  /** Ownership read from the provider; when absent the ownership rule is skipped. */
  ownership?: OwnershipIndex;
  /** Other objects' claims (input files, or the cluster's watch cache). */
  claims?: ClaimIndex;
  /** --min-ttl: a TTL below it is a warning. */
  minTtl?: number;
  /** ZonePolicies and namespace labels; absent or inactive (no ZonePolicy exists): the rule is skipped. */
  zonePolicies?: ZonePolicyChecker;
  /** The clock exemption expiry is read from (ms since the epoch); Date.now when absent. */
  now?: () => number;
}

/** What the `zone-policy` rule asks of the ZonePolicies (core/policy/zone-policy.ts's ZonePolicySet). */
export interface ZonePolicyChecker {
  /** Some ZonePolicy exists, or one is required. */
  readonly active: boolean;
  check(claim: Claim, namespace: string, nowMs: number): Violation | undefined;
}

export type Rule = (claim: Claim, x: Extraction, ctx: RuleContext) => Violation | undefined;

/** A violation of `rule` for this claim, carrying its field and record type. */
export const violation = (claim: Claim, rule: RuleId, message: string, fix: string): Violation => ({
  hostname: claim.hostname,
  rule,
  message,
  fix,
  field: claim.field,
  ...(claim.recordType ? { recordType: claim.recordType } : {}),
});
