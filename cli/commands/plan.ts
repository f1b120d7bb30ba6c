/** `zoneguard plan -f ...`: what the reconciler would change in the provider, without applying it. */
import { strs, str, type Config } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { describeEndpoint, LabelKey, type Endpoint } from '../../core/endpoint.js';
import { plan, planToJson, type PlanResult } from '../../core/plan.js';
import { domainFilterFrom, managedRecordTypesFrom, ownerIdFrom, policyFrom } from '../../core/setup.js';
import type { CommandContext, CommandSpec } from '../program.js';
import { runValidation } from './validate.js';
import type { ObjectResult } from '../../core/validate.js';

export async function computePlan(
  cfg: Config,
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

function line(verb: string, ep: Endpoint): string {
  const ttl = ep.ttl ? ` ttl=${ep.ttl}` : '';
  return `${verb} ${describeEndpoint(ep)}${ttl} owner=${ep.labels[LabelKey.owner] ?? ''} resource=${ep.labels[LabelKey.resource] ?? ''}`;
}

export function printPlanText(r: PlanResult, out: NodeJS.WritableStream): void {
  const c = r.changes;
  for (const ep of c.create) out.write(line('CREATE', ep) + '\n');
  c.updateNew.forEach((ep, i) =>
    out.write(
      `${line('UPDATE', ep)} (was ${c.updateOld[i].targets.join(',')}${c.updateOld[i].ttl ? ` ttl=${c.updateOld[i].ttl}` : ''})\n`,
    ),
  );
  for (const ep of c.delete) out.write(line('DELETE', ep) + '\n');
  for (const k of r.conflicts) {
    const why =
      k.reason === 'owned-by-other'
        ? `owned by "${k.owner}"`
        : k.reason === 'unowned'
          ? 'exists with no ownership record'
          : k.reason === 'cname-conflict'
            ? 'a CNAME cannot share its name with other records'
            : `lost to ${k.winner}`;
    out.write(
      `SKIP ${k.dnsName} ${k.recordType} from ${k.desired.labels[LabelKey.resource] ?? '?'}: ${why}\n`,
    );
  }
  out.write(
    `plan: ${c.create.length} to create, ${c.updateNew.length} to update, ${c.delete.length} to delete, ${r.conflicts.length} skipped\n`,
  );
}

export const planCommand: CommandSpec = {
  name: 'plan',
  description: 'print the DNS changes the reconciler would make (TXT ownership records implied)',
  check: (cfg) => {
    if (strs(cfg, 'file').length === 0)
      throw new ConfigError('file', 'give at least one manifest file or directory with -f');
  },
  async run(cfg, ctx) {
    const { result, notes } = await computePlan(cfg, strs(cfg, 'file'), ctx);
    for (const n of notes) ctx.stderr.write(`zoneguard: warning: ${n}\n`);
    if (str(cfg, 'output') === 'json')
      ctx.stdout.write(JSON.stringify(planToJson(result.changes), null, 2) + '\n');
    else printPlanText(result, ctx.stdout);
    return 0;
  },
};
