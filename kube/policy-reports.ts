/**
 * Writes an audit pass's PolicyReports (wgpolicyk8s.io/v1alpha2) to the cluster: each report is
 * read, then created or replaced in place (resourceVersion kept, so a concurrent writer gets 409 and
 * the pass retries it once), never duplicated; a report whose results did not change is not
 * written; zoneguard's reports in namespaces with nothing left to report are deleted. Only objects
 * named "zoneguard" and labelled app.kubernetes.io/managed-by=zoneguard are ever touched.
 */
import type { Logger } from '../core/log.js';
import {
  MANAGED_BY_LABEL,
  POLICY_REPORT_API_VERSION,
  REPORT_NAME,
  SOURCE,
  sameReport,
  type PolicyReport,
} from '../core/audit.js';
import type { KubeApi, KubeResponse } from './rest.js';

const BASE = `/apis/${POLICY_REPORT_API_VERSION}`;

export interface ReportWriteResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

function collectionPath(r: Pick<PolicyReport, 'kind' | 'metadata'>): string {
  return r.kind === 'ClusterPolicyReport'
    ? `${BASE}/clusterpolicyreports`
    : `${BASE}/namespaces/${encodeURIComponent(r.metadata.namespace ?? 'default')}/policyreports`;
}

function describe(r: Pick<PolicyReport, 'kind' | 'metadata'>): string {
  return r.metadata.namespace
    ? `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`
    : `${r.kind} ${r.metadata.name}`;
}

function failure(what: string, res: KubeResponse): Error {
  const msg = (res.body as { message?: string } | undefined)?.message ?? '';
  if (res.status === 404)
    return new Error(
      `${what}: HTTP 404: the PolicyReport CRDs (${POLICY_REPORT_API_VERSION}) are not installed; install them (wg-policy-prototypes, or with Kyverno or policy-reporter) or use --output json`,
    );
  return new Error(`${what}: HTTP ${res.status}${msg ? `: ${msg}` : ''}`);
}

async function writeOne(api: KubeApi, report: PolicyReport, out: ReportWriteResult): Promise<void> {
  const path = `${collectionPath(report)}/${REPORT_NAME}`;
  for (let attempt = 0; ; attempt++) {
    const got = await api.request('GET', path);
    if (got.status === 404) {
      const res = await api.request('POST', collectionPath(report), report);
      if (res.status === 409 && attempt === 0) continue;
      if (res.status >= 300) throw failure(`creating ${describe(report)}`, res);
      out.created.push(describe(report));
      return;
    }
    if (got.status !== 200) throw failure(`reading ${describe(report)}`, got);
    const existing = got.body as PolicyReport & {
      metadata: { resourceVersion?: string; labels?: Record<string, string> };
    };
    if (sameReport(existing, report)) {
      out.unchanged.push(describe(report));
      return;
    }
    const body = {
      ...report,
      metadata: {
        ...existing.metadata,
        labels: { ...existing.metadata.labels, ...report.metadata.labels },
      },
    };
    const res = await api.request('PUT', path, body);
    if (res.status === 409 && attempt === 0) continue;
    if (res.status >= 300) throw failure(`updating ${describe(report)}`, res);
    out.updated.push(describe(report));
    return;
  }
}

export async function writePolicyReports(
  api: KubeApi,
  reports: { namespaced: readonly PolicyReport[]; cluster: PolicyReport },
  logger: Logger,
): Promise<ReportWriteResult> {
  const out: ReportWriteResult = { created: [], updated: [], unchanged: [], deleted: [] };
  for (const r of reports.namespaced) await writeOne(api, r, out);
  await writeOne(api, reports.cluster, out);
  // ours in namespaces that hold nothing to report any more
  const keep = new Set(reports.namespaced.map((r) => r.metadata.namespace));
  const listed = await api.request(
    'GET',
    `${BASE}/policyreports?labelSelector=${encodeURIComponent(`${MANAGED_BY_LABEL}=${SOURCE}`)}`,
  );
  if (listed.status !== 200) throw failure('listing PolicyReports', listed);
  for (const item of (listed.body as { items?: PolicyReport[] }).items ?? []) {
    const ns = item.metadata?.namespace;
    if (item.metadata?.name !== REPORT_NAME || !ns || keep.has(ns)) continue;
    const res = await api.request(
      'DELETE',
      `${BASE}/namespaces/${encodeURIComponent(ns)}/policyreports/${REPORT_NAME}`,
    );
    if (res.status >= 300 && res.status !== 404)
      throw failure(`deleting PolicyReport ${ns}/${REPORT_NAME}`, res);
    out.deleted.push(`PolicyReport ${ns}/${REPORT_NAME}`);
  }
  logger.info(
    {
      created: out.created.length,
      updated: out.updated.length,
      unchanged: out.unchanged.length,
      deleted: out.deleted.length,
    },
    'policy reports written',
  );
  return out;
}
