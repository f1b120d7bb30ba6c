/**
 * `zoneguard doctor HOST`: the troubleshooting flow for one name — claiming objects (manifests or
 * the cluster), filters, rules, TXT owner, live DNS answers.
 */
import { ConfigError, InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { normalizeDnsName } from '../core/model/endpoint.js';
import { loadManifests } from '../core/manifests.js';
import { openProvider, type OpenSettings } from '../core/providers/open.js';
import { TxtNameMapper } from '../core/registry/txt-names.js';
import { hostnameProblem } from '../core/rules/index.js';
import {
  domainFilterFrom,
  extractContextFrom,
  managedRecordTypesFrom,
  objectFilterFrom,
  ownerIdFrom,
  policyFrom,
  registryOptionsFrom,
  ruleContextFrom,
  type PolicySettings,
} from '../core/setup.js';
import { kubeTuning, loadKubeConfig, type KubeClientSettings } from '../kube/client.js';
import { kubeApi } from '../kube/rest.js';
import { isPolicyInput, zonePolicyInputs, type ZonePolicySettings } from '../core/policy/inputs.js';
import { readClusterObjects } from './cluster.js';
import { parseNameServer } from './dns-query.js';
import { diagnose } from './diagnose.js';
import { formatReport } from './format.js';
import { gatherEvidence } from './gather.js';
import type { DoctorSettings, SourcedObject } from './types.js';

/** The settings doctor reads (a slice of the CLI's Settings). */
export interface DoctorRunSettings extends OpenSettings, KubeClientSettings, ZonePolicySettings {
  readonly file: string[];
  readonly kubeconfig?: string;
  readonly nameserver?: string;
  readonly dnsTimeout: number;
  readonly output: string;
}

export interface DoctorIo {
  logger: Logger;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function doctorSettingsFrom(cfg: PolicySettings): DoctorSettings {
  return {
    ownerId: ownerIdFrom(cfg),
    policy: policyFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
    ruleContext: ruleContextFrom(cfg),
    extractContext: extractContextFrom(cfg),
    objectFilter: objectFilterFrom(cfg),
    mapper: new TxtNameMapper({
      prefix: cfg.txtPrefix,
      suffix: cfg.txtSuffix,
      wildcardReplacement: cfg.txtWildcardReplacement,
    }),
    registry: registryOptionsFrom(cfg),
  };
}

/**
 * Walks the troubleshooting flow for one name and prints each step, then a one-line verdict.
 * Returns the exit code: 0 when the name is published and owned by this instance, 1 otherwise.
 */
export async function runDoctor(hostArg: string, cfg: DoctorRunSettings, ctx: DoctorIo): Promise<number> {
  const host = normalizeDnsName(hostArg);
  const bad = hostnameProblem(host);
  if (bad) throw new InputError(`"${hostArg}" is not a hostname: ${bad}`);
  const settings = doctorSettingsFrom(cfg);

  let objects: SourcedObject[] | undefined;
  const notes: string[] = [];
  const files = cfg.file;
  const kubeconfig = cfg.kubeconfig;
  if (files.length)
    objects = loadManifests(files).map((l) => ({ obj: l.obj, origin: `${l.file}:${l.line}` }));
  if (kubeconfig) {
    try {
      const api = kubeApi(loadKubeConfig(kubeconfig, ctx.env, kubeTuning(cfg)));
      const read = await readClusterObjects(
        (path) => api.request('GET', path),
        `cluster (${kubeconfig})`,
        settings.objectFilter.routeGroupVersion,
      );
      objects = [...(objects ?? []), ...read.objects];
      notes.push(...read.notes);
    } catch (e) {
      throw new ConfigError('kubeconfig', `cannot read objects from the cluster: ${(e as Error).message}`);
    }
  }
  // ZonePolicies and Namespaces among the objects (or --zone-policy-file): the zone-policy rule
  // then says which namespace may use the name, as the webhook and the reconciler do
  const policy = zonePolicyInputs((objects ?? []).map((o) => o.obj).filter(isPolicyInput), cfg);
  if (policy.set.active) settings.ruleContext = ruleContextFrom(cfg, { zonePolicies: policy.set });
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
}
