/**
 * Namespaces and ZonePolicies from the cluster (informers, list + watch), kept as the ZonePolicySet
 * the `zone-policy` rule reads. A change is picked up on the next request or sync, without a restart:
 * the set is rebuilt lazily on the first read after a change (each ZonePolicy compiled once per
 * change of it), so an initial list of many Namespaces costs one rebuild, not one per Namespace.
 * Without the ZonePolicy CRD installed the kind reads as empty (the rule stays off unless
 * --require-zone-policy); a ZonePolicy that does not compile is logged and fails closed.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import {
  compileZonePolicy,
  NAMESPACE_NAME_LABEL,
  ZonePolicySet,
  type CompiledZonePolicy,
} from '../core/policy/zone-policy.js';
import { KubernetesSource, type KindSpec, type ObjectEvent } from './watch.js';

export interface ZonePolicyWatchOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** --require-zone-policy */
  required: boolean;
  restartBaseDelayMs?: number;
  restartMaxDelayMs?: number;
}

export class ZonePolicyWatch {
  private readonly source: KubernetesSource;
  private readonly namespaces = new Map<string, Record<string, string>>();
  /** By policy name: the compiled policy, or the problems that keep it from compiling. */
  private readonly compiled = new Map<string, { policy?: CompiledZonePolicy; problems: string[] }>();
  private set: ZonePolicySet;
  private dirty = false;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly opts: ZonePolicyWatchOptions) {
    this.set = new ZonePolicySet([], { required: opts.required });
    this.source = new KubernetesSource({
      kubeConfig: opts.kubeConfig,
      sources: ['zone-policy'],
      logger: opts.logger,
      restartBaseDelayMs: opts.restartBaseDelayMs,
      restartMaxDelayMs: opts.restartMaxDelayMs,
    });
    this.source.onObject((event, obj, spec) => this.changed(event, obj, spec));
  }

  private changed(event: ObjectEvent, obj: KubeObject, spec: KindSpec): void {
    const name = String(obj.metadata?.name ?? '');
    if (spec.kind === 'Namespace') {
      if (event === 'delete') this.namespaces.delete(name);
      else this.namespaces.set(name, { ...(obj.metadata?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name });
    } else if (event === 'delete') {
      this.compiled.delete(name);
      this.opts.logger.info({ policy: name }, 'ZonePolicy deleted');
    } else {
      const { policy, problems } = compileZonePolicy(obj);
      const text = problems.map((p) => `${p.field} ${p.message}`);
      this.compiled.set(name, { ...(policy ? { policy } : {}), problems: text });
      if (policy)
        this.opts.logger.info({ policy: name, enforcement: policy.enforcement }, 'ZonePolicy in force');
      else
        this.opts.logger.warn(
          { policy: name, problems: text },
          'ZonePolicy is invalid: it allows nothing until fixed',
        );
    }
    this.dirty = true;
    for (const l of this.listeners) l();
  }

  /** The set in force now (rebuilt after a change, on first read). */
  current(): ZonePolicySet {
    if (this.dirty) {
      this.dirty = false;
      const valid: CompiledZonePolicy[] = [];
      const invalid: string[] = [];
      for (const [name, c] of this.compiled)
        if (c.policy) valid.push(c.policy);
        else invalid.push(name);
      const labels = this.namespaces;
      this.set = new ZonePolicySet(valid, {
        required: this.opts.required,
        invalid,
        namespaceLabels: (ns) => labels.get(ns),
      });
    }
    return this.set;
  }

  /** Policies that do not compile, with why (metrics, logs). */
  invalid(): { name: string; problems: string[] }[] {
    return [...this.compiled]
      .filter(([, c]) => !c.policy)
      .map(([name, c]) => ({ name, problems: c.problems }));
  }

  /** Called after any Namespace or ZonePolicy change (the reconciler resyncs). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  get synced(): boolean {
    return this.source.synced;
  }

  /** Readiness reasons ("ZonePolicy not listed yet: HTTP 403"). */
  pending(): string[] {
    return this.source.pendingKinds.map((p) => `${p.kind} not listed yet${p.error ? `: ${p.error}` : ''}`);
  }

  start(): Promise<void> {
    return this.source.start();
  }

  stop(): Promise<void> {
    return this.source.stop();
  }
}
