/**
 * The deletion guard (no external-dns equivalent): a sync that would delete more than
 * --max-deletions records, or more than --max-deletion-ratio of the records this owner id owns,
 * holds its deletes back (creates and updates still go) until an operator releases them. It stands
 * between "the source read went wrong" (a renamed annotation prefix, an empty informer cache, a
 * wrong --label-filter) and "the zone is empty".
 */
import { LabelKey, type Endpoint } from './model/endpoint.js';
import { zoneFor, type Zone } from './providers/provider.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface DeletionGuardSettings {
  /** Most record deletions one sync may make without a release; 0 disables this limit. */
  readonly maxDeletions: number;
  /** Largest share (0..1) of this owner's records one sync may delete without a release; 0 disables. */
  readonly maxDeletionRatio: number;
}

/**
 * Below this many deletes the ratio is not applied: a small cluster deleting its last Ingresses is
 * normal churn (1 of 1 record is a ratio of 1), not a storm.
 */
export const RATIO_FLOOR = 10;

/** How many groups (zones, resources) a hold names. */
const TOP_GROUPS = 5;

export interface DeletionHold {
  /** Deletes held back (records, TXT ownership records not counted). */
  count: number;
  /** Records this owner owned in scope before the sync. */
  owned: number;
  /** Which limit was crossed, as the operator reads it. */
  limit: string;
  /** The largest groups of held deletes: [zone, count] and [resource, count], largest first. */
  byZone: [string, number][];
  byResource: [string, number][];
  /** The held records. */
  records: Endpoint[];
  /** True when an operator released it: the deletes were kept in the plan. */
  released: boolean;
}

/** Which limit `count` deletions out of `owned` owned records cross, if any. */
export function crossedLimit(count: number, owned: number, s: DeletionGuardSettings): string | undefined {
  if (s.maxDeletions > 0 && count > s.maxDeletions)
    return `${count} deletions is more than --max-deletions=${s.maxDeletions}`;
  if (s.maxDeletionRatio > 0 && count > RATIO_FLOOR && owned > 0 && count / owned > s.maxDeletionRatio)
    return `${count} of ${owned} owned records (${Math.round((count / owned) * 100)}%) is more than --max-deletion-ratio=${s.maxDeletionRatio}`;
  return undefined;
}

function largest(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_GROUPS);
}

/** The hold for these deletes, or undefined when they are within the limits. */
export function deletionHold(
  deletes: readonly Endpoint[],
  owned: number,
  settings: DeletionGuardSettings,
  zones: readonly Zone[] | undefined,
  released: boolean,
): DeletionHold | undefined {
  const limit = crossedLimit(deletes.length, owned, settings);
  if (!limit) return undefined;
  const byZone = new Map<string, number>();
  const byResource = new Map<string, number>();
  for (const ep of deletes) {
    const zone = (zones && zoneFor(zones, ep.dnsName)?.name) ?? '(no zone)';
    byZone.set(zone, (byZone.get(zone) ?? 0) + 1);
    const resource = ep.labels[LabelKey.resource] || '(no resource label)';
    byResource.set(resource, (byResource.get(resource) ?? 0) + 1);
  }
  return {
    count: deletes.length,
    owned,
    limit,
    byZone: largest(byZone),
    byResource: largest(byResource),
    records: [...deletes],
    released,
  };
}

/** One line naming a hold, for the log, the Event, /readyz and `plan`. */
export function describeHold(h: DeletionHold): string {
  const groups = (g: [string, number][]) => g.map(([k, n]) => `${k} ${n}`).join(', ');
  return `${h.released ? 'released' : 'held back'} ${h.count} deletion(s): ${h.limit}; largest zones: ${groups(h.byZone)}; largest resources: ${groups(h.byResource)}`;
}

/**
 * The annotation on the reconciler's Lease (--leader-election-lease-name) that releases a hold:
 * its value is the number of held deletions the operator approves. The reconciler applies the
 * deletes when the held count equals it, then removes the annotation, so a stale approval never
 * lets a different, larger storm through.
 */
export const RELEASE_ANNOTATION = 'zoneguard.io/release-deletions';

/** Who may release a hold: the operator, through a flag or an annotation. */
export interface DeletionRelease {
  /** Where the release comes from, for logs. */
  readonly name: string;
  /** True when the operator released this hold. */
  approves(hold: DeletionHold): Promise<boolean>;
  /** The released deletes were applied: a one-time release is used up. */
  consumed(hold: DeletionHold): Promise<void>;
}

/** --release-deletions: releases the first hold of this run, and no other. */
export class OneRunRelease implements DeletionRelease {
  readonly name = '--release-deletions';
  private used = false;
  async approves(): Promise<boolean> {
    return !this.used;
  }
  async consumed(): Promise<void> {
    this.used = true;
  }
}

/** Releases when any of several releases does (the flag, then the Lease annotation). */
export class AnyRelease implements DeletionRelease {
  readonly name: string;
  private last?: DeletionRelease;
  constructor(private readonly releases: readonly DeletionRelease[]) {
    this.name = releases.map((r) => r.name).join(' or ');
  }
  async approves(hold: DeletionHold): Promise<boolean> {
    this.last = undefined;
    for (const r of this.releases)
      if (await r.approves(hold)) {
        this.last = r;
        return true;
      }
    return false;
  }
  async consumed(hold: DeletionHold): Promise<void> {
    await this.last?.consumed(hold);
  }
}
