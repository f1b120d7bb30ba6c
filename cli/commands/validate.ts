/** `zoneguard validate -f <file|dir>...`: the webhook's verdict, offline, for CI pipelines. */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import { loadManifests } from '../../core/manifests.js';
import { sourceOf } from '../../core/hostnames/index.js';
import { openProvider, readOwnership } from '../../core/providers/open.js';
import { printVerdictsText, resultsJson } from '../../core/report.js';
import { extractContextFrom, objectFilterFrom, ruleContextFrom } from '../../core/setup.js';
import { validateObjects, type ObjectResult } from '../../core/evaluate.js';
import type { CommandContext, CommandSpec } from '../program.js';

export interface ValidationRun {
  results: ObjectResult[];
  /** Warnings about the run itself (no provider: ownership not checked). */
  notes: string[];
  opened?: Awaited<ReturnType<typeof openProvider>>;
}

export async function runValidation(
  cfg: Settings,
  files: string[],
  ctx: Pick<CommandContext, 'logger' | 'env'>,
): Promise<ValidationRun> {
  const loaded = loadManifests(files);
  const notes: string[] = [];
  const opened = await openProvider(cfg, ctx.logger, ctx.env);
  let ownership;
  if (opened) ownership = await readOwnership(opened.registry);
  else notes.push('ownership rule skipped: no --provider configured to read TXT ownership records from');
  const ignored = new Map<string, number>();
  for (const l of loaded) {
    if (sourceOf(l.obj) || l.obj.kind === 'Gateway') continue;
    const k = `${String(l.obj.apiVersion)} ${String(l.obj.kind)}`;
    ignored.set(k, (ignored.get(k) ?? 0) + 1);
  }
  if (ignored.size)
    notes.push(
      `not checked (kinds zoneguard does not read): ${[...ignored].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  const results = validateObjects(
    loaded.map((l) => l.obj),
    ruleContextFrom(cfg, { ownership }),
    extractContextFrom(cfg),
    { filter: objectFilterFrom(cfg) },
  );
  return { results, notes, opened };
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
    const { results, notes } = await runValidation(cfg, cfg.file, ctx);
    const denied = results.filter((r) => !r.verdict.allowed).length;
    if (cfg.output === 'json') {
      ctx.stdout.write(JSON.stringify(resultsJson(results), null, 2) + '\n');
      for (const n of notes) ctx.stderr.write(`zoneguard: warning: ${n}\n`);
    } else {
      for (const n of notes) ctx.stderr.write(`zoneguard: warning: ${n}\n`);
      printVerdictsText(results, ctx.stdout);
      ctx.stdout.write(`${results.length} object(s): ${results.length - denied} allowed, ${denied} denied\n`);
    }
    return denied > 0 ? 1 : 0;
  },
};
