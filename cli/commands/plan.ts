/** `zoneguard plan -f ...`: what the reconciler would change in the provider, without applying it. */
import { requireTextOrJson } from './output.js';
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import { plan, planToJson, type PlanResult } from '../../core/plan.js';
import { printPlanText } from '../../core/report.js';
import { domainFilterFrom, managedRecordTypesFrom, ownerIdFrom, policyFrom } from '../../core/setup.js';
import type { CommandContext, CommandSpec } from '../program.js';
import { runValidation } from './validate.js';
import type { ObjectResult } from '../../core/evaluate.js';

export async function computePlan(
  cfg: Settings,
  files: string[],
  ctx: Pick<CommandContext, 'logger' | 'env'>,
): Promise<{ result: PlanResult; results: ObjectResult[]; notes: string[] }> {
  const run = await runValidation(cfg, files, ctx);
  if (!run.opened)
    throw new ConfigError(
      'provider',
      'plan needs a provider to compare with (e.g. --provider inmemory --inmemory-zone example.com)',
    );
  const current = await run.opened.registry.records();
  const desired = run.results.flatMap((r) => r.endpoints);
  const result = plan({
    current,
    desired,
    ownerId: ownerIdFrom(cfg),
    policy: policyFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
  });
  return { result, results: run.results, notes: run.notes };
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
    if (cfg.output === 'json') ctx.stdout.write(JSON.stringify(planToJson(result.changes), null, 2) + '\n');
    else printPlanText(result, ctx.stdout);
    return 0;
  },
};
