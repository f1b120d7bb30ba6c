/**
 * A source of Kubernetes objects for the reconciler (external-dns's source.Source, one step
 * earlier): it keeps the objects it reads and says when they change. Endpoints are not made here:
 * the loop turns every source's objects into records in one pass (reconciler/desired.ts), so that
 * the rules see all objects together, as the webhook sees the cluster.
 */
import type { KubeObject } from './objects.js';

export interface Source {
  /** For logs: "kubernetes", "files". */
  readonly name: string;
  /** Reads everything once; resolves when the first full read is done. */
  start(): Promise<void>;
  /** The objects now known (Gateways included, for HTTPRoute targets), each with apiVersion and kind. */
  objects(): KubeObject[];
  /** Re-reads what is not watched (manifest files); called at the start of every sync. */
  refresh?(): Promise<void>;
  /** Called after objects change (not for status-only changes that cannot change records). */
  onChange(fn: (why: string) => void): void;
  /** Whether objects come from the Kubernetes API (Events and status can be written to them). */
  readonly live: boolean;
  stop(): Promise<void>;
}
