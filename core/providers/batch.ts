/**
 * Batching and retry, written once for every provider.
 * - splitChanges: cut a change set into batches of at most `maxChanges` changes (and optionally a
 *   size budget, e.g. Route 53's 32,000 characters), never splitting an update's old/new pair and
 *   keeping a record with its ownership TXT in the same batch where they fit.
 * - BatchPacer: --batch-change-interval, the least time between two batches a provider sends.
 * (retry with backoff is core/backoff.ts)
 */
import { sleep as realSleep } from '../backoff.js';
import { LabelKey, type Endpoint } from '../model/endpoint.js';
import type { Changes } from '../model/changes.js';
import { ConfigError } from '../errors.js';

export type Change =
  | { action: 'create'; record: Endpoint }
  | { action: 'delete'; record: Endpoint }
  | { action: 'update'; old: Endpoint; record: Endpoint };

/** Flattens a change set in apply order: deletes, updates, creates. */
export function flattenChanges(c: Changes): Change[] {
  const out: Change[] = [];
  for (const r of c.delete) out.push({ action: 'delete', record: r });
  for (let i = 0; i < c.updateNew.length; i++)
    out.push({ action: 'update', old: c.updateOld[i], record: c.updateNew[i] });
  for (const r of c.create) out.push({ action: 'create', record: r });
  return out;
}

export function changesOf(list: readonly Change[]): Changes {
  const c: Changes = { create: [], updateOld: [], updateNew: [], delete: [] };
  for (const ch of list) {
    if (ch.action === 'create') c.create.push(ch.record);
    else if (ch.action === 'delete') c.delete.push(ch.record);
    else {
      c.updateOld.push(ch.old);
      c.updateNew.push(ch.record);
    }
  }
  return c;
}

export interface BatchLimits {
  /** Most changes (as the provider counts them) in one call. */
  maxChanges: number;
  /** How many units one change costs (Route 53 counts an UPSERT as 2). Default 1. */
  cost?: (c: Change) => number;
  /** Optional second budget (e.g. characters) and each change's size in it. */
  maxSize?: number;
  size?: (c: Change) => number;
}

/**
 * Splits changes into batches within the limits. The changes about one name (a record, its other
 * types, its ownership TXT) stay in one batch, in their order; names in the order they first
 * appear. A group over the limit is cut in order; a single change over a limit is a batch of its own.
 */
export function splitChanges(changes: readonly Change[], limits: BatchLimits): Change[][] {
  const cost = limits.cost ?? (() => 1);
  const size = limits.size ?? (() => 0);
  const batches: Change[][] = [];
  let cur: Change[] = [];
  let curCost = 0;
  let curSize = 0;
  const flush = () => {
    if (cur.length) batches.push(cur);
    cur = [];
    curCost = 0;
    curSize = 0;
  };
  const fits = (c: number, s: number) =>
    curCost + c <= limits.maxChanges && (limits.maxSize === undefined || curSize + s <= limits.maxSize);
  for (const group of groupsOf(changes)) {
    const gCost = group.reduce((n, ch) => n + cost(ch), 0);
    const gSize = group.reduce((n, ch) => n + size(ch), 0);
    // a record and its ownership TXT go in one call (applied atomically by the server or API):
    // a cut between them would leave a record no one owns if the next call failed
    if (cur.length > 0 && !fits(gCost, gSize)) flush();
    for (const ch of group) {
      const c = cost(ch);
      const s = size(ch);
      // a group larger than a whole batch is cut in order (nothing else can be done)
      if (cur.length > 0 && !fits(c, s)) flush();
      cur.push(ch);
      curCost += c;
      curSize += s;
    }
  }
  flush();
  return batches;
}

/**
 * The changes by the name they are about, in the order each name first appears and each change's
 * own order kept: a record, the other types at its name, and its ownership TXT records (whose
 * LabelKey.ownedRecord names it), per set identifier.
 */
export function groupsOf(changes: readonly Change[]): Change[][] {
  const groups = new Map<string, Change[]>();
  for (const ch of changes) {
    const r = ch.record;
    const owned = r.recordType === 'TXT' ? r.labels[LabelKey.ownedRecord] : undefined;
    const key = `${owned ?? r.dnsName}|${r.setIdentifier ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(ch);
    else groups.set(key, [ch]);
  }
  return [...groups.values()];
}

/**
 * The batch size a provider uses: its own flag (--rfc2136-batch-change-size, ...), else the common
 * --batch-change-size, else its default. A common size over the provider's API limit is refused
 * naming both flags, as the provider's own flag refuses it.
 */
export function batchSizeFrom(
  own: number | undefined,
  common: number | undefined,
  provider: { flag: string; default: number; max?: number; api?: string },
): number {
  if (own !== undefined) return own;
  if (common === undefined) return provider.default;
  if (provider.max !== undefined && common > provider.max)
    throw new ConfigError(
      'batch-change-size',
      `${common}: ${provider.api} accepts at most ${provider.max} (set --${provider.flag} for this provider)`,
    );
  return common;
}

/**
 * --batch-change-interval: each batch starts at least `intervalMs` after the previous one ended,
 * across zones and apply runs, since a provider's rate limit (an API quota, a DNS server's load) is
 * per account or server, not per zone. external-dns sleeps the interval between batches (aws.go,
 * google.go, cloudflare_batch.go); measuring from the end of the last batch is the same pause within
 * one run and never shorter across runs. One pacer per provider instance.
 */
export class BatchPacer {
  private lastEnd?: number;
  constructor(
    readonly intervalMs: number,
    private readonly clock: {
      now?: () => number;
      sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    } = {},
  ) {}
  /** Waits until the interval since the last batch has passed (or `signal` aborts). */
  async ready(signal?: AbortSignal): Promise<void> {
    if (this.lastEnd === undefined || this.intervalMs <= 0) return;
    const wait = this.lastEnd + this.intervalMs - (this.clock.now ?? Date.now)();
    if (wait > 0) await (this.clock.sleep ?? realSleep)(wait, signal);
  }
  /** A batch has ended (answered, or failed for good). */
  ended(): void {
    this.lastEnd = (this.clock.now ?? Date.now)();
  }
}

/** Caches a provider's zone list for `ttlMs` (external-dns's --provider-cache-time). */
export class ZoneCache<Z> {
  private value?: { at: number; zones: Z[] };
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}
  async get(load: () => Promise<Z[]>): Promise<Z[]> {
    if (this.value && this.ttlMs > 0 && this.now() - this.value.at < this.ttlMs) return this.value.zones;
    const zones = await load();
    this.value = { at: this.now(), zones };
    return zones;
  }
  invalidate(): void {
    this.value = undefined;
  }
}
