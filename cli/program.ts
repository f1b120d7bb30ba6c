/**
 * The command line: commander, with options generated from the one flag table. Values are resolved
 * CLI > ZONEGUARD_<FLAG> env > --config file > default, and checked before a command runs.
 */
import { Command, CommanderError, Option } from 'commander';
import type { FlagSpec } from './flag-spec.js';
import { camelCase, envName, flagsFor, readConfigFile, resolveSettings, type Settings } from './settings.js';
import { ConfigError, InputError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

export interface CommandContext extends Io {
  args: string[];
  logger: Logger;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Positional arguments, commander syntax: "<host>". */
  args?: string;
  /** Extra whole-config checks for this command. */
  check?: (cfg: Settings) => void;
  run: (cfg: Settings, ctx: CommandContext) => Promise<number>;
}

function optionFor(spec: FlagSpec): Option {
  const long = `--${spec.name}`;
  const flags = spec.short ? `-${spec.short}, ${long}` : long;
  const def =
    spec.secret ||
    spec.default === undefined ||
    (Array.isArray(spec.default) && spec.default.length === 0) ||
    spec.default === ''
      ? ''
      : ` (default: ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})`;
  const help = `${spec.help}${def} [env ${envName(spec.name)}]`;
  if (spec.type === 'boolean') {
    return new Option(flags, help);
  }
  const opt = new Option(`${flags} <value>`, help);
  if (spec.type === 'strings') opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
  if (spec.type === 'enum' && spec.choices) opt.choices(spec.choices as string[]);
  return opt;
}

export function buildProgram(
  commands: readonly CommandSpec[],
  io: Io,
  onExit: (code: number) => void,
): Command {
  const program = new Command('zoneguard');
  program
    .description(
      'Keeps Kubernetes DNS honest: admission webhook, reconciler and offline validator for external-dns records',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(false)
    .allowExcessArguments(false);
  for (const spec of commands) {
    const cmd = program
      .command(spec.name)
      .description(spec.description)
      .exitOverride()
      .allowExcessArguments(false);
    cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    if (spec.args) cmd.arguments(spec.args);
    const specs = flagsFor(spec.name);
    for (const f of specs) cmd.addOption(optionFor(f));
    cmd.action(async (...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      const positional = command.args;
      const opts = command.opts() as Record<string, unknown>;
      const cli: Record<string, unknown> = {};
      for (const f of specs) {
        const v = opts[camelCase(f.name)];
        if (v !== undefined) cli[f.name] = v;
      }
      const configPath = (cli['config'] as string | undefined) ?? io.env[envName('config')];
      const file = configPath ? readConfigFile(configPath, specs) : undefined;
      const cfg = resolveSettings(spec.name, { cli, env: io.env, file });
      spec.check?.(cfg);
      const logger = createLogger({ level: cfg.logLevel });
      onExit(await spec.run(cfg, { ...io, args: positional, logger }));
    });
  }
  return program;
}

/** Runs the CLI; returns the exit code: 0 ok, 1 denied/failed check, 2 bad usage or input. */
export async function runCli(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  io: Io,
): Promise<number> {
  let code = 0;
  const program = buildProgram(commands, io, (c) => (code = c));
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      // commander already printed "error: ..." naming the option
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`zoneguard: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr.write(`zoneguard: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
