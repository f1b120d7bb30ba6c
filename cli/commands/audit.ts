/**
 * `zoneguard audit`: every object against every rule, as PolicyReports (wgpolicyk8s.io/v1alpha2).
 * With -f: offline, printed (text, or --output json). Without: against the cluster (--kubeconfig, or
 * the pod's service account), written as a PolicyReport per namespace and a ClusterPolicyReport.
 */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import type { PolicyReport } from '../../core/audit.js';
import type { CommandSpec } from '../program.js';

function printText(reports: readonly PolicyReport[], out: NodeJS.WritableStream): void {
  for (const r of reports) {
    const where = r.metadata.namespace
      ? `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`
      : `${r.kind} ${r.metadata.name}`;
    const s = r.summary;
    out.write(`${where}: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.error} error, ${s.skip} skip\n`);
    for (const x of r.results) {
      if (x.result === 'pass') continue;
      const res = x.resources[0];
      const obj = res ? `${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.name}` : '';
      const policy = x.policy === 'zoneguard' ? '' : ` (ZonePolicy ${x.policy})`;
      out.write(`  ${x.result.toUpperCase()} ${obj}: ${x.rule}${policy}: ${x.message}\n`);
    }
  }
}

export const auditCommand: CommandSpec = {
  name: 'audit',
  description:
    'evaluate every object (also those admitted before a ZonePolicy existed) and write PolicyReports (wgpolicyk8s.io/v1alpha2) to the cluster, or print them for -f manifests',
  check: (cfg) => {
    if (cfg.output !== 'text' && cfg.output !== 'json')
      throw new ConfigError('output', 'audit prints text or json');
  },
  async run(cfg: Settings, ctx) {
    const { auditCluster, auditFiles } = await import('../../reconciler/audit.js');
    const deps = { logger: ctx.logger, env: ctx.env };
    let pass;
    if (cfg.file.length) pass = await auditFiles(cfg, deps);
    else {
      const { kubeTuning, loadKubeConfig } = await import('../../kube/client.js');
      try {
        pass = await auditCluster(loadKubeConfig(cfg.kubeconfig, ctx.env, kubeTuning(cfg)), cfg, deps);
      } catch (e) {
        // the API server refused or is unreachable: one line, exit 1 (a CronJob retries)
        ctx.stderr.write(`zoneguard: audit failed: ${(e as Error).message}\n`);
        return 1;
      }
    }
    for (const n of pass.notes) ctx.stderr.write(`zoneguard: warning: ${n}\n`);
    const reports = [...pass.reports.namespaced, pass.reports.cluster];
    if (cfg.output === 'json') ctx.stdout.write(JSON.stringify({ reports }, null, 2) + '\n');
    else printText(reports, ctx.stdout);
    if (pass.written) {
      const w = pass.written;
      ctx.stderr.write(
        `zoneguard: policy reports: ${w.created.length} created, ${w.updated.length} updated, ${w.unchanged.length} unchanged, ${w.deleted.length} deleted\n`,
      );
    }
    return 0;
  },
};
