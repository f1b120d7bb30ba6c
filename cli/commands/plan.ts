/**
 * `zoneguard plan -f ...`: what the reconciler would change in the provider, without applying it.
 * The same planning function as `reconcile` (core/sync-plan.ts) and the same printer as
 * `reconcile --dry-run` (core/report.ts): the two print the same plan for the same input.
 */
import type { Settings } from '../settings.js';
import { requireTextOrJson } from './output.js';
import { ConfigError } from '../../core/errors.js';
import { loadManifests } from '../../core/manifests.js';
import { kindOf } from '../../core/kinds.js';
import { isPolicyInput, zonePolicyInputs } from '../../core/policy/inputs.js';
import { openProvider } from '../../core/providers/open.js';
import { planSync, type SyncPlan } from '../../core/sync-plan.js';
import { planJson, printPlanText } from '../../core/report.js';
import {
  domainFilterFrom,
  extractContextFrom,
  managedRecordTypesFrom,
  objectFilterFrom,
  ownerIdFrom,
  policyFrom,
  ruleContextFrom,
} from '../../core/setup.js';
import type { CommandContext, CommandSpec } from '../program.js';

export async function computePlan(
  cfg: Settings,
  files: string[],
  ctx: Pick<CommandContext, 'logger' | 'env'>,
): Promise<{ result: SyncPlan; results: SyncPlan['desired']['outcomes']; notes: string[] }> {
  const loaded = loadManifests(files);
  const opened = await openProvider(cfg, ctx.logger, ctx.env);
  if (!opened)
    throw new ConfigError(
      'provider',
      'plan needs a provider to compare with (e.g. --provider inmemory --inmemory-zone example.com)',
    );
  const notes: string[] = [];
  const ignored = new Map<string, number>();
  for (const l of loaded) {
    // a kind of core/kinds.ts is read: checked, or giving other objects targets (Gateways, ListenerSets)
    if (kindOf(l.obj) || isPolicyInput(l.obj)) continue;
    const k = `${String(l.obj.apiVersion)} ${String(l.obj.kind)}`;
    ignored.set(k, (ignored.get(k) ?? 0) + 1);
  }
  if (ignored.size)
    notes.push(
      `not checked (kinds zoneguard does not read): ${[...ignored].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  try {
    const snapshot = await opened.registry.snapshot();
    const zones = await opened.provider.zones();
    const adjust = opened.provider.adjustEndpoints?.bind(opened.provider);
    const policyInputs = zonePolicyInputs(
      loaded.map((l) => l.obj),
      cfg,
    );
    for (const bad of policyInputs.invalid)
      notes.push(
        `ZonePolicy ${bad.name} is invalid and allows nothing: ${bad.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    const result = planSync({
      objects: loaded.map((l) => l.obj),
      snapshot,
      zones,
      ruleCtx: ruleContextFrom(cfg, { zonePolicies: policyInputs.set }),
      extractCtx: extractContextFrom(cfg),
      filter: objectFilterFrom(cfg),
      ownerId: ownerIdFrom(cfg),
      policy: policyFrom(cfg),
      managedRecordTypes: managedRecordTypesFrom(cfg),
      domainFilter: domainFilterFrom(cfg),
      adjust,
      guard: { maxDeletions: cfg.maxDeletions, maxDeletionRatio: cfg.maxDeletionRatio },
      releaseDeletions: cfg.releaseDeletions,
    });
    return { result, results: result.desired.outcomes, notes };
  } finally {
    await opened.provider.close?.();
  }
}

export const planCommand: CommandSpec = {
  name: 'plan',
  description: 'print the DNS changes the reconciler would make (TXT ownership records implied)',
  check: (cfg) => {
    requireTextOrJson(cfg, 'plan');
    if (cfg.file.length === 0)
      throw new ConfigError('file', 'give at least one manifest file or directory with -f');
  },
  async run(cfg, ctx) {
    const { result, notes } = await computePlan(cfg, cfg.file, ctx);
    for (const n of notes) ctx.stderr.write(`zoneguard: warning: ${n}\n`);
    if (cfg.output === 'json') ctx.stdout.write(JSON.stringify(planJson(result), null, 2) + '\n');
    else printPlanText(result, ctx.stdout);
    return 0;
  },
};
