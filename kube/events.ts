/**
 * What the reconciler tells Kubernetes about the objects it read: Events on the source object
 * ("published app.example.com A 203.0.113.7", "DNSRecordRejected ...") and, on DNSEndpoints,
 * status.observedGeneration with a Ready condition. Writes are deduplicated (the same Event is not
 * sent again for the same object generation, an unchanged status is not written), so a steady
 * state writes nothing. A failed write is logged and never fails a sync.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';

export type EventType = 'Normal' | 'Warning';

export interface ReadyCondition {
  type: 'Ready';
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface DnsEndpointStatus {
  observedGeneration: number;
  conditions: ReadyCondition[];
}

/** Where Events and status go: the Kubernetes API, or (tests, files) anywhere else. */
export interface FeedbackSink {
  event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
  status(obj: KubeObject, status: DnsEndpointStatus): Promise<void>;
}

export const EVENT_REASONS = {
  published: 'DNSRecordPublished',
  updated: 'DNSRecordUpdated',
  deleted: 'DNSRecordDeleted',
  rejected: 'DNSRecordRejected',
  conflict: 'DNSRecordConflict',
  /** On the reconciler's Lease: the deletion guard held a sync's deletes back. */
  deletionsHeld: 'DNSDeletionsHeld',
  deletionsReleased: 'DNSDeletionsReleased',
} as const;

const COMPONENT = 'zoneguard-reconciler';

/** Events and status through @kubernetes/client-node (RBAC: events create, dnsendpoints/status patch). */
export function kubeFeedbackSink(kc: KubeConfig, identity: string): FeedbackSink {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    async event(obj, type, reason, message) {
      const ns = obj.metadata?.namespace || 'default';
      const now = new Date();
      await core.createNamespacedEvent({
        namespace: ns,
        body: {
          metadata: { generateName: `${obj.metadata?.name ?? 'object'}.`, namespace: ns },
          involvedObject: {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata?.name,
            namespace: obj.metadata?.namespace,
            uid: obj.metadata?.uid,
            resourceVersion: obj.metadata?.resourceVersion,
          },
          type,
          reason,
          // the API server caps messages at 1 KiB
          message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
          source: { component: COMPONENT },
          reportingComponent: `zoneguard.io/reconciler`,
          reportingInstance: identity,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    },
    async status(obj, status) {
      const [group, version] = String(obj.apiVersion).split('/');
      await custom.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          plural: 'dnsendpoints',
          namespace: obj.metadata?.namespace || 'default',
          name: String(obj.metadata?.name),
          body: { status },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
  };
}

function objectKey(obj: KubeObject): string {
  return obj.metadata?.uid ?? `${obj.kind}|${obj.metadata?.namespace ?? ''}|${obj.metadata?.name ?? ''}`;
}

function sameCondition(a: ReadyCondition | undefined, b: ReadyCondition): boolean {
  return (
    !!a &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration
  );
}

/** Deduplicates and sends Events and status; never throws. */
export class Feedback {
  /** object key → Events already sent for it (reason|message|generation). */
  private readonly sent = new Map<string, Set<string>>();
  /** object key → last status written. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly sink: FeedbackSink,
    private readonly logger: Logger,
    private readonly level: 'all' | 'warnings' | 'none' = 'all',
  ) {}

  /** Sends an Event unless this one was already sent for this generation of the object. */
  async event(obj: KubeObject, type: EventType, reason: string, message: string, once = true): Promise<void> {
    if (this.level === 'none' || (this.level === 'warnings' && type !== 'Warning')) return;
    const key = objectKey(obj);
    const id = `${reason}|${message}|${obj.metadata?.generation ?? obj.metadata?.resourceVersion ?? ''}`;
    let set = this.sent.get(key);
    if (once && set?.has(id)) return;
    try {
      await this.sink.event(obj, type, reason, message);
      if (!set) this.sent.set(key, (set = new Set()));
      set.add(id);
    } catch (e) {
      this.logger.warn(
        {
          object: `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`,
          reason,
          err: (e as Error).message,
        },
        'event write failed',
      );
    }
  }

  /** Writes a DNSEndpoint's status when it differs from what the object (or our last write) says. */
  async status(
    obj: KubeObject,
    ready: Omit<ReadyCondition, 'type' | 'lastTransitionTime' | 'observedGeneration'>,
  ): Promise<void> {
    const generation = obj.metadata?.generation ?? 0;
    const cond: ReadyCondition = { type: 'Ready', ...ready, observedGeneration: generation };
    const current = obj.status as { observedGeneration?: number; conditions?: ReadyCondition[] } | undefined;
    const had = current?.conditions?.find((c) => c.type === 'Ready');
    if (current?.observedGeneration === generation && sameCondition(had, cond)) return;
    const key = objectKey(obj);
    const fingerprint = JSON.stringify([generation, cond]);
    if (this.written.get(key) === fingerprint) return;
    cond.lastTransitionTime =
      had && had.status === cond.status && had.lastTransitionTime
        ? had.lastTransitionTime
        : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const others = (current?.conditions ?? []).filter((c) => c.type !== 'Ready');
    try {
      await this.sink.status(obj, { observedGeneration: generation, conditions: [...others, cond] });
      this.written.set(key, fingerprint);
    } catch (e) {
      this.logger.warn(
        {
          object: `DNSEndpoint ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`,
          err: (e as Error).message,
        },
        'status write failed',
      );
    }
  }

  /** Forgets objects that are gone (keeps memory bounded). */
  retain(objs: readonly KubeObject[]): void {
    const keep = new Set(objs.map(objectKey));
    for (const k of this.sent.keys()) if (!keep.has(k)) this.sent.delete(k);
    for (const k of this.written.keys()) if (!keep.has(k)) this.written.delete(k);
  }
}
