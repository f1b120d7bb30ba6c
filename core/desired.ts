/**
 * Desired records from the sources' objects, through the core's extraction and rules: what the
 * webhook admits is published, what it would deny is not.
 *
 * The webhook sees objects one at a time, in the order they are applied; the reconciler sees them
 * all at once. To give the answer the webhook would have given, objects are evaluated in admission
 * order against the claims of the objects admitted before them (core/validate.ts's validateObjects
 * evaluates a set all at once, which denies both sides of a duplicate):
 * - incumbents first: objects whose records this owner has already published (resource label);
 * - then objects asking for exactly the targets of a record this owner published that no present
 *   object owns by resource label (older external-dns wrote none): the current owner keeps the name;
 * - then by metadata.creationTimestamp (oldest first);
 * - objects whose order is unknown (same creation second, or manifest files, which have none) are
 *   evaluated together, as `zoneguard validate` and `plan` do: a duplicate among them denies both;
 * - like the webhook on UPDATE, hostnames an object has already published cannot be denied (their
 *   findings become warnings);
 * - an object that is denied publishes nothing new, and the records it already has are kept as they
 *   are (the webhook would have refused the change, so the old object would still stand): its own
 *   records (resource label), and this owner's records at names it claims that no present object
 *   owns (no resource label: an older external-dns; or the label of an object that is gone). A
 *   conflict or an object turned invalid never deletes what is published (fail safe).
 */
import { ClaimIndex } from './claim-index.js';
import { LabelKey, sameTargets, type Endpoint } from './model/endpoint.js';
import { endpointsOf } from './hostnames/index.js';
import type { ExtractContext } from './hostnames/common.js';
import { describeRef, refOf, type KubeObject } from './model/objects.js';
import {
  evaluate,
  formatViolation,
  type EvaluateOptions,
  type Extraction,
  type RuleContext,
  type Verdict,
} from './rules/index.js';
import type { ObjectFilter } from './setup.js';
import { claimsOf, withLookups } from './evaluate.js';

export type Outcome = 'published' | 'rejected' | 'skipped';

export interface ObjectOutcome {
  obj: KubeObject;
  extraction: Extraction;
  verdict: Verdict;
  outcome: Outcome;
  /** Records this object asks for (published), or the records it keeps (rejected). */
  endpoints: Endpoint[];
}

export interface DesiredInput {
  objects: readonly KubeObject[];
  /** Rule context with ownership read from the registry snapshot; claims are filled in here. */
  ruleCtx: RuleContext;
  extractCtx: ExtractContext;
  /** Objects read from the cluster (live), whose HTTPRoutes count only where a Gateway accepted them. */
  live?: ReadonlySet<KubeObject>;
  filter?: ObjectFilter;
  /** The registry snapshot's records (with owner/resource labels). */
  current: readonly Endpoint[];
  evaluate?: Omit<EvaluateOptions, 'deniable'>;
}

export interface DesiredState {
  endpoints: Endpoint[];
  outcomes: ObjectOutcome[];
}

export function desiredState(input: DesiredInput): DesiredState {
  const owner = input.ruleCtx.ownerId;
  // what this owner has published, per resource label
  const published = new Map<string, { names: Set<string>; records: Endpoint[] }>();
  for (const ep of input.current) {
    const resource = ep.labels[LabelKey.resource];
    if (ep.labels[LabelKey.owner] !== owner || !resource) continue;
    let p = published.get(resource);
    if (!p) published.set(resource, (p = { names: new Set(), records: [] }));
    p.names.add(ep.dnsName);
    p.records.push(ep);
  }

  const ex = withLookups(input.extractCtx, input.objects);
  const exLive: ExtractContext = { ...ex, acceptedRoutesOnly: true };
  const items: { obj: KubeObject; x: Extraction; rank: string; index: number }[] = [];
  for (let index = 0; index < input.objects.length; index++) {
    const obj = input.objects[index];
    const x = claimsOf(obj, input.live?.has(obj) ? exLive : ex, input.filter);
    if (!x) continue;
    items.push({ obj, x, rank: '', index });
  }
  // this owner's records that no object present owns by resource label: written by an older
  // external-dns (no resource label), or for an object that is gone; by name|type|set
  const present = new Set(items.map((it) => it.x.resource));
  const unlabelled = new Map<string, Endpoint>();
  for (const ep of input.current) {
    const resource = ep.labels[LabelKey.resource];
    if (ep.labels[LabelKey.owner] !== owner || (resource && present.has(resource))) continue;
    unlabelled.set(nameKey(ep.dnsName, ep.recordType, ep.setIdentifier), ep);
  }
  const matchesUnlabelled = (x: Extraction) =>
    endpointsOf(x).some((ep) => {
      const cur = unlabelled.get(nameKey(ep.dnsName, ep.recordType, ep.setIdentifier));
      return cur !== undefined && sameTargets(cur.targets, ep.targets);
    });
  // kept once: by the first denied object (in admission order) that claims the name
  const keptUnlabelled = new Set<Endpoint>();
  const unlabelledClaimed = (x: Extraction) => {
    const names = new Set(x.claims.map((c) => c.hostname));
    const mine = [...unlabelled.values()].filter((ep) => names.has(ep.dnsName) && !keptUnlabelled.has(ep));
    for (const ep of mine) keptUnlabelled.add(ep);
    return mine;
  };

  for (const it of items) {
    const created = String(
      (it.obj.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp ?? '',
    );
    const incumbency = published.has(it.x.resource) ? 0 : matchesUnlabelled(it.x) ? 1 : 2;
    it.rank = `${incumbency}|${created}`;
  }
  // groups of objects admitted "at the same time", in admission order
  const groups = new Map<string, typeof items>();
  for (const it of items) {
    const g = groups.get(it.rank);
    if (g) g.push(it);
    else groups.set(it.rank, [it]);
  }
  const ranks = [...groups.keys()].sort();

  const admitted = new ClaimIndex();
  const ctx: RuleContext = { ...input.ruleCtx, claims: admitted };
  // outcomes in input order
  const byIndex: (ObjectOutcome | undefined)[] = new Array(input.objects.length);
  for (const rank of ranks) {
    const group = groups.get(rank)!;
    // each member sees the objects admitted before it and the other members of its group
    for (const { x } of group) admitted.set(x);
    const denied: Extraction[] = [];
    for (const { obj, x, index } of group) {
      const mine = published.get(x.resource);
      const verdict = evaluate(x, ctx, {
        ...input.evaluate,
        deniable: mine ? (c) => !mine.names.has(c.hostname) : undefined,
      });
      if (mine) {
        // what would be denied for a new object is said, as the webhook says it on UPDATE
        const said = new Set(verdict.violations.map(formatViolation));
        for (const v of evaluate(x, ctx, input.evaluate).violations)
          if (!said.has(formatViolation(v)))
            verdict.warnings.push(
              `${formatViolation(v)} (not denied: the object already had this hostname published; what is published stays until it is fixed)`,
            );
      }
      let out: ObjectOutcome;
      if (verdict.skipped) out = { obj, extraction: x, verdict, outcome: 'skipped', endpoints: [] };
      else if (verdict.allowed)
        out = { obj, extraction: x, verdict, outcome: 'published', endpoints: endpointsOf(x) };
      else {
        out = {
          obj,
          extraction: x,
          verdict,
          outcome: 'rejected',
          endpoints: [...(mine?.records ?? []), ...unlabelledClaimed(x)].map(keep),
        };
        denied.push(x);
      }
      byIndex[index] = out;
    }
    // only after the whole group: a denied member still counted against the others
    for (const x of denied) admitted.remove(x.ref);
  }
  const outcomes = byIndex.filter((o): o is ObjectOutcome => o !== undefined);
  // such a record kept for a denied object goes to the admitted object that asks for it instead
  const asked = new Set<string>();
  for (const o of outcomes)
    if (o.outcome === 'published')
      for (const ep of o.endpoints) asked.add(nameKey(ep.dnsName, ep.recordType, ep.setIdentifier));
  for (const o of outcomes)
    if (o.outcome === 'rejected')
      o.endpoints = o.endpoints.filter(
        (ep) =>
          published.get(o.extraction.resource)?.records.some((r) => sameKey(r, ep)) ||
          !asked.has(nameKey(ep.dnsName, ep.recordType, ep.setIdentifier)),
      );
  return { endpoints: outcomes.flatMap((o) => o.endpoints), outcomes };
}

/** A published record kept as it is: desired = current, so the plan leaves it alone. */
function keep(ep: Endpoint): Endpoint {
  return {
    ...ep,
    targets: [...ep.targets],
    labels: { [LabelKey.resource]: ep.labels[LabelKey.resource] ?? '' },
  };
}

function sameKey(a: Endpoint, b: Endpoint): boolean {
  return a.dnsName === b.dnsName && a.recordType === b.recordType && a.setIdentifier === b.setIdentifier;
}

function nameKey(dnsName: string, recordType: string, setIdentifier: string | undefined): string {
  return `${dnsName}|${recordType}|${setIdentifier ?? ''}`;
}

export function describeObject(obj: KubeObject): string {
  return describeRef(refOf(obj));
}
