/**
 * The command line: commander, with options generated from the one flag table. Values are resolved
 * CLI > ZONEGUARD_<FLAG> env > --config file > default, and checked before a command runs.
 */
import { Command, CommanderError, Option } from 'commander';
import type { FlagSpec } from './flag-spec.js';
import { camelCase, envName, flagsFor, readConfigFile, resolveSettings, type Settings } from './settings.js';
import { ConfigError, InputError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';
import { buildInfo } from '../core/build-info.js';
import {
  canonicalValue,
  compatStatus,
  externalDnsEnvValues,
  externalDnsFlag,
  parseKingpinBool,
  refusedValue,
} from './external-dns.js';
import {
  isSecretFlag,
  refuseSecretsOnCommandLine,
  secretsOnCommandLine,
  warnSecretsOnCommandLine,
} from './secret-flags.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** What `-f -` reads (default: the process's standard input). */
  stdin?: AsyncIterable<string | Buffer>;
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
  /** external-dns flags dropped from argv because their value asks for zoneguard's own behaviour. */
  accepted: ReadonlyMap<string, readonly string[]> = new Map(),
  /** Single-value flags given more than once (the last value is used), by command. */
  repeated: ReadonlyMap<string, readonly string[]> = new Map(),
): Command {
  const program = new Command('zoneguard');
  program
    .description(
      'Keeps Kubernetes DNS honest: admission webhook, reconciler and offline validator for external-dns records',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(false)
    .allowExcessArguments(false)
    // answered before parsing (runCli), before or after a command, as kingpin does
    .option('--version', 'print the version and exit');
  for (const spec of commands) {
    const cmd = program
      .command(spec.name)
      .description(spec.description)
      .exitOverride()
      .allowExcessArguments(false);
    cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    if (spec.args) cmd.arguments(spec.args);
    const specs = flagsFor(spec.name);
    for (const f of specs) {
      cmd.addOption(optionFor(f));
      // kingpin's negation: --no-x (help lists --x only)
      if (f.type === 'boolean') cmd.addOption(new Option(`--no-${f.name}`).hideHelp());
    }
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
      const cfg = resolveSettings(spec.name, {
        cli,
        env: io.env,
        externalDnsEnv: externalDnsEnvValues(io.env, specs),
        file,
      });
      // before the command's own checks: --strict-secrets refuses a secret in argv whatever else is wrong
      const secretsInArgv = secretsOnCommandLine(specs, cli);
      if (cfg.strictSecrets) refuseSecretsOnCommandLine(secretsInArgv);
      spec.check?.(cfg);
      const logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat, destination: io.stderr });
      warnSecretsOnCommandLine(logger, secretsInArgv);
      for (const line of accepted.get(spec.name) ?? [])
        logger.debug({ flag: line }, 'external-dns flag accepted: it asks for what zoneguard does anyway');
      for (const flag of repeated.get(spec.name) ?? [])
        logger.warn(
          {
            flag: `--${flag}`,
            ...(isSecretFlag(flag) ? {} : { value: cfg[camelCase(flag) as keyof Settings] }),
          },
          'flag given more than once: it takes one value, the last one is used',
        );
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
  try {
    const args = argv.slice(2);
    if (wantsVersion(args)) {
      const info = buildInfo();
      io.stdout.write(`zoneguard ${info.version} (node ${info.nodeVersion})\n`);
      return 0;
    }
    const command = commands.find((c) => c.name === args[0]);
    const normal = command ? normalizeArgs(args.slice(1), flagsFor(command.name)) : undefined;
    const program = buildProgram(
      commands,
      io,
      (c) => (code = c),
      new Map(command && normal ? [[command.name, normal.accepted]] : []),
      new Map(command && normal ? [[command.name, normal.repeated]] : []),
    );
    const rest = command && normal ? [args[0], ...normal.args] : args;
    await program.parseAsync(rest, { from: 'user' });
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

/** `--version` anywhere before `--`, as kingpin answers it (`--no-version` asks for nothing). */
function wantsVersion(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--version') return true;
    if (a.startsWith('--version=')) return parseKingpinBool(a.slice('--version='.length)) === true;
  }
  return false;
}

/**
 * Rewrites a command's arguments from kingpin's forms to the flag table's: `--x=true|false` and
 * `--no-x` for booleans, an external-dns alias to its zoneguard flag, and an external-dns flag that
 * zoneguard refuses to one line why (exit 2) — unless its value asks for what zoneguard does anyway
 * (`--registry=txt`, `--no-create-ptr`), when it is dropped (and logged at debug level).
 */
export function normalizeArgs(
  args: readonly string[],
  specs: readonly FlagSpec[],
): { args: string[]; accepted: string[]; repeated: string[] } {
  const own = new Map(specs.map((f) => [f.name, f]));
  const out: string[] = [];
  const accepted: string[] = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!token.startsWith('--')) {
      out.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    let name = token.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : token.slice(eq + 1);
    let negated = false;
    if (name.startsWith('no-') && !own.has(name) && !externalDnsFlag(name)) {
      const base = name.slice(3);
      const spec = own.get(base);
      if (spec?.type === 'boolean' || externalDnsFlag(base)?.bool) {
        name = base;
        negated = true;
      }
    }
    const ext = externalDnsFlag(name);
    const status = own.has(name) ? undefined : compatStatus(name);
    if (status?.kind === 'alias') name = status.flag.name;
    const spec = own.get(name);
    const isBool = spec ? spec.type === 'boolean' : ext?.bool === true;
    // the value as kingpin reads it: booleans only inline, others inline or the next argument
    let value: string | undefined = inline;
    let consumed = 0;
    if (isBool) {
      if (negated && inline !== undefined)
        throw new ConfigError(name, `--no-${name} takes no value, got "${inline}"`);
      if (inline === undefined) value = negated ? 'false' : 'true';
      else {
        const b = parseKingpinBool(inline);
        if (b === undefined) throw new ConfigError(name, `expects true or false, got "${inline}"`);
        value = String(b);
      }
    } else if (value === undefined && (spec || ext) && i + 1 < args.length) {
      value = args[i + 1];
      consumed = 1;
    }
    if (status?.kind === 'refused') {
      if (value !== undefined && status.accepts.includes(value)) {
        accepted.push(`--${name}=${value}`);
        i += consumed;
        continue;
      }
      throw new ConfigError(name, status.reason);
    }
    if (value !== undefined && !isBool) value = canonicalValue(name, value);
    const why = value === undefined ? undefined : refusedValue(name, value);
    if (why) throw new ConfigError(name, why);
    if (!spec) {
      // not a flag of this command: commander names it (a secret's inline value left out of its message)
      out.push(inline !== undefined && isSecretFlag(name) ? `--${name}` : token);
      continue;
    }
    if (spec.type !== 'strings') {
      if (seen.has(name)) repeated.add(name);
      seen.add(name);
    }
    if (isBool) out.push(value === 'true' ? `--${name}` : `--no-${name}`);
    else out.push(value === undefined ? `--${name}` : `--${name}=${value}`);
    i += consumed;
  }
  return { args: out, accepted, repeated: [...repeated] };
}
