/**
 * The webhook's in-memory ownership index: loaded from the provider at start, replaced in the
 * background every --ownership-refresh and on demand (refreshNow), so an admission answer never
 * waits on a DNS API. Readers always get the last complete index; a failed refresh keeps it.
 */
import { createHash } from 'node:crypto';
import { LabelKey } from '../core/model/endpoint.js';
import type { Logger } from '../core/log.js';
import { OwnershipIndex } from '../core/ownership.js';
import type { RegistrySnapshot } from '../core/registry/registry.js';
import type { OwnershipState } from './admit.js';

/** Records per slice between event-loop yields (fingerprint and index build). */
const SLICE = 2000;

/**
 * A digest of what the index is built from (names, types, set identifiers, owner and resource
 * labels; not targets, which the index does not hold), computed in slices. An unchanged zone (the
 * usual refresh) then keeps the current index instead of building another.
 */
export async function snapshotFingerprint(snapshot: RegistrySnapshot): Promise<string> {
  const h = createHash('sha256');
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (let i = 0; i < snapshot.records.length; i += SLICE) {
    let text = '';
    for (const r of snapshot.records.slice(i, i + SLICE))
      text += `${r.dnsName}\t${r.recordType}\t${r.setIdentifier ?? ''}\t${r.labels[LabelKey.owner] ?? '\u0000'}\t${r.labels[LabelKey.resource] ?? '\u0000'}\n`;
    h.update(text);
    await pause();
  }
  h.update('\u0000claims\n');
  for (let i = 0; i < snapshot.claims.length; i += SLICE) {
    let text = '';
    for (const c of snapshot.claims.slice(i, i + SLICE))
      text += `${c.dnsName}\t${c.recordType}\t${c.setIdentifier ?? ''}\t${c.labels[LabelKey.owner] ?? '\u0000'}\t${c.labels[LabelKey.resource] ?? '\u0000'}\n`;
    h.update(text);
    await pause();
  }
  return h.digest('hex');
}

export interface OwnershipCacheOptions {
  /** Reads the provider's records and ownership (registry.snapshot()); the cache builds the index. */
  snapshot?: () => Promise<RegistrySnapshot>;
  /** Or reads a ready index (tests). One of the two is required. */
  load?: () => Promise<OwnershipIndex>;
  refreshMs: number;
  maxAgeMs: number;
  logger: Logger;
  provider?: string;
  now?: () => number;
  onRefresh?: (ok: boolean, index?: OwnershipIndex) => void;
}

export class OwnershipCache {
  private index?: OwnershipIndex;
  /** When the data in use was last confirmed by a successful read. */
  private loadedAt = 0;
  private fingerprint?: string;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<boolean>;
  private queued?: Promise<boolean>;
  private loadWaiters: (() => void)[] = [];
  private closed = false;
  private lastError?: string;
  private readonly now: () => number;

  constructor(private readonly opts: OwnershipCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Loads once (resolves true when loaded), then refreshes every refreshMs until close(). */
  async start(): Promise<boolean> {
    const ok = await this.refreshNow();
    this.schedule();
    return ok;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshNow().finally(() => this.schedule()), this.opts.refreshMs);
    this.timer.unref();
  }

  /**
   * Re-reads ownership now (the reconciler calls this after it writes). Concurrent calls share one
   * read; a call made while a read runs gets one more read after it, so it sees its own write.
   */
  refreshNow(): Promise<boolean> {
    if (!this.inFlight) {
      this.inFlight = this.loadOnce().finally(() => (this.inFlight = undefined));
      return this.inFlight;
    }
    this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return this.refreshNow();
    });
    return this.queued;
  }

  private async read(): Promise<{ index: OwnershipIndex; unchanged: boolean }> {
    if (this.opts.snapshot) {
      const snapshot = await this.opts.snapshot();
      const fingerprint = await snapshotFingerprint(snapshot);
      if (this.index && fingerprint === this.fingerprint) return { index: this.index, unchanged: true };
      const index = await OwnershipIndex.build(snapshot, this.now(), SLICE);
      this.fingerprint = fingerprint;
      return { index, unchanged: false };
    }
    if (!this.opts.load) throw new Error('OwnershipCache needs snapshot or load');
    return { index: await this.opts.load(), unchanged: false };
  }

  private async loadOnce(): Promise<boolean> {
    const started = this.now();
    try {
      const { index, unchanged } = await this.read();
      if (this.closed) return false;
      this.index = index;
      this.loadedAt = this.opts.snapshot ? started : index.loadedAt;
      this.lastError = undefined;
      for (const f of this.loadWaiters.splice(0)) f();
      this.opts.logger.debug(
        { provider: this.opts.provider, names: index.size, unchanged, ms: this.now() - started },
        'ownership refreshed',
      );
      this.opts.onRefresh?.(true, index);
      return true;
    } catch (e) {
      this.lastError = (e as Error)?.message ?? String(e);
      this.opts.logger.warn(
        { provider: this.opts.provider, err: this.lastError, ageSeconds: this.ageMs() / 1000 },
        'ownership refresh failed',
      );
      this.opts.onRefresh?.(false);
      return false;
    }
  }

  /** Resolves once the first load has succeeded (or the cache is closed). */
  whenLoaded(): Promise<void> {
    if (this.index || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.loadWaiters.push(resolve));
  }

  get loaded(): boolean {
    return this.index !== undefined;
  }

  current(): OwnershipIndex | undefined {
    return this.index;
  }

  /** Milliseconds since the data in use was read (Infinity before the first load). */
  ageMs(): number {
    return this.index ? Math.max(0, this.now() - this.loadedAt) : Infinity;
  }

  state(): OwnershipState {
    const ageMs = this.ageMs();
    return {
      state: ageMs > this.opts.maxAgeMs ? 'stale' : 'fresh',
      ageMs,
      maxAgeMs: this.opts.maxAgeMs,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const f of this.loadWaiters.splice(0)) f();
  }
}
