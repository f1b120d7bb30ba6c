/**
 * The webhook's in-memory ownership index: loaded from the provider at start, replaced in the
 * background every --ownership-refresh and on demand (refreshNow), so an admission answer never
 * waits on a DNS API. Readers always get the last complete index; a failed refresh keeps it.
 */
import type { Logger } from '../core/log.js';
import type { OwnershipIndex } from '../core/ownership.js';
import type { OwnershipState } from './admit.js';

export interface OwnershipCacheOptions {
  /** Reads a fresh index (registry.snapshot() → OwnershipIndex). */
  load: () => Promise<OwnershipIndex>;
  refreshMs: number;
  maxAgeMs: number;
  logger: Logger;
  provider?: string;
  now?: () => number;
  onRefresh?: (ok: boolean, index?: OwnershipIndex) => void;
}

export class OwnershipCache {
  private index?: OwnershipIndex;
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

  private async loadOnce(): Promise<boolean> {
    const started = this.now();
    try {
      const index = await this.opts.load();
      if (this.closed) return false;
      this.index = index;
      this.lastError = undefined;
      for (const f of this.loadWaiters.splice(0)) f();
      this.opts.logger.debug({ provider: this.opts.provider, names: index.size, ms: this.now() - started }, 'ownership refreshed');
      this.opts.onRefresh?.(true, index);
      return true;
    } catch (e) {
      this.lastError = (e as Error)?.message ?? String(e);
      this.opts.logger.warn({ provider: this.opts.provider, err: this.lastError, ageSeconds: this.ageMs() / 1000 }, 'ownership refresh failed');
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
    return this.index ? Math.max(0, this.now() - this.index.loadedAt) : Infinity;
  }

  state(): OwnershipState {
    const ageMs = this.ageMs();
    return { state: ageMs > this.opts.maxAgeMs ? 'stale' : 'fresh', ageMs, maxAgeMs: this.opts.maxAgeMs, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const f of this.loadWaiters.splice(0)) f();
  }
}
