/**
 * `zoneguard demo`: the embedded default. Validates and plans the manifests in examples/ against an
 * inmemory zone seeded from examples/zones/, with no cluster and no cloud account: the verdicts the
 * webhook would give and the records the reconciler would publish.
 */
import { join } from 'node:path';
import { resolveConfig, type Config } from '../../core/config.js';
import { allFlags } from '../flags.js';
import type { CommandSpec } from '../program.js';
import { packageRoot } from '../paths.js';
import { printPlanText, printVerdictsText } from '../../core/report.js';
import { computePlan } from './plan.js';

export function demoConfig(cfg: Config): Config {
  const root = packageRoot();
  const given = (k: string) => {
    const v = cfg[k];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '';
  };
  const overlay: Record<string, unknown> = {};
  if (!given('file')) overlay['file'] = [join(root, 'examples', 'manifests')];
  if (!given('provider')) overlay['provider'] = 'inmemory';
  if (!given('inmemoryZoneFile') && !given('inmemoryZone')) {
    overlay['inmemory-zone-file'] = [`example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`];
  }
  if (!given('domainFilter') && !given('regexDomainFilter')) overlay['domain-filter'] = ['example.com'];
  if (!given('publicZone')) overlay['public-zone'] = ['example.com'];
  if (cfg.txtOwnerId === 'default') overlay['txt-owner-id'] = 'cluster-a';
  const specs = allFlags.filter((f) => !f.commands || f.commands.includes('demo'));
  const cli: Record<string, unknown> = {};
  for (const s of specs) {
    const key = s.name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (overlay[s.name] !== undefined) cli[s.name] = overlay[s.name];
    else if (overlay[key] !== undefined) cli[s.name] = overlay[key];
    else if (cfg[key] !== undefined && !(cfg[key] instanceof RegExp)) cli[s.name] = cfg[key];
    else if (cfg[key] instanceof RegExp) cli[s.name] = (cfg[key] as RegExp).source;
  }
  return resolveConfig(specs, { cli, env: {} });
}

export const demoCommand: CommandSpec = {
  name: 'demo',
  description: 'validate and plan examples/ against an inmemory zone: no cluster, no cloud account needed',
  async run(cfg, ctx) {
    const c = demoConfig(cfg);
    const files = c.file as string[];
    ctx.stdout.write(
      `zoneguard demo: owner "${String(c.txtOwnerId)}", domain filter ${String((c.domainFilter as string[]).join(',') || '(any)')}, zone ${String((c.inmemoryZoneFile as string[]).join(' '))}\n`,
    );
    ctx.stdout.write(`\n== Admission verdicts for ${files.join(' ')} (what kubectl apply would get)\n`);
    const { result, results, notes } = await computePlan(c, files, ctx);
    for (const n of notes) ctx.stdout.write(`note: ${n}\n`);
    printVerdictsText(results, ctx.stdout);
    const denied = results.filter((r) => !r.verdict.allowed).length;
    ctx.stdout.write(`${results.length} object(s): ${results.length - denied} allowed, ${denied} denied\n`);
    ctx.stdout.write(
      `\n== Records the reconciler would publish (with TXT ownership records for owner "${String(c.txtOwnerId)}")\n`,
    );
    printPlanText(result, ctx.stdout);
    return 0;
  },
};
