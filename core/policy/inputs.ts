/**
 * ZonePolicies and Namespaces for the offline commands (validate, plan, reconcile -f, audit -f):
 * those among the -f manifests plus --zone-policy-file, compiled into the set the `zone-policy`
 * rule reads, with --require-zone-policy.
 */
import { loadManifests, type LoadedObject } from '../manifests.js';
import type { KubeObject } from '../model/objects.js';
import {
  isNamespace,
  isZonePolicy,
  zonePolicySetFrom,
  type CompiledZonePolicy,
  type InvalidZonePolicy,
  type ZonePolicySet,
} from './zone-policy.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface ZonePolicySettings {
  readonly requireZonePolicy: boolean;
  readonly zonePolicyFile?: readonly string[];
}

export interface ZonePolicyInputs {
  set: ZonePolicySet;
  invalid: InvalidZonePolicy[];
  /** Every compiled policy (for checking each ZonePolicy object against the others). */
  policies: readonly CompiledZonePolicy[];
  /** The ZonePolicy objects read (from -f and --zone-policy-file), to be reported on themselves. */
  policyObjects: KubeObject[];
  /** What --zone-policy-file added, with where each object was read. */
  extra: LoadedObject[];
}

/** Whether an object is read as policy input rather than checked as a workload. */
export function isPolicyInput(obj: KubeObject): boolean {
  return isZonePolicy(obj) || isNamespace(obj);
}

export function zonePolicyInputs(objs: readonly KubeObject[], cfg: ZonePolicySettings): ZonePolicyInputs {
  const extra = cfg.zonePolicyFile?.length ? loadManifests(cfg.zonePolicyFile) : [];
  const all = [...objs, ...extra.map((l) => l.obj)];
  const { set, invalid } = zonePolicySetFrom(all, { required: cfg.requireZonePolicy });
  return { set, invalid, policies: set.policies, policyObjects: all.filter(isZonePolicy), extra };
}
