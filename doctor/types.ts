/** What `zoneguard doctor HOST` finds, step by step: plain data, printed as text or JSON. */
import type { Endpoint } from '../core/model/endpoint.js';
import type { DomainFilter } from '../core/domain-filter.js';
import type { ExtractContext } from '../core/hostnames/common.js';
import type { KubeObject } from '../core/model/objects.js';
import type { Policy } from '../core/plan.js';
import type { TxtNameMapper } from '../core/registry/txt-names.js';
import type { RegistryOptions } from '../core/registry/txt-registry.js';
import type { RuleContext } from '../core/rules/index.js';
import type { ObjectFilter } from '../core/setup.js';
import type { DnsAnswer } from './dns-query.js';

/** The settings the troubleshooting flow checks a name against (from the same flags as the webhook). */
export interface DoctorSettings {
  ownerId: string;
  policy: Policy;
  managedRecordTypes: readonly string[];
  domainFilter: DomainFilter;
  ruleContext: RuleContext;
  extractContext: ExtractContext;
  objectFilter: ObjectFilter;
  mapper: TxtNameMapper;
  /** How ownership records are read (AES key, owner migrated from); default: the mapper's affixes and ownerId. */
  registry?: RegistryOptions;
}

/** An object as read from a manifest file or from the cluster. */
export interface SourcedObject {
  obj: KubeObject;
  /** "manifests/app.yaml:3" or "cluster". */
  origin: string;
}

/** What was gathered before diagnosing; each part may be missing, with the reason. */
export interface DoctorEvidence {
  objects?: SourcedObject[];
  /** Why objects were not looked at, or a read error. */
  objectsNote?: string;
  /** Raw records (TXT ownership records included) at the names of interest. */
  current?: Endpoint[];
  /** Where `current` came from: "provider rfc2136" or "DNS 127.0.0.1:5353". */
  currentSource?: string;
  currentNote?: string;
  /** The provider's zones, when a provider was opened (undefined: not known). */
  zones?: string[];
  /** Answers of the authoritative server for the host and its TXT names. */
  dns?: { server: string; via: string; answers: DnsAnswer[] };
  dnsNote?: string;
}

export type StepStatus = 'ok' | 'warn' | 'fail' | 'info' | 'skip';

export interface Step {
  step: 'objects' | 'address' | 'scope' | 'rules' | 'zone' | 'ownership' | 'plan' | 'dns';
  status: StepStatus;
  detail: string;
}

export interface ClaimantFinding {
  object: string;
  origin: string;
  source: string;
  field: string;
  /** The claimed name, when it is a wildcard covering the host. */
  claimedName: string;
  recordType?: string;
  targets: string[];
  ttl?: number;
  /** The object has a target to publish (a load-balancer address, an explicit target...). */
  hasAddress: boolean;
  /** Why the reconciler and webhook ignore this object, when they do. */
  outOfScope?: string;
  allowed: boolean;
  violations: { rule: string; message: string; fix: string }[];
  warnings: string[];
}

export interface OwnershipFinding {
  /** Records at the host: type → owner ('' when there is no ownership record). */
  records: { recordType: string; targets: string[]; ttl?: number; owner: string; resource?: string }[];
  /** Ownership TXT records at the host's TXT names: which (type, owner) they claim. */
  txt: { txtName: string; recordType: string; owner: string; resource?: string; value: string }[];
  /** The TXT names this owner would write for the host. */
  expectedTxtNames: string[];
}

export interface PlanFinding {
  create: string[];
  update: string[];
  delete: string[];
  conflicts: { recordType: string; reason: string; owner?: string; winner?: string; resource?: string }[];
}

export interface DnsFinding {
  server: string;
  via: string;
  answers: {
    name: string;
    type: string;
    rcode?: string;
    authoritative?: boolean;
    records: { type: string; ttl: number; data: string }[];
    error?: string;
  }[];
}

export type VerdictStatus = 'ok' | 'problem' | 'pending' | 'unknown';

export interface DoctorReport {
  host: string;
  ownerId: string;
  policy: Policy;
  steps: Step[];
  claimants?: ClaimantFinding[];
  ownership?: OwnershipFinding;
  plan?: PlanFinding;
  dns?: DnsFinding;
  verdict: { status: VerdictStatus; message: string };
}
