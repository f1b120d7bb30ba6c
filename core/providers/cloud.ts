/**
 * What the cloud providers (aws, google, azure, cloudflare) share beside the interface: zone
 * selection by domain / zone-id / zone-name filter, applying batches one by one with retry and an
 * interval, RFC 1035 TXT quoting, and the flags common to them.
 */
import type { DomainFilter } from '../domain-filter.js';
import { ProviderError, StoppedError } from '../errors.js';
import type { Logger } from '../log.js';
import { BatchPacer, flattenChanges, type Change } from './batch.js';
import { withRetry, type RetryOptions } from '../backoff.js';
import { zoneFor, type Zone } from './provider.js';
import { type Changes } from '../model/changes.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface ZoneFilterSettings {
  readonly zoneIdFilter: string[];
  readonly zoneNameFilter: string[];
}

export interface CloudSettings extends ZoneFilterSettings {
  readonly batchChangeInterval?: number;
  readonly batchChangeSize?: number;
  readonly providerCacheTime: number;
}

export interface ZoneSelection {
  domainFilter?: DomainFilter;
  /** --zone-id-filter: a zone is kept when one of its ids ends with one of these. */
  zoneIds?: readonly string[];
  /** --zone-name-filter: a zone is kept when its apex is one of these. */
  zoneNames?: readonly string[];
  /**
   * Whether a zone that is a parent of a filter (example.com for --domain-filter=app.example.com) is
   * kept. Route 53 keeps one only with --aws-zone-match-parent (external-dns provider/aws/aws.go);
   * undefined: kept (the other providers).
   */
  matchParent?: boolean;
}

export function zoneSelectionFrom(cfg: ZoneFilterSettings, domainFilter?: DomainFilter): ZoneSelection {
  return {
    domainFilter,
    zoneIds: cfg.zoneIdFilter,
    zoneNames: cfg.zoneNameFilter.map(normalizeZoneName),
  };
}

function normalizeZoneName(n: string): string {
  const t = n.trim().toLowerCase();
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

/**
 * Applies the filters as external-dns does: the domain filter matches the apex or a parent of a
 * filter; the zone-id filter matches by suffix (Route 53 ids come as /hostedzone/ID); an empty
 * filter lets everything through. `ids` are all the identifiers a zone is known by.
 */
export function selectZone(sel: ZoneSelection, zone: Zone, ids: readonly string[] = [zone.id]): boolean {
  if (sel.domainFilter) {
    const ok =
      sel.matchParent === false ? sel.domainFilter.match(zone.name) : sel.domainFilter.matchZone(zone.name);
    if (!ok) return false;
  }
  if (sel.zoneIds?.length && !sel.zoneIds.some((f) => ids.some((id) => id === f || id.endsWith(f))))
    return false;
  if (sel.zoneNames?.length && !sel.zoneNames.includes(zone.name)) return false;
  return true;
}

export interface BatchRunOptions {
  retry?: RetryOptions;
  /** Paces the batches (--batch-change-interval); the provider's own, so that it spans zones and runs. */
  pacer?: BatchPacer;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger?: Logger;
  provider: string;
  /**
   * Stopping (the reconciler on SIGTERM): no batch starts after it aborts and a backoff ends at
   * once (StoppedError); a batch in flight is finished, so nothing is left half-written.
   */
  signal?: AbortSignal;
}

/**
 * Sends batches in order, each with jittered retry on retryable errors, so that a throttled run
 * resumes at the batch where it stopped rather than from the start. Returns how many were sent.
 */
export async function sendBatches<B>(
  batches: readonly B[],
  send: (batch: B, index: number) => Promise<void>,
  opts: BatchRunOptions,
): Promise<number> {
  const pacer = opts.pacer ?? new BatchPacer(0);
  for (let i = 0; i < batches.length; i++) {
    await pacer.ready(opts.signal);
    if (opts.signal?.aborted)
      throw new StoppedError(`stopping: ${batches.length - i} of ${batches.length} batches not sent`);
    try {
      await sendOne(i);
    } finally {
      pacer.ended();
    }
  }
  return batches.length;

  function sendOne(i: number): Promise<void> {
    return withRetry(() => send(batches[i], i), {
      ...opts.retry,
      sleep: opts.retry?.sleep ?? opts.sleep,
      signal: opts.signal,
      onRetry: (err, attempt, delayMs) => {
        opts.logger?.warn(
          {
            provider: opts.provider,
            batch: i + 1,
            batches: batches.length,
            attempt,
            delayMs,
            err: (err as Error).message,
          },
          'provider throttled, backing off',
        );
        opts.retry?.onRetry?.(err, attempt, delayMs);
      },
    });
  }
}

/**
 * For APIs without batches (Azure's one call per record set): sends each item with the same
 * jittered retry as a batch, at most `limit` at a time. After a failure that retries cannot cure,
 * nothing new starts; the calls in flight finish and the first error is thrown. Returns the count.
 */
export async function sendConcurrently<T>(
  items: readonly T[],
  send: (item: T) => Promise<void>,
  opts: BatchRunOptions & { limit: number },
): Promise<number> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      if (opts.signal?.aborted) {
        failed ??= new StoppedError(`stopping: ${items.length - next} of ${items.length} changes not sent`);
        break;
      }
      const item = items[next++];
      try {
        await withRetry(() => send(item), {
          ...opts.retry,
          sleep: opts.retry?.sleep ?? opts.sleep,
          signal: opts.signal,
          onRetry: (err, attempt, delayMs) => {
            opts.logger?.warn(
              { provider: opts.provider, attempt, delayMs, err: (err as Error).message },
              'provider throttled, backing off',
            );
            opts.retry?.onRetry?.(err, attempt, delayMs);
          },
        });
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return items.length;
}

/**
 * One API call (a list, a read) with the same jittered retry as a batch; `toError` turns what the
 * SDK threw into a ProviderError that says whether it is worth retrying.
 */
export async function callWithRetry<T>(
  what: string,
  fn: () => Promise<T>,
  toError: (what: string, err: unknown) => ProviderError,
  opts: BatchRunOptions,
): Promise<T> {
  let result: T | undefined;
  // a read is not a change batch: never paced
  await sendBatches(
    [0],
    async () => {
      try {
        result = await fn();
      } catch (e) {
        throw toError(what, e);
      }
    },
    { ...opts, pacer: undefined },
  );
  return result as T;
}

/**
 * A change set cut by zone (the most specific zone of each name), in apply order; changes whose
 * name is in no zone are left out and logged, as external-dns's cloud providers do.
 */
export function changesByZone<Z extends Zone>(
  zones: readonly Z[],
  changes: Changes,
  opts: { provider: string; logger?: Logger },
): Map<Z, Change[]> {
  const byZone = new Map<Z, Change[]>();
  for (const ch of flattenChanges(changes)) {
    const zone = zoneFor(zones, ch.record.dnsName);
    if (!zone) {
      opts.logger?.warn(
        { provider: opts.provider, hostname: ch.record.dnsName },
        'no zone for record, skipped',
      );
      continue;
    }
    const list = byZone.get(zone);
    if (list) list.push(ch);
    else byZone.set(zone, [ch]);
  }
  return byZone;
}

/** --batch-change-interval of the cloud providers when not given: external-dns's 1s (aws, google, cloudflare). */
export const CLOUD_BATCH_INTERVAL_MS = 1000;

export function retryOptionsFrom(cfg: CloudSettings): { intervalMs: number; cacheMs: number } {
  return { intervalMs: cfg.batchChangeInterval ?? CLOUD_BATCH_INTERVAL_MS, cacheMs: cfg.providerCacheTime };
}

/** HTTP statuses worth retrying: throttling and server-side trouble. */
export function retryableStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

/** Wraps an SDK error in a ProviderError without leaking request headers or bodies. */
export function providerError(
  provider: string,
  what: string,
  err: unknown,
  retryable: boolean,
): ProviderError {
  const e = err as { message?: string; name?: string; code?: string | number };
  const detail = [e?.name && e.name !== 'Error' ? e.name : undefined, e?.message].filter(Boolean).join(': ');
  const status =
    (err as {
      $metadata?: { httpStatusCode?: number };
      status?: number;
      statusCode?: number;
      code?: number | string;
    }) ?? {};
  // the cause keeps what helps diagnose (name, status) and never the SDK's request (headers carry credentials)
  const cause = {
    name: e?.name,
    code: e?.code,
    status: status.$metadata?.httpStatusCode ?? status.status ?? status.statusCode,
  };
  return new ProviderError(provider, `${what}: ${redactSecrets(detail || String(err))}`, retryable, cause);
}

/** Drops anything that looks like a bearer token or key from a message meant for logs. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/((?:api[-_]?token|api[-_]?key|secret|password)["'=:\s]+)[^\s"',}]+/gi, '$1[redacted]');
}
