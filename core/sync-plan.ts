/**
 * The one planning path: `zoneguard plan`, `reconcile --dry-run` and `reconcile` all compute the
 * change set here, from the same inputs, and print it with core/report.ts. In order:
 *   objects → desired records in admission order (core/desired.ts: rules, fail-safe keeps) →
 *   provider adjustments → zone selection (records in no zone the provider manages are reported,
 *   never sent) → plan() (ownership, conflicts, policy) → deletion guard.
 */
import { desiredState, type DesiredState } from './desired.js';
import { deletionHold, type DeletionGuardSettings, type DeletionHold } from './deletion-guard.js';
import type { DomainFilter } from './domain-filter.js';
import type { ExtractContext } from './hostnames/common.js';
import type { Endpoint } from './model/endpoint.js';
import type { KubeObject } from './model/objects.js';
import { OwnershipIndex } from './ownership.js';
import { isOwnedBy, plan, type PlanResult, type Policy } from './plan.js';
import { zoneFor, type Zone } from './providers/provider.js';
import type { RegistrySnapshot } from './registry/registry.js';
import type { RuleContext } from './rules/index.js';
import type { ObjectFilter } from './setup.js';

export interface SyncPlanInput {
  objects: readonly KubeObject[];
  /** Objects read from the cluster (HTTPRoutes count only where a Gateway accepted them). */
  live?: ReadonlySet<KubeObject>;
  /** The registry's read of the zones: records with owner/resource labels, ownership claims. */
  snapshot: RegistrySnapshot;
  /** Zones the provider manages after its filters; undefined: no zone selection (tests of the plan alone). */
  zones?: readonly Zone[];
  /** Rules' context; ownership (from the snapshot) and claims are filled in here. */
  ruleCtx: RuleContext;
  extractCtx: ExtractContext;
  filter?: ObjectFilter;
  ownerId: string;
  policy: Policy;
  managedRecordTypes: readonly string[];
  domainFilter?: DomainFilter;
  /** The provider's normalisation of desired records (minimum TTL, proxied flag...). */
  adjust?: (endpoints: Endpoint[]) => Endpoint[];
  /** The deletion guard's limits; undefined: no guard. */
  guard?: DeletionGuardSettings;
  /** An operator released the hold for this sync: deletes go even past the limits. */
  releaseDeletions?: boolean;
}

export interface NoZoneRecord {
  endpoint: Endpoint;
  /** The zones the provider manages, to say why none fits. */
  zones: string[];
}

export interface SyncPlan extends PlanResult {
  desired: DesiredState;
  /** Desired records in no zone the provider manages (--zone-id-filter, --aws-zone-type, ...). */
  noZone: NoZoneRecord[];
  /** Deletes past the guard's limits: held back (removed from changes) unless released. */
  hold?: DeletionHold;
  /** Records this owner owned in scope before the sync (the guard's ratio is of these). */
  owned: number;
}

export function planSync(input: SyncPlanInput): SyncPlan {
  const desired = desiredState({
    objects: input.objects,
    ruleCtx: { ...input.ruleCtx, ownership: new OwnershipIndex(input.snapshot) },
    extractCtx: input.extractCtx,
    live: input.live,
    filter: input.filter,
    current: input.snapshot.records,
  });
  let endpoints = input.adjust ? input.adjust(desired.endpoints) : desired.endpoints;
  const noZone: NoZoneRecord[] = [];
  if (input.zones) {
    const zones = input.zones;
    endpoints = endpoints.filter((ep) => {
      if (zoneFor(zones, ep.dnsName)) return true;
      noZone.push({ endpoint: ep, zones: zones.map((z) => z.name) });
      return false;
    });
  }
  const created = new Map<string, string>();
  for (const o of desired.outcomes) {
    const ts = (o.obj.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp;
    if (ts) created.set(o.extraction.resource, String(ts));
  }
  const managed = new Set(input.managedRecordTypes.map((t) => t.toUpperCase()));
  const owned = input.snapshot.records.filter(
    (ep) =>
      isOwnedBy(ep, input.ownerId) &&
      managed.has(ep.recordType) &&
      (!input.domainFilter || input.domainFilter.match(ep.dnsName)),
  ).length;
  const result = plan({
    current: input.snapshot.records,
    desired: endpoints,
    ownerId: input.ownerId,
    policy: input.policy,
    managedRecordTypes: input.managedRecordTypes,
    domainFilter: input.domainFilter,
    createdOf: (resource) => created.get(resource),
  });
  const out: SyncPlan = { ...result, desired, noZone, owned };
  if (input.guard) {
    const hold = deletionHold(
      result.changes.delete,
      owned,
      input.guard,
      input.zones,
      input.releaseDeletions === true,
    );
    if (hold) {
      out.hold = hold;
      if (!hold.released) out.changes = { ...result.changes, delete: [] };
    }
  }
  return out;
}

/** The plan with its held deletes put back: an operator released the hold. */
export function releaseHold(p: SyncPlan): SyncPlan {
  if (!p.hold || p.hold.released) return p;
  return {
    ...p,
    changes: { ...p.changes, delete: [...p.hold.records] },
    hold: { ...p.hold, released: true },
  };
}
