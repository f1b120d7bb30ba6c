/**
 * `zoneguard demo`: the embedded default. Validates and plans the manifests in examples/ against an
 * inmemory zone seeded from examples/zones/, with no cluster and no cloud account: the verdicts the
 * webhook would give and the records the reconciler would publish.
 */
import { join } from 'node:path';
import { withSettings, type Settings } from '../settings.js';
import type { CommandSpec } from '../program.js';
import { packageRoot } from '../paths.js';
import { printPlanText, printVerdictsText } from '../../core/report.js';
import { computePlan } from './plan.js';

/** The embedded default: examples/ against an inmemory zone, for whatever the user did not give. */
export function demoSettings(cfg: Settings): Settings {
  const root = packageRoot();
  return withSettings(cfg, {
    ...(cfg.file.length ? {} : { file: [join(root, 'examples', 'manifests')] }),
    ...(cfg.provider ? {} : { provider: 'inmemory' as const }),
    ...(cfg.inmemoryZoneFile.length || cfg.inmemoryZone.length
      ? {}
      : { inmemoryZoneFile: [`example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`] }),
    ...(cfg.domainFilter.length || cfg.regexDomainFilter ? {} : { domainFilter: ['example.com'] }),
    ...(cfg.publicZone.length ? {} : { publicZone: ['example.com'] }),
    ...(cfg.txtOwnerId === 'default' ? { txtOwnerId: 'cluster-a' } : {}),
  });
}

export const demoCommand: CommandSpec = {
  name: 'demo',
  description: 'validate and plan examples/ against an inmemory zone: no cluster, no cloud account needed',
  async run(cfg, ctx) {
    const c = demoSettings(cfg);
    const files = c.file;
    ctx.stdout.write(
      `zoneguard demo: owner "${String(c.txtOwnerId)}", domain filter ${c.domainFilter.join(',') || '(any)'}, zone ${c.inmemoryZoneFile.join(' ')}\n`,
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
