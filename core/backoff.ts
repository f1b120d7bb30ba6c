/** Retry with full-jitter exponential backoff: provider calls, the reconciler loop, Kubernetes watches. */
import { ProviderError, StoppedError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Decides whether an error is worth retrying; default: ProviderError.retryable. */
  retryable?: (err: unknown) => boolean;
  /** Stopping (SIGTERM): a backoff ends at once and no further attempt is made (StoppedError). */
  signal?: AbortSignal;
}

/** Waits ms, or less when `signal` aborts first. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Full-jitter backoff: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(max, base * 2 ** attempt);
  return Math.floor(random() * cap);
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 10_000;
  const isRetryable = opts.retryable ?? ((e: unknown) => e instanceof ProviderError && e.retryable);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= attempts || !isRetryable(err)) throw err;
      if (opts.signal?.aborted) throw stopped(err);
      const delay = backoffDelay(attempt, base, max, opts.random);
      opts.onRetry?.(err, attempt + 1, delay);
      await (opts.sleep ?? sleep)(delay, opts.signal);
      if (opts.signal?.aborted) throw stopped(err);
    }
  }
}

const stopped = (err: unknown) =>
  new StoppedError(`stopping: not retried after ${(err as Error)?.message ?? String(err)}`, err);
