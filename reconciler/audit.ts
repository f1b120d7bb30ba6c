/**
 * The background audit (`zoneguard audit`): every object evaluated against every rule as it stands
 * now, including the ones admitted before a ZonePolicy existed. Offline (-f manifests) it prints the
 * PolicyReports it would write (text, or --output json); against a cluster it reads the watched
 * kinds, Namespaces and ZonePolicies once and writes wgpolicyk8s.io/v1alpha2 PolicyReports per
 * namespace and a ClusterPolicyReport, updated in place on every pass (kube/policy-reports.ts).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { buildReports, type PolicyReport } from '../core/audit.js';
import { validateObjects } from '../core/evaluate.js';
import type { Logger } from '../core/log.js';
import { loadManifests } from '../core/manifests.js';
import type { KubeObject } from '../core/model/objects.js';
import { zonePolicyInputs, type ZonePolicySettings } from '../core/policy/inputs.js';
import { checkZonePolicy } from '../core/policy/verdict.js';
import { openProvider, readOwnership, type OpenSettings } from '../core/providers/open.js';
import { SOURCES } from '../core/kinds.js';
import { extractContextFrom, objectFilterFrom, ruleContextFrom } from '../core/setup.js';
import type { Verdict } from '../core/model/verdict.js';
import { writePolicyReports, type ReportWriteResult } from '../kube/policy-reports.js';
import { kubeApi } from '../kube/rest.js';
import { KubernetesSource } from '../kube/watch.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface AuditSettings extends OpenSettings, ZonePolicySettings {
  readonly file: string[];
  readonly labelFilter: string;
  readonly namespace: string;
  readonly source: string[];
}

export interface AuditPass {
  reports: { namespaced: PolicyReport[]; cluster: PolicyReport };
  /** What was written (in-cluster only). */
  written?: ReportWriteResult;
  notes: string[];
}

/** Evaluates a set of objects (workloads, Namespaces, ZonePolicies) into the reports of one pass. */
export async function auditObjects(
  objs: readonly KubeObject[],
  cfg: AuditSettings,
  deps: { logger: Logger; env: Record<string, string | undefined>; nowMs?: number },
): Promise<{ reports: AuditPass['reports']; notes: string[] }> {
  const notes: string[] = [];
  const opened = await openProvider(cfg, deps.logger, deps.env);
  let ownership;
  try {
    if (opened) ownership = await readOwnership(opened.registry);
    else notes.push('ownership rule skipped: no --provider configured to read TXT ownership records from');
  } finally {
    await opened?.provider.close?.();
  }
  const policy = zonePolicyInputs(objs, cfg);
  const results: { obj: KubeObject; verdict: Verdict }[] = validateObjects(
    objs,
    ruleContextFrom(cfg, { ownership, zonePolicies: policy.set }),
    extractContextFrom(cfg),
    { filter: objectFilterFrom(cfg) },
  );
  for (const obj of policy.policyObjects)
    results.push({ obj, verdict: checkZonePolicy(obj, policy.policies).verdict });
  return { reports: buildReports({ results, nowMs: deps.nowMs ?? Date.now() }), notes };
}

/**
 * The reports of a reconciler sync: the verdicts it planned with (admission order, as the webhook
 * would have given them) and the ZonePolicies among its objects, checked against each other.
 */
export function auditReports(
  objects: readonly KubeObject[],
  outcomes: readonly { obj: KubeObject; verdict: Verdict }[],
  cfg: ZonePolicySettings,
  nowMs = Date.now(),
): AuditPass['reports'] {
  const policy = zonePolicyInputs(objects, cfg);
  const results = outcomes.map((o) => ({ obj: o.obj, verdict: o.verdict }));
  for (const obj of policy.policyObjects)
    results.push({ obj, verdict: checkZonePolicy(obj, policy.policies).verdict });
  return buildReports({ results, nowMs });
}

/** One pass over manifest files: nothing is written. */
export async function auditFiles(
  cfg: AuditSettings,
  deps: { logger: Logger; env: Record<string, string | undefined>; nowMs?: number },
): Promise<AuditPass> {
  const objs = loadManifests(cfg.file).map((l) => l.obj);
  return auditObjects(objs, cfg, deps);
}

/** Every object of the watched kinds, Namespaces and ZonePolicies, read once (list; no watch kept). */
export async function readCluster(kc: KubeConfig, cfg: AuditSettings, logger: Logger): Promise<KubeObject[]> {
  const filter = objectFilterFrom(cfg);
  const sources = [
    new KubernetesSource({
      kubeConfig: kc,
      sources: filter.sources.length ? filter.sources : SOURCES,
      namespace: filter.namespace,
      labelSelector: cfg.labelFilter,
      serviceTypes: cfg.serviceTypeFilter,
      // the same kinds the reconciler and the webhook read (Traefik's groups, the RouteGroup version)
      traefik: filter.traefik,
      routeGroupVersion: filter.routeGroupVersion,
      logger,
    }),
    new KubernetesSource({ kubeConfig: kc, sources: ['zone-policy'], logger }),
  ];
  try {
    await Promise.all(sources.map((s) => s.start()));
    return sources.flatMap((s) => s.objects());
  } finally {
    for (const s of sources) await s.stop();
  }
}

/** One pass against the cluster: read, evaluate, write the reports. */
export async function auditCluster(
  kc: KubeConfig,
  cfg: AuditSettings,
  deps: { logger: Logger; env: Record<string, string | undefined>; nowMs?: number },
): Promise<AuditPass> {
  const objs = await readCluster(kc, cfg, deps.logger);
  const pass = await auditObjects(objs, cfg, deps);
  const written = await writePolicyReports(kubeApi(kc), pass.reports, deps.logger);
  return { ...pass, written };
}
