/**
 * The control loop (external-dns's controller): on a watch event (debounced by
 * --min-event-sync-interval) and every --interval, one sync:
 *   registry snapshot and zones → core planSync() (the one planning path `zoneguard plan` uses:
 *   rules in admission order, fail-safe keeps, zone selection, conflicts, deletion guard) →
 *   registry.applyChanges() → Events and DNSEndpoint status.
 * Deletes past the deletion guard's limits are held back (creates and updates still go) until an
 * operator releases them; /readyz reports the hold.
 * A sync with nothing to change makes no provider write. A failed sync (provider unreachable,
 * REFUSED, bad TSIG, a bug) is logged with a metric and retried after a capped exponential backoff
 * with full jitter (core backoffDelay); the loop never exits on its own.
 */
import { endpointKey, LabelKey, describeEndpoint, type Endpoint } from '../core/model/endpoint.js';
import type { DomainFilter } from '../core/domain-filter.js';
import type { ExtractContext } from '../core/hostnames/common.js';
import type { Logger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import { resourceLabel } from '../core/kinds.js';
import type { Policy } from '../core/plan.js';
import { planSync, releaseHold, type SyncPlan } from '../core/sync-plan.js';
import {
  describeHold,
  type DeletionGuardSettings,
  type DeletionHold,
  type DeletionRelease,
} from '../core/deletion-guard.js';
import { describeConflict } from '../core/report.js';
import { backoffDelay } from '../core/backoff.js';
import { changeCount, type Changes } from '../core/model/changes.js';
import type { Registry } from '../core/registry/registry.js';
import type { RegistrySnapshot } from '../core/registry/registry.js';
import { formatViolation, violationList, type RuleContext } from '../core/rules/index.js';
import type { ObjectFilter } from '../core/setup.js';
import { ProviderError, StoppedError } from '../core/errors.js';
import { describeObject, type DesiredState, type ObjectOutcome } from '../core/desired.js';
import type { ReconcilerMetrics } from './metrics.js';
import type { Source } from '../core/model/source.js';
import { EVENT_REASONS, type Feedback } from '../kube/events.js';
import { systemLookup, withResolvedHostnames, type HostLookup } from './resolve-lb.js';

export interface ReconcilerOptions {
  registry: Registry;
  sources: readonly Source[];
  /** Rules' context (ownership and claims are filled in per sync). */
  ruleCtx: RuleContext;
  /**
   * The ZonePolicies in force for a sync, from the objects the sources hold (the cluster's
   * Namespaces and ZonePolicies, or those among the manifests): names a namespace is not delegated
   * are never published, even when the webhook let them through (failurePolicy: Ignore).
   */
  zonePolicies?: (objects: readonly KubeObject[]) => RuleContext['zonePolicies'];
  extractCtx: ExtractContext;
  /** Resolves LoadBalancer hostnames under --resolve-service-load-balancer-hostname (default: the system resolver). */
  lookup?: HostLookup;
  filter?: ObjectFilter;
  policy: Policy;
  managedRecordTypes: readonly string[];
  domainFilter?: DomainFilter;
  logger: Logger;
  metrics?: ReconcilerMetrics;
  /** Events and DNSEndpoint status for objects of live sources. */
  feedback?: Feedback;
  /** Full resync period (default 60 s). */
  intervalMs?: number;
  /** Least time between the start of two syncs caused by watch events (default 1 s). */
  minEventSyncIntervalMs?: number;
  /** Sync on watch events (default true); false: only every interval. */
  events?: boolean;
  /** Compute and report the plan, apply nothing, write nothing to Kubernetes. */
  dryRun?: boolean;
  /** Called with every plan (dry-run prints it). */
  onPlan?: (result: SyncPlan) => void;
  /** The deletion guard's limits (undefined: no guard). */
  guard?: DeletionGuardSettings;
  /** Who may release a hold (--release-deletions, the Lease annotation). */
  release?: DeletionRelease;
  /** The object a hold's Event is about (the reconciler's Lease). */
  holdEventObject?: KubeObject;
  /** Called after changes were applied (an in-process webhook refreshes its ownership index). */
  onWrite?: (applied: Changes) => void | Promise<void>;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Injected in tests. */
  random?: () => number;
  /**
   * The background audit (--policy-reports-interval): after a sync, at most once per intervalMs,
   * every object's verdict (and the ZonePolicies among the objects) is handed to `write`, which
   * writes the PolicyReports. A failure is logged and retried at the next sync; it never fails one.
   */
  audit?: {
    intervalMs: number;
    write: (objects: readonly KubeObject[], outcomes: readonly ObjectOutcome[]) => Promise<void>;
  };
}

export interface SyncResult {
  ok: boolean;
  /** What was applied, TXT ownership records included (empty when nothing changed or dry-run). */
  applied: Changes;
  plan?: SyncPlan;
  desired?: DesiredState;
  error?: unknown;
  durationMs: number;
}

const emptyChanges = (): Changes => ({ create: [], updateOld: [], updateNew: [], delete: [] });

/** Which step of a sync failed: the provider error metric's `kind`. */
class SyncStepError extends Error {
  constructor(
    readonly step: 'records' | 'apply',
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

export class Reconciler {
  private readonly o: ReconcilerOptions;
  private active = false;
  private timer?: NodeJS.Timeout;
  private nextAt = Infinity;
  private running?: Promise<SyncResult>;
  /**
   * Aborted by stop(): the sync in flight sends no further batch and waits out no backoff (a
   * batch already sent is finished), so SIGTERM is not held by a throttled or unreachable provider.
   */
  private stopping = new AbortController();
  private lastStart = -Infinity;
  private backoffUntil = 0;
  private failures = 0;
  private dirty = false;
  private readonly syncListeners: ((r: SyncResult) => void)[] = [];
  private lastOk?: boolean;
  private lastError?: string;
  private hold?: DeletionHold;

  constructor(opts: ReconcilerOptions) {
    this.o = opts;
    for (const s of opts.sources) s.onChange((why) => this.trigger(why));
  }

  private get interval(): number {
    return this.o.intervalMs ?? 60_000;
  }
  private get minEvent(): number {
    return this.o.minEventSyncIntervalMs ?? 1000;
  }

  /** Registers a listener for every finished sync (tests wait on it instead of sleeping). */
  onSync(fn: (r: SyncResult) => void): () => void {
    this.syncListeners.push(fn);
    return () => {
      const i = this.syncListeners.indexOf(fn);
      if (i >= 0) this.syncListeners.splice(i, 1);
    };
  }

  /** Starts syncing: now, then on events and every interval. Sources must have been started. */
  start(): void {
    if (this.active) return;
    this.active = true;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.o.metrics?.leader.set(1);
    this.schedule(Date.now());
  }

  /**
   * Stops scheduling syncs and waits for one in flight, which finishes the provider batch it is
   * sending but starts no other and does not wait out a backoff (the next sync sends the rest).
   */
  async stop(): Promise<void> {
    this.active = false;
    this.stopping.abort();
    this.o.metrics?.leader.set(0);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = Infinity;
    if (this.running) await this.running;
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * What /readyz answers: ready once a sync succeeded and no deletion is held back; a standby
   * replica (not leading) is ready. Not ready names the hold or the last failure.
   */
  readiness(): { ready: boolean; message: string } {
    if (!this.active) return { ready: true, message: 'standby: not leading' };
    if (this.hold) return { ready: false, message: `deletion guard: ${describeHold(this.hold)}` };
    if (this.lastOk === undefined) return { ready: false, message: 'no sync finished yet' };
    if (!this.lastOk) return { ready: false, message: `last sync failed: ${this.lastError ?? ''}` };
    return { ready: true, message: 'ok' };
  }

  /** The hold of the last sync, if its deletes were held back. */
  get heldDeletions(): DeletionHold | undefined {
    return this.hold;
  }

  /** A watched object changed: sync soon (not before min-event-sync-interval since the last start, nor during backoff). */
  trigger(why: string): void {
    if (!this.active || this.o.events === false) return;
    this.o.logger.debug({ why }, 'change observed');
    if (this.running) {
      // the sync in flight may have read the objects before this change: sync again after it
      this.dirty = true;
      void this.running.then(() => this.trigger(why));
      return;
    }
    this.schedule(Math.max(Date.now(), this.lastStart + this.minEvent, this.backoffUntil));
  }

  private schedule(at: number): void {
    if (!this.active) return;
    if (this.timer && this.nextAt <= at) return;
    clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, at - Date.now()));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.nextAt = Infinity;
    if (!this.active) return;
    if (this.running) {
      // a sync started outside the schedule (sync() called directly): run again after it
      void this.running.then(() => this.schedule(Math.max(Date.now(), this.lastStart + this.minEvent)));
      return;
    }
    this.dirty = false;
    this.lastStart = Date.now();
    const r = await this.sync();
    const now = Date.now();
    let next: number;
    if (r.ok) {
      this.failures = 0;
      this.backoffUntil = 0;
      next = now + this.interval;
      if (this.dirty) next = Math.min(next, Math.max(now, this.lastStart + this.minEvent));
    } else {
      const delay = Math.max(
        this.minEvent,
        backoffDelay(
          this.failures++,
          this.o.retryBaseDelayMs ?? 1000,
          this.o.retryMaxDelayMs ?? 60_000,
          this.o.random,
        ),
      );
      this.backoffUntil = now + delay;
      next = this.backoffUntil;
      this.o.logger.info({ retryInMs: delay, failures: this.failures }, 'sync will be retried');
    }
    this.dirty = false;
    this.schedule(next);
  }

  /** One sync now (also used by --once and tests). Never throws: failures are in the result. */
  sync(): Promise<SyncResult> {
    if (this.running) return this.running;
    const p = this.doSync().finally(() => {
      this.running = undefined;
    });
    this.running = p;
    return p;
  }

  private async doSync(): Promise<SyncResult> {
    const started = process.hrtime.bigint();
    const m = this.o.metrics;
    const endTimer = m?.syncDuration.startTimer();
    const result: SyncResult = { ok: false, applied: emptyChanges(), durationMs: 0 };
    try {
      await this.runSync(result);
      result.ok = true;
      this.lastOk = true;
      m?.syncs.inc({ result: this.o.dryRun ? 'dry-run' : 'success' });
      m?.lastSyncTimestamp.set(Date.now() / 1000);
    } catch (e) {
      result.error = e instanceof SyncStepError ? e.cause : e;
      this.lastOk = false;
      this.lastError = (result.error as Error)?.message ?? String(result.error);
      m?.syncs.inc({ result: 'failure' });
      this.report(e);
    } finally {
      endTimer?.();
      result.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    }
    for (const l of [...this.syncListeners]) l(result);
    return result;
  }

  private report(e: unknown): void {
    const provider = this.o.registry.provider.name;
    if (e instanceof SyncStepError && e.cause instanceof StoppedError) {
      // not a provider failure: this replica is stopping and leaves the rest to the next sync
      this.o.logger.info({ provider, err: e.cause.message }, 'sync stopped before all changes were sent');
      return;
    }
    if (e instanceof SyncStepError) {
      const cause = e.cause;
      this.o.metrics?.providerErrors.inc({ provider, kind: e.step });
      this.o.logger.error(
        {
          provider,
          kind: e.step,
          retryable: cause instanceof ProviderError ? cause.retryable : undefined,
          err: (cause as Error)?.message ?? String(cause),
          failures: this.failures + 1,
        },
        'provider error',
      );
    } else {
      this.o.logger.error(
        { err: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack },
        'sync failed',
      );
    }
  }

  private async runSync(result: SyncResult): Promise<void> {
    const o = this.o;
    for (const s of o.sources) await s.refresh?.();
    let snapshot: RegistrySnapshot;
    let zones;
    try {
      snapshot = await o.registry.snapshot();
      zones = await o.registry.provider.zones();
    } catch (e) {
      throw new SyncStepError('records', e);
    }
    const objects: KubeObject[] = [];
    const live = new Set<KubeObject>();
    for (const s of o.sources) {
      for (const obj of s.objects()) {
        objects.push(obj);
        if (s.live) live.add(obj);
      }
    }
    const extractCtx = await withResolvedHostnames(o.extractCtx, objects, o.lookup ?? systemLookup, o.logger);
    let planned = planSync({
      objects,
      live,
      snapshot,
      zones,
      ruleCtx: o.zonePolicies ? { ...o.ruleCtx, zonePolicies: o.zonePolicies(objects) } : o.ruleCtx,
      extractCtx,
      filter: o.filter,
      ownerId: o.registry.ownerId,
      policy: o.policy,
      managedRecordTypes: o.managedRecordTypes,
      domainFilter: o.domainFilter,
      adjust: o.registry.provider.adjustEndpoints?.bind(o.registry.provider),
      guard: o.guard,
    });
    // an operator's release is asked for only when there is a hold, and only when it would be used
    let released = false;
    if (planned.hold && o.release && (await o.release.approves(planned.hold))) {
      planned = releaseHold(planned);
      released = true;
    }
    const desired = planned.desired;
    result.desired = desired;
    result.plan = planned;
    o.onPlan?.(planned);
    this.reportDesired(desired, planned);
    this.reportHold(planned.hold);
    if (o.dryRun) return;

    if (changeCount(planned.changes) > 0) {
      let applied: Changes;
      try {
        applied = await o.registry.applyChanges(planned.changes, { signal: this.stopping.signal });
      } catch (e) {
        throw new SyncStepError('apply', e);
      }
      result.applied = applied;
      this.countApplied(applied);
      // what the provider accepted: the records of the change set the registry sent, TXT excluded
      const records = (eps: readonly Endpoint[]) =>
        eps.filter((ep) => ep.labels[LabelKey.ownedRecord] === undefined).length;
      o.logger.info(
        {
          create: records(applied.create),
          update: records(applied.updateNew),
          delete: records(applied.delete),
          owner: o.registry.ownerId,
        },
        'changes applied',
      );
      if (released && planned.hold) {
        o.logger.warn(
          { count: planned.hold.count, by: o.release?.name, owner: o.registry.ownerId },
          'held deletions released and applied',
        );
        await o.release?.consumed(planned.hold);
      }
      try {
        await o.onWrite?.(applied);
      } catch (e) {
        o.logger.warn({ err: (e as Error).message }, 'onWrite hook failed');
      }
    }
    this.countManaged(snapshot.records, planned.changes);
    if (o.feedback) await this.tellKubernetes(desired, planned, live);
    if (o.audit && Date.now() - this.lastAudit >= o.audit.intervalMs) {
      this.lastAudit = Date.now();
      try {
        await o.audit.write(objects, desired.outcomes);
      } catch (e) {
        o.logger.warn(
          { err: (e as Error).message },
          'policy reports not written; retried after the next sync',
        );
        this.lastAudit = 0;
      }
    }
  }

  private lastAudit = 0;

  /** Log line, metrics and Event for a hold (or their clearing when there is none). */
  private reportHold(hold: DeletionHold | undefined): void {
    const m = this.o.metrics;
    const held = hold && !hold.released ? hold : undefined;
    this.hold = held;
    if (m) {
      m.deletionsHeld.set(held?.count ?? 0);
      m.deletionsHeldGroups.reset();
      if (held) {
        for (const [zone, n] of held.byZone) m.deletionsHeldGroups.set({ group: 'zone', name: zone }, n);
        for (const [res, n] of held.byResource)
          m.deletionsHeldGroups.set({ group: 'resource', name: res }, n);
      }
    }
    if (!held) return;
    this.o.logger.warn(
      {
        count: held.count,
        owned: held.owned,
        limit: held.limit,
        byZone: Object.fromEntries(held.byZone),
        byResource: Object.fromEntries(held.byResource),
        owner: this.o.registry.ownerId,
        release: this.o.release?.name ?? '--release-deletions',
      },
      'deletions held back',
    );
  }

  private countApplied(c: Changes): void {
    const m = this.o.metrics;
    if (!m) return;
    for (const ep of c.create) m.changesApplied.inc({ change: 'create', record_type: ep.recordType });
    for (const ep of c.updateNew) m.changesApplied.inc({ change: 'update', record_type: ep.recordType });
    for (const ep of c.delete) m.changesApplied.inc({ change: 'delete', record_type: ep.recordType });
  }

  private countManaged(current: readonly Endpoint[], c: Changes): void {
    const m = this.o.metrics;
    if (!m) return;
    const owned = new Map<string, Endpoint>();
    for (const ep of current)
      if (ep.labels[LabelKey.owner] === this.o.registry.ownerId) owned.set(endpointKey(ep), ep);
    for (const ep of [...c.delete, ...c.updateOld]) owned.delete(endpointKey(ep));
    for (const ep of [...c.create, ...c.updateNew]) owned.set(endpointKey(ep), ep);
    const byType = new Map<string, number>();
    for (const t of this.o.managedRecordTypes) byType.set(t, 0);
    for (const ep of owned.values()) byType.set(ep.recordType, (byType.get(ep.recordType) ?? 0) + 1);
    m.recordsManaged.reset();
    for (const [t, n] of byType) m.recordsManaged.set({ record_type: t }, n);
  }

  /** Logs rejections and conflicts (first time at warn, then debug) and sets their gauges. */
  private reportDesired(desired: DesiredState, planned: SyncPlan): void {
    const m = this.o.metrics;
    const byRule = new Map<string, number>();
    for (const out of desired.outcomes) {
      const generation = out.obj.metadata?.generation ?? out.obj.metadata?.resourceVersion ?? '';
      if (out.outcome === 'published') {
        // findings on names the object already published: not denied, what is published stays (fail safe)
        for (const w of out.verdict.warnings) {
          const key = `${keyOf(out.obj)}|${generation}|${w}`;
          const first = !this.logged.has(key);
          this.logged.add(key);
          this.o.logger[first ? 'warn' : 'debug'](
            { object: describeObject(out.obj), warning: w },
            'object warning',
          );
        }
        continue;
      }
      if (out.outcome !== 'rejected') continue;
      const kept = out.endpoints.map(describeEndpoint);
      for (const v of out.verdict.violations) {
        byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
        const key = `${keyOf(out.obj)}|${out.obj.metadata?.generation ?? out.obj.metadata?.resourceVersion ?? ''}|${formatViolation(v)}`;
        const first = !this.logged.has(key);
        this.logged.add(key);
        this.o.logger[first ? 'warn' : 'debug'](
          {
            hostname: v.hostname,
            rule: v.rule,
            object: describeObject(out.obj),
            reason: v.message,
            fix: v.fix,
            ...(kept.length ? { kept } : {}),
          },
          'object skipped',
        );
      }
    }
    if (this.logged.size > 50_000) this.logged.clear();
    if (m) {
      m.objectsRejected.reset();
      for (const [rule, n] of byRule) m.objectsRejected.set({ rule }, n);
      m.conflicts.reset();
      const byReason = new Map<string, number>();
      for (const c of planned.conflicts) byReason.set(c.reason, (byReason.get(c.reason) ?? 0) + 1);
      for (const [reason, n] of byReason) m.conflicts.set({ reason }, n);
    }
    for (const c of planned.conflicts) {
      this.o.logger.debug(
        {
          hostname: c.dnsName,
          recordType: c.recordType,
          reason: c.reason,
          owner: c.owner,
          resource: c.desired.labels[LabelKey.resource],
        },
        'record held back',
      );
    }
  }

  private readonly logged = new Set<string>();

  /** Events on the objects whose records changed or were refused, and DNSEndpoint status. */
  private async tellKubernetes(
    desired: DesiredState,
    planned: SyncPlan,
    live: Set<KubeObject>,
  ): Promise<void> {
    const fb = this.o.feedback!;
    const byResource = new Map<string, KubeObject>();
    for (const out of desired.outcomes)
      if (live.has(out.obj)) byResource.set(resourceLabel(out.obj), out.obj);
    const objOf = (ep: Endpoint) => byResource.get(ep.labels[LabelKey.resource] ?? '');
    const c = planned.changes;
    const sends: Promise<void>[] = [];
    for (const ep of c.create) {
      const obj = objOf(ep);
      if (obj)
        sends.push(
          fb.event(
            obj,
            'Normal',
            EVENT_REASONS.published,
            `published ${ep.dnsName} ${ep.recordType} ${ep.targets.join(',')}`,
            false,
          ),
        );
    }
    c.updateNew.forEach((ep, i) => {
      const obj = objOf(ep) ?? objOf(c.updateOld[i]);
      if (obj)
        sends.push(
          fb.event(
            obj,
            'Normal',
            EVENT_REASONS.updated,
            `updated ${ep.dnsName} ${ep.recordType} ${ep.targets.join(',')} (was ${c.updateOld[i].targets.join(',')})`,
            false,
          ),
        );
    });
    for (const ep of c.delete) {
      const obj = objOf(ep);
      if (obj)
        sends.push(
          fb.event(obj, 'Normal', EVENT_REASONS.deleted, `deleted ${ep.dnsName} ${ep.recordType}`, false),
        );
    }
    const conflictsOf = new Map<string, string[]>();
    for (const k of planned.conflicts) {
      const res = k.desired.labels[LabelKey.resource] ?? '';
      const why = describeConflict(k);
      const list = conflictsOf.get(res) ?? [];
      list.push(`${k.dnsName} ${k.recordType} ${why}`);
      conflictsOf.set(res, list);
    }
    for (const out of desired.outcomes) {
      if (!live.has(out.obj)) continue;
      const isDnsEndpoint = out.obj.kind === 'DNSEndpoint';
      if (out.outcome === 'rejected') {
        // bounded as the webhook's denial: ten listed, then "and K more"
        const msg = violationList(out.verdict.violations);
        sends.push(fb.event(out.obj, 'Warning', EVENT_REASONS.rejected, `not published: ${msg}`));
        if (isDnsEndpoint)
          sends.push(fb.status(out.obj, { status: 'False', reason: 'Rejected', message: msg }));
        continue;
      }
      if (out.outcome !== 'published') continue;
      const conflicts = conflictsOf.get(out.extraction.resource);
      if (conflicts) {
        sends.push(
          fb.event(out.obj, 'Warning', EVENT_REASONS.conflict, `not published: ${conflicts.join('; ')}`),
        );
        if (isDnsEndpoint)
          sends.push(
            fb.status(out.obj, { status: 'False', reason: 'Conflict', message: conflicts.join('; ') }),
          );
      } else if (isDnsEndpoint) {
        const n = out.endpoints.length;
        sends.push(
          fb.status(out.obj, {
            status: 'True',
            reason: 'Published',
            message:
              n === 1
                ? `1 record published: ${describeEndpoint(out.endpoints[0])}`
                : `${n} records published`,
          }),
        );
      }
    }
    const hold = planned.hold;
    const lease = this.o.holdEventObject;
    if (hold && lease)
      sends.push(
        hold.released
          ? fb.event(lease, 'Normal', EVENT_REASONS.deletionsReleased, describeHold(hold), false)
          : fb.event(
              lease,
              'Warning',
              EVENT_REASONS.deletionsHeld,
              `${describeHold(hold)}; release: ${this.o.release?.name ?? '--release-deletions'} = ${hold.count}`,
            ),
      );
    await Promise.all(sends);
    fb.retain([...desired.outcomes.map((x) => x.obj), ...(lease ? [lease] : [])]);
  }
}

function keyOf(obj: KubeObject): string {
  return `${obj.apiVersion}|${obj.kind}|${obj.metadata?.namespace ?? ''}|${obj.metadata?.name ?? ''}`;
}
