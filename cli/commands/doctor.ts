/**
 * `zoneguard doctor HOST`: walks the troubleshooting flow for one name and prints each step, then
 * a one-line verdict (exit 0 when the name is published and owned by this instance, 1 otherwise).
 */
import { requireTextOrJson } from './output.js';
import type { Settings } from '../settings.js';
import { ConfigError, InputError } from '../../core/errors.js';
import { normalizeDnsName } from '../../core/model/endpoint.js';
import { loadManifests } from '../../core/manifests.js';
import { openProvider } from '../../core/providers/open.js';
import { TxtNameMapper } from '../../core/registry/txt-names.js';
import { hostnameProblem } from '../../core/rules/index.js';
import {
  domainFilterFrom,
  extractContextFrom,
  managedRecordTypesFrom,
  objectFilterFrom,
  ownerIdFrom,
  policyFrom,
  ruleContextFrom,
} from '../../core/setup.js';
import { parseNameServer } from '../../doctor/dns-query.js';
import { diagnose } from '../../doctor/diagnose.js';
import { formatReport } from '../../doctor/format.js';
import { gatherEvidence } from '../../doctor/gather.js';
import type { DoctorSettings, SourcedObject } from '../../doctor/types.js';
import type { CommandSpec } from '../program.js';
import { readClusterObjects } from '../../doctor/cluster.js';

export function doctorSettingsFrom(cfg: Settings): DoctorSettings {
  return {
    ownerId: ownerIdFrom(cfg),
    policy: policyFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
    ruleContext: ruleContextFrom(cfg),
    extractContext: extractContextFrom(cfg),
    objectFilter: objectFilterFrom(cfg),
    mapper: new TxtNameMapper({
      prefix: cfg.txtPrefix ?? '',
      suffix: cfg.txtSuffix ?? '',
      wildcardReplacement: cfg.txtWildcardReplacement ?? '',
    }),
  };
}

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description:
    'explain why a name is (not) published: claiming objects, filters, rules, TXT owner, live DNS answers',
  args: '<host>',
  check: (cfg) => requireTextOrJson(cfg, 'doctor'),
  async run(cfg, ctx) {
    const host = normalizeDnsName(ctx.args[0] ?? '');
    const bad = hostnameProblem(host);
    if (bad) throw new InputError(`"${ctx.args[0] ?? ''}" is not a hostname: ${bad}`);
    const settings = doctorSettingsFrom(cfg);

    let objects: SourcedObject[] | undefined;
    const notes: string[] = [];
    const files = cfg.file;
    const kubeconfig = cfg.kubeconfig;
    if (files.length)
      objects = loadManifests(files).map((l) => ({ obj: l.obj, origin: `${l.file}:${l.line}` }));
    if (kubeconfig) {
      try {
        // loaded only with --kubeconfig: the Kubernetes client is the largest dependency
        const [{ kubeApi }, { loadKubeConfig }] = await Promise.all([
          import('../../kube/rest.js'),
          import('../../kube/client.js'),
        ]);
        const api = kubeApi(loadKubeConfig(kubeconfig, ctx.env));
        const read = await readClusterObjects((path) => api.request('GET', path), `cluster (${kubeconfig})`);
        objects = [...(objects ?? []), ...read.objects];
        notes.push(...read.notes);
      } catch (e) {
        throw new ConfigError('kubeconfig', `cannot read objects from the cluster: ${(e as Error).message}`);
      }
    }
    const nsText = cfg.nameserver;
    const opened = await openProvider(cfg, ctx.logger, ctx.env);
    try {
      const evidence = await gatherEvidence(host, settings, {
        objects,
        objectsNote: objects
          ? undefined
          : 'no -f manifests and no --kubeconfig: which objects claim the name was not checked',
        opened,
        nameserver: nsText ? parseNameServer(nsText) : undefined,
        timeoutMs: cfg.dnsTimeout,
      });
      const report = diagnose(host, settings, evidence);
      if (cfg.output === 'json') ctx.stdout.write(JSON.stringify({ ...report, notes }, null, 2) + '\n');
      else {
        for (const n of notes) ctx.stderr.write(`zoneguard: note: ${n}\n`);
        ctx.stdout.write(formatReport(report));
      }
      return report.verdict.status === 'ok' ? 0 : 1;
    } finally {
      await opened?.provider.close?.();
    }
  },
};
