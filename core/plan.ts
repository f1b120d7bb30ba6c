/**
 * The plan: desired vs current records, with external-dns's semantics.
 * - Only managed record types and names inside the domain filter are considered.
 * - A record this owner does not own (another owner, or no ownership record) is never updated or
 *   deleted, and a create that would collide with it is not made (reported as a conflict).
 * - Several desired candidates for one name and type: the current owner keeps the name. The one
 *   whose resource label the record carries wins; for a record of ours without a resource label
 *   (older external-dns), the one asking for its targets; then the oldest creationTimestamp; then
 *   external-dns's PerResource resolver order (smallest target set, IPs compared as addresses),
 *   ties broken by resource so the pick never depends on input order.
 * - A CNAME cannot share a name with other types: A/AAAA win over CNAME unless we own the CNAME.
 * - Updates happen when targets differ, when a TTL is asked for and differs, or provider-specific
 *   properties differ. Policies: sync (all), upsert-only (no deletes), create-only (creates only).
 */
import {
  cloneEndpoint,
  endpointKey,
  sameTargets,
  targetsLess,
  type Endpoint,
  LabelKey,
} from './model/endpoint.js';
import type { DomainFilter } from './domain-filter.js';
import type { Changes } from './model/changes.js';

export type Policy = 'sync' | 'upsert-only' | 'create-only';

export interface PlanInput {
  current: readonly Endpoint[];
  desired: readonly Endpoint[];
  ownerId: string;
  policy?: Policy;
  managedRecordTypes?: readonly string[];
  domainFilter?: DomainFilter;
  /** metadata.creationTimestamp of a resource (resource label), for the oldest-claimant rule. */
  createdOf?: (resource: string) => string | undefined;
}

export interface PlanConflict {
  dnsName: string;
  recordType: string;
  /** The desired endpoint that was not applied. */
  desired: Endpoint;
  reason: 'owned-by-other' | 'unowned' | 'lost-to-other-resource' | 'cname-conflict';
  /** Owner of the existing record, when there is one. */
  owner?: string;
  /** Resource that won, for lost-to-other-resource. */
  winner?: string;
}

export interface PlanResult {
  changes: Changes;
  conflicts: PlanConflict[];
}

export function isOwnedBy(ep: Endpoint, ownerId: string): boolean {
  return ep.labels[LabelKey.owner] === ownerId;
}

function providerSpecificEqual(a: Endpoint, b: Endpoint): boolean {
  const pa = a.providerSpecific ?? {};
  const pb = b.providerSpecific ?? {};
  const keys = new Set([...Object.keys(pa), ...Object.keys(pb)]);
  keys.delete('txt/force-update');
  for (const k of keys) if (pa[k] !== pb[k]) return false;
  return true;
}

function needsUpdate(current: Endpoint, desired: Endpoint): boolean {
  if (!sameTargets(current.targets, desired.targets)) return true;
  if (desired.ttl !== undefined && desired.ttl !== current.ttl) return true;
  if (current.providerSpecific?.['txt/force-update'] === 'true') return true;
  return !providerSpecificEqual(current, desired);
}

/** Picks one desired endpoint among candidates for the same name and type: the current owner keeps it. */
function resolveCandidates(
  candidates: Endpoint[],
  current: Endpoint | undefined,
  ownerId: string,
  createdOf: PlanInput['createdOf'],
): Endpoint {
  if (candidates.length === 1) return candidates[0];
  const resourceOf = (ep: Endpoint) => ep.labels[LabelKey.resource] ?? '';
  if (current && isOwnedBy(current, ownerId)) {
    const resource = current.labels[LabelKey.resource];
    if (resource) {
      const same = candidates.find((c) => resourceOf(c) === resource);
      if (same) return same;
    } else {
      const same = candidates.filter((c) => sameTargets(c.targets, current.targets));
      if (same.length) candidates = same;
      if (candidates.length === 1) return candidates[0];
    }
  }
  const created = (ep: Endpoint) => createdOf?.(resourceOf(ep)) || '';
  const known = candidates.filter((c) => created(c) !== '');
  if (known.length) {
    const oldest = known.reduce((a, b) => (created(b) < created(a) ? b : a));
    const tied = known.filter((c) => created(c) === created(oldest));
    if (tied.length === 1) return oldest;
    candidates = tied;
  }
  let best = candidates[0];
  for (const c of candidates.slice(1)) {
    if (targetsLess(c.targets, best.targets)) best = c;
    else if (!targetsLess(best.targets, c.targets) && resourceOf(c) < resourceOf(best)) best = c;
  }
  return best;
}

interface Row {
  current: Map<string, Endpoint>;
  desired: Map<string, Endpoint[]>;
}

export function plan(input: PlanInput): PlanResult {
  const managed = new Set((input.managedRecordTypes ?? ['A', 'AAAA', 'CNAME']).map((t) => t.toUpperCase()));
  const inScope = (ep: Endpoint) =>
    managed.has(ep.recordType) && (!input.domainFilter || input.domainFilter.match(ep.dnsName));
  const owner = input.ownerId;
  const rows = new Map<string, Row>();
  const row = (ep: Endpoint): Row => {
    const key = `${ep.dnsName}|${ep.setIdentifier ?? ''}`;
    let r = rows.get(key);
    if (!r) {
      r = { current: new Map(), desired: new Map() };
      rows.set(key, r);
    }
    return r;
  };
  for (const ep of input.current) if (inScope(ep)) row(ep).current.set(ep.recordType, ep);
  for (const ep of input.desired) {
    if (!inScope(ep)) continue;
    const list = row(ep).desired.get(ep.recordType);
    if (list) list.push(ep);
    else row(ep).desired.set(ep.recordType, [ep]);
  }

  const changes: Changes = { create: [], updateOld: [], updateNew: [], delete: [] };
  const conflicts: PlanConflict[] = [];

  for (const r of rows.values()) {
    // resolve candidates per type
    const chosen = new Map<string, Endpoint>();
    for (const [type, candidates] of r.desired) {
      const winner = resolveCandidates(candidates, r.current.get(type), owner, input.createdOf);
      chosen.set(type, winner);
      for (const c of candidates) {
        if (c !== winner) {
          conflicts.push({
            dnsName: c.dnsName,
            recordType: type,
            desired: c,
            reason: 'lost-to-other-resource',
            winner: winner.labels[LabelKey.resource],
          });
        }
      }
    }
    // CNAME exclusivity among desired types
    const cname = chosen.get('CNAME');
    if (cname && chosen.size > 1) {
      const curCname = r.current.get('CNAME');
      if (curCname && isOwnedBy(curCname, owner)) {
        for (const [type, ep] of chosen) {
          if (type !== 'CNAME') {
            conflicts.push({ dnsName: ep.dnsName, recordType: type, desired: ep, reason: 'cname-conflict' });
            chosen.delete(type);
          }
        }
      } else {
        conflicts.push({
          dnsName: cname.dnsName,
          recordType: 'CNAME',
          desired: cname,
          reason: 'cname-conflict',
        });
        chosen.delete('CNAME');
      }
    }
    const foreign = [...r.current.values()].filter((c) => !isOwnedBy(c, owner));

    for (const [type, des] of chosen) {
      const cur = r.current.get(type);
      if (!cur) {
        // a create must not collide with a record we do not own (same type, or CNAME vs anything)
        const blocker = foreign.find((f) => f.recordType === 'CNAME' || type === 'CNAME');
        if (blocker) {
          const o = blocker.labels[LabelKey.owner];
          conflicts.push({
            dnsName: des.dnsName,
            recordType: type,
            desired: des,
            reason: o ? 'owned-by-other' : 'unowned',
            owner: o,
          });
          continue;
        }
        const created = cloneEndpoint(des);
        created.labels[LabelKey.owner] = owner;
        changes.create.push(created);
        continue;
      }
      if (!isOwnedBy(cur, owner)) {
        const o = cur.labels[LabelKey.owner];
        conflicts.push({
          dnsName: des.dnsName,
          recordType: type,
          desired: des,
          reason: o ? 'owned-by-other' : 'unowned',
          owner: o,
        });
        continue;
      }
      if (needsUpdate(cur, des)) {
        const next = cloneEndpoint(des);
        next.labels[LabelKey.owner] = owner;
        if (next.ttl === undefined && cur.ttl !== undefined) next.ttl = cur.ttl;
        changes.updateOld.push(cloneEndpoint(cur));
        changes.updateNew.push(next);
      }
    }
    for (const [type, cur] of r.current) {
      if (!chosen.has(type) && isOwnedBy(cur, owner)) changes.delete.push(cloneEndpoint(cur));
    }
  }

  const policy = input.policy ?? 'sync';
  if (policy !== 'sync') changes.delete = [];
  if (policy === 'create-only') {
    changes.updateOld = [];
    changes.updateNew = [];
  }
  const byKey = (a: Endpoint, b: Endpoint) =>
    endpointKey(a) < endpointKey(b) ? -1 : endpointKey(a) > endpointKey(b) ? 1 : 0;
  changes.create.sort(byKey);
  changes.delete.sort(byKey);
  const pairs = changes.updateOld
    .map((o, i) => [o, changes.updateNew[i]] as const)
    .sort((x, y) => byKey(x[0], y[0]));
  changes.updateOld = pairs.map((p) => p[0]);
  changes.updateNew = pairs.map((p) => p[1]);
  return { changes, conflicts };
}

/** The plan as `zoneguard plan --output json` prints it: record changes only. */
export function planToJson(changes: Changes): object {
  const entry = (ep: Endpoint) => ({
    dnsName: ep.dnsName,
    recordType: ep.recordType,
    targets: [...ep.targets],
    ttl: ep.ttl ?? 0,
    labels: { owner: ep.labels[LabelKey.owner] ?? '', resource: ep.labels[LabelKey.resource] ?? '' },
  });
  return {
    create: changes.create.map(entry),
    updateOld: changes.updateOld.map(entry),
    updateNew: changes.updateNew.map(entry),
    delete: changes.delete.map(entry),
  };
}
