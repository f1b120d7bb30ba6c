/** `zoneguard validate -f <file|dir>...`: the webhook's verdict, offline, for CI pipelines. */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import { readManifests, type LoadedObject } from '../../core/manifests.js';
import { isPolicyInput, zonePolicyInputs } from '../../core/policy/inputs.js';
import { checkZonePolicy } from '../../core/policy/verdict.js';
import { openProvider, readOwnership } from '../../core/providers/open.js';
import { printVerdicts, type SourceLocation } from '../../core/report.js';
import type { KubeObject } from '../../core/model/objects.js';
import { extractContextFrom, objectFilterFrom, ruleContextFrom } from '../../core/setup.js';
import { validateStream, type VerdictResult } from '../../core/evaluate.js';
import type { CommandContext, CommandSpec } from '../program.js';

export interface ValidationRun {
  results: VerdictResult[];
  /** Warnings about the run itself (no provider: ownership not checked). */
  notes: string[];
  /** Where each object was read from (its file, and the line its document starts on). */
  locate: (obj: KubeObject) => SourceLocation | undefined;
  opened?: Awaited<ReturnType<typeof openProvider>>;
}

/**
 * Reads the manifests one document at a time (core/manifests.ts) and checks them: memory holds one
 * document and the verdicts, not the input. The provider is opened first, so the rules' context
 * (ownership) is known while objects stream in.
 */
export async function runValidation(
  cfg: Settings,
  files: string[],
  ctx: Pick<CommandContext, 'logger' | 'env'> & { stdin?: AsyncIterable<string | Buffer> },
): Promise<ValidationRun> {
  const notes: string[] = [];
  const opened = await openProvider(cfg, ctx.logger, ctx.env);
  const ownership = opened ? await readOwnership(opened.registry) : undefined;
  if (!opened)
    notes.push('ownership rule skipped: no --provider configured to read TXT ownership records from');
  const ignored = new Map<string, number>();
  const policyInputs: LoadedObject[] = [];
  let policy: ReturnType<typeof zonePolicyInputs> | undefined;
  const results = await validateStream(
    readManifests(files, { stdin: ctx.stdin }),
    // ZonePolicies and Namespaces are read with the rest; the rules run once all are in
    () => {
      policy = zonePolicyInputs(
        policyInputs.map((l) => l.obj),
        cfg,
      );
      return ruleContextFrom(cfg, { ownership, zonePolicies: policy.set });
    },
    extractContextFrom(cfg),
    {
      filter: objectFilterFrom(cfg),
      other: (l) => {
        if (isPolicyInput(l.obj)) return void policyInputs.push(l);
        const k = `${String(l.obj.apiVersion)} ${String(l.obj.kind)}`;
        ignored.set(k, (ignored.get(k) ?? 0) + 1);
      },
    },
  );
  if (ignored.size)
    notes.push(
      `not checked (kinds zoneguard does not read): ${[...ignored].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  const locations = new Map<KubeObject, SourceLocation>();
  for (const l of [...policyInputs, ...(policy?.extra ?? [])])
    locations.set(l.obj, { file: l.file, line: l.line });
  // each ZonePolicy is itself checked: schema, selector, domains, and overlaps with the others
  for (const obj of policy?.policyObjects ?? []) {
    const { verdict } = checkZonePolicy(obj, policy!.policies);
    results.push({ obj, verdict, at: locations.get(obj) });
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
