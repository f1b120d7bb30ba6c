/**
 * Desired records from the sources' objects, through the core's extraction and rules: what the
 * webhook admits is published, what it would deny is not.
 *
 * The webhook sees objects one at a time, in the order they are applied; the reconciler sees them
 * all at once. To give the answer the webhook would have given, objects are evaluated in admission
 * order against the claims of the objects admitted before them (core/validate.ts's validateObjects
 * evaluates a set all at once, which denies both sides of a duplicate):
 * - incumbents first: objects whose records this owner has already published (resource label);
 * - then by metadata.creationTimestamp;
 * - objects whose order is unknown (same creation second, or manifest files, which have none) are
 *   evaluated together, as `zoneguard validate` and `plan` do: a duplicate among them denies both;
 * - like the webhook on UPDATE, hostnames an object has already published cannot be denied (their
 *   findings become warnings);
 * - an object that is denied publishes nothing new, and the records it already has are kept as they
 *   are (the webhook would have refused the change, so the old object would still stand).
 */
import { ClaimIndex } from '../core/claim-index.js';
import { LabelKey, type Endpoint } from '../core/model/endpoint.js';
import { endpointsOf } from '../core/hostnames/index.js';
import type { ExtractContext } from '../core/hostnames/common.js';
import { describeRef, refOf, type KubeObject } from '../core/model/objects.js';
import {
  evaluate,
  type EvaluateOptions,
  type Extraction,
  type RuleContext,
  type Verdict,
} from '../core/rules/index.js';
import type { ObjectFilter } from '../core/setup.js';
import { claimsOf, gatewayLookup } from '../core/evaluate.js';

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

  const ex: ExtractContext = {
    ...input.extractCtx,
    gateway: input.extractCtx.gateway ?? gatewayLookup(input.objects),
  };
  const exLive: ExtractContext = { ...ex, acceptedRoutesOnly: true };
  const items: { obj: KubeObject; x: Extraction; rank: string; index: number }[] = [];
  for (let index = 0; index < input.objects.length; index++) {
    const obj = input.objects[index];
    const x = claimsOf(obj, input.live?.has(obj) ? exLive : ex, input.filter);
    if (!x) continue;
    const created = String(
      (obj.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp ?? '',
    );
    items.push({ obj, x, rank: `${published.has(x.resource) ? 0 : 1}|${created}`, index });
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
          endpoints: (mine?.records ?? []).map(keep),
        };
        denied.push(x);
      }
      byIndex[index] = out;
    }
    // only after the whole group: a denied member still counted against the others
    for (const x of denied) admitted.remove(x.ref);
  }
  const outcomes = byIndex.filter((o): o is ObjectOutcome => o !== undefined);
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

export function describeObject(obj: KubeObject): string {
  return describeRef(refOf(obj));
}
