import type { KubeObject } from '../objects.js';
import type { Claim, Violation } from '../rules/types.js';

export interface ExtractContext {
  /** --ingress-class: only Ingresses of these classes; empty = all. */
  ingressClasses: readonly string[];
  /** --default-targets. */
  defaultTargets: string[];
  /** Finds a Gateway by namespace and name (HTTPRoute targets). */
  gateway?: (namespace: string, name: string) => KubeObject | undefined;
}

/** What an extractor fills in. */
export interface Partial {
  claims: Claim[];
  problems: Violation[];
  warnings: string[];
  skipped?: string;
  /** Fields every claim of the object carries (ttl, setIdentifier, labels). */
  common: Omit<Claim, 'hostname' | 'targets' | 'recordType' | 'field'>;
}
