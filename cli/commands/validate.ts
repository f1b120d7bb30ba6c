/** `zoneguard validate -f <file|dir>...`: the webhook's verdict, offline, for CI pipelines. */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import { loadManifests } from '../../core/manifests.js';
import { sourceOf } from '../../core/hostnames/index.js';
import { isPolicyInput, zonePolicyInputs } from '../../core/policy/inputs.js';
import { checkZonePolicy } from '../../core/policy/verdict.js';
import { openProvider, readOwnership } from '../../core/providers/open.js';
import { printVerdicts, type SourceLocation } from '../../core/report.js';
import type { KubeObject } from '../../core/model/objects.js';
import { extractContextFrom, objectFilterFrom, ruleContextFrom } from '../../core/setup.js';
import { validateObjects, type ObjectResult } from '../../core/evaluate.js';
import type { CommandContext, CommandSpec } from '../program.js';

export interface ValidationRun {
  results: ObjectResult[];
  /** Warnings about the run itself (no provider: ownership not checked). */
  notes: string[];
  /** Where each object was read from (its file, and the line its document starts on). */
  locate: (obj: KubeObject) => SourceLocation | undefined;
  opened?: Awaited<ReturnType<typeof openProvider>>;
}

export async function runValidation(
  cfg: Settings,
  files: string[],
  ctx: Pick<CommandContext, 'logger' | 'env'>,
): Promise<ValidationRun> {
  const loaded = loadManifests(files);
  const locations = new Map<KubeObject, SourceLocation>(
    loaded.map((l) => [l.obj, { file: l.file, line: l.line }]),
  );
  const notes: string[] = [];
  const opened = await openProvider(cfg, ctx.logger, ctx.env);
  let ownership;
  if (opened) ownership = await readOwnership(opened.registry);
  else notes.push('ownership rule skipped: no --provider configured to read TXT ownership records from');
  const ignored = new Map<string, number>();
  for (const l of loaded) {
    if (sourceOf(l.obj) || l.obj.kind === 'Gateway' || isPolicyInput(l.obj)) continue;
    const k = `${String(l.obj.apiVersion)} ${String(l.obj.kind)}`;
    ignored.set(k, (ignored.get(k) ?? 0) + 1);
  }
  if (ignored.size)
    notes.push(
      `not checked (kinds zoneguard does not read): ${[...ignored].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  const objs = loaded.map((l) => l.obj);
  const policy = zonePolicyInputs(objs, cfg);
  for (const l of policy.extra) locations.set(l.obj, { file: l.file, line: l.line });
  const results = validateObjects(
    objs,
    ruleContextFrom(cfg, { ownership, zonePolicies: policy.set }),
    extractContextFrom(cfg),
    {
      filter: objectFilterFrom(cfg),
    },
  );
  // each ZonePolicy is itself checked: schema, selector, domains, and overlaps with the others
  for (const obj of policy.policyObjects) {
    const { extraction, verdict } = checkZonePolicy(obj, policy.policies);
    results.push({ obj, extraction, verdict, endpoints: [] });
  }
  return { results, notes, opened, locate: (obj) => locations.get(obj) };
}

export const validateCommand: CommandSpec = {
  name: 'validate',
  description:
    'validate manifests offline with the same rules as the webhook (exit 0 allowed, 1 denied, 2 bad input)',
  check: (cfg) => {
    if (cfg.file.length === 0)
      throw new ConfigError('file', 'give at least one manifest file or directory with -f');
  },
  async run(cfg, ctx) {
    const { results, notes, locate } = await runValidation(cfg, cfg.file, ctx);
    const denied = results.filter((r) => !r.verdict.allowed).length;
    printVerdicts(cfg.output, { results, notes, locate }, ctx.stdout, ctx.stderr);
    return denied > 0 ? 1 : 0;
  },
};
