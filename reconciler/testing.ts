/**
 * Real parts for tests of the reconciler and of code that embeds it: a source holding objects in
 * memory, a feedback sink that records what it would tell Kubernetes, and a provider wrapper that
 * can be switched to failing (an unreachable DNS server, as the loop sees it).
 */
import type { Endpoint } from '../core/model/endpoint.js';
import { ProviderError } from '../core/errors.js';
import type { KubeObject } from '../core/model/objects.js';
import type { ApplyOptions, Provider, Zone } from '../core/providers/provider.js';
import type { Changes } from '../core/model/changes.js';
import type { Source } from '../core/model/source.js';
import type { DnsEndpointStatus, EventType, FeedbackSink } from '../kube/events.js';

/** Objects set by the test; every set() is a change. */
export class StaticSource implements Source {
  readonly name = 'static';
  private items: KubeObject[];
  private readonly listeners: ((why: string) => void)[] = [];
  constructor(
    objects: KubeObject[] = [],
    readonly live = true,
  ) {
    this.items = objects;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  objects(): KubeObject[] {
    return this.items;
  }
  set(objects: KubeObject[]): void {
    this.items = objects;
    for (const l of this.listeners) l('objects set');
  }
  onChange(fn: (why: string) => void): void {
    this.listeners.push(fn);
  }
}

export interface RecordedEvent {
  object: string;
  type: EventType;
  reason: string;
  message: string;
}

export class RecordingSink implements FeedbackSink {
  readonly events: RecordedEvent[] = [];
  readonly statuses: { object: string; status: DnsEndpointStatus }[] = [];
  async event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    this.events.push({
      object: `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`,
      type,
      reason,
      message,
    });
  }
  async status(obj: KubeObject, status: DnsEndpointStatus): Promise<void> {
    this.statuses.push({
      object: `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`,
      status,
    });
  }
}

/** Delegates to a real provider; while `down`, every call fails like an unreachable server. */
export class SwitchableProvider implements Provider {
  down = false;
  calls = { records: 0, apply: 0 };
  constructor(readonly inner: Provider) {}
  get name(): string {
    return this.inner.name;
  }
  private check(): void {
    if (this.down) throw new ProviderError(this.inner.name, 'connect ECONNREFUSED 127.0.0.1:53', true);
  }
  async zones(): Promise<Zone[]> {
    this.check();
    return this.inner.zones();
  }
  async records(): Promise<Endpoint[]> {
    this.calls.records++;
    this.check();
    return this.inner.records();
  }
  async applyChanges(changes: Changes, apply?: ApplyOptions): Promise<void> {
    this.calls.apply++;
    this.check();
    return this.inner.applyChanges(changes, apply);
  }
}
