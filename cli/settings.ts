/**
 * Settings: the flag table (cli/flags.ts) resolved once, command line > ZONEGUARD_<FLAG> environment
 * > EXTERNAL_DNS_<FLAG> environment (external-dns's own flags) > --config file (YAML, checked by an ajv schema made from the same table) > default, into one
 * frozen object whose type is derived from the table: `settings.domainFilter` is a string[],
 * `settings.policy` is 'sync' | 'upsert-only' | 'create-only', a flag without a default may be
 * undefined. Apps and providers declare the slice of it they read as an interface; the CLI passes
 * the whole object and TypeScript checks that it fits.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { NameRegex } from '../core/name-regex.js';
import { FLAGS } from './flags.js';
import type { FlagSpec } from './flag-spec.js';
import { compatStatus } from './external-dns.js';
import { checkHttpTimeouts } from '../core/http-timeouts.js';
import { checkTlsPolicy } from '../core/tls-policy.js';

type Flag = (typeof FLAGS)[number];
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
interface ValueOfType {
  string: string;
  strings: string[];
  boolean: boolean;
  int: number;
  number: number;
  duration: number;
  regex: NameRegex;
  enum: string;
}
type ValueOf<F extends Flag> = F extends { type: 'enum'; choices: readonly (infer C extends string)[] }
  ? C
  : ValueOfType[F['type']];
/** Flags that always have a value: a default, or a list or boolean (empty, false). */
type Always<F extends Flag> = F extends { default: unknown }
  ? true
  : F['type'] extends 'strings' | 'boolean'
    ? true
    : false;

/** Every flag's value, by camelCase name (durations in milliseconds). */
export type Settings = {
  readonly [F in Flag as CamelCase<F['name']>]: Always<F> extends true ? ValueOf<F> : ValueOf<F> | undefined;
};

export type FlagValue = string | number | boolean | string[] | NameRegex | undefined;

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function envName(flag: string): string {
  return `ZONEGUARD_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Converts one raw value (string from argv/env, or any YAML value) to the flag's type. */
export function coerceFlag(spec: FlagSpec, raw: unknown): FlagValue {
  const bad = (why: string): never => {
    throw new ConfigError(spec.name, why);
  };
  switch (spec.type) {
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') bad('expects a string');
      const v = String(raw);
      const err = spec.check?.(v);
      if (err) bad(err);
      return v;
    }
    case 'strings': {
      const items: unknown[] = Array.isArray(raw) ? raw : [raw];
      const out: string[] = [];
      for (const item of items) {
        if (typeof item !== 'string' && typeof item !== 'number') bad('expects a list of strings');
        for (const part of spec.split === false ? [String(item)] : String(item).split(',')) {
          const t = part.trim();
          if (t !== '') out.push(t);
        }
      }
      const err = spec.check?.(out);
      if (err) bad(err);
      return out;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      // strconv.ParseBool's words (kingpin), and yes/no
      if (['true', '1', 't', 'yes', ''].includes(s)) return true;
      if (['false', '0', 'f', 'no'].includes(s)) return false;
      return bad(`expects true or false, got "${String(raw)}"`);
    }
    case 'int': {
      const s = String(raw).trim();
      if (!/^-?\d+$/.test(s)) bad(`expects an integer, got "${String(raw)}"`);
      const n = Number(s);
      if (spec.min !== undefined && n < spec.min) bad(`must be at least ${spec.min}, got ${n}`);
      const err = spec.check?.(n);
      if (err) bad(err);
      return n;
    }
    case 'number': {
      const s = String(raw).trim();
      const n = /^-?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(n)) bad(`expects a number such as 0.5, got "${String(raw)}"`);
      if (spec.min !== undefined && n < spec.min) bad(`must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) bad(`must be at most ${spec.max}, got ${n}`);
      return n;
    }
    case 'duration': {
      const ms = typeof raw === 'number' ? raw * 1000 : parseDuration(String(raw));
      if (ms === undefined || !Number.isFinite(ms))
        bad(`expects a duration such as 30s, 1m or 500ms, got "${String(raw)}"`);
      if (spec.min !== undefined && (ms as number) < spec.min)
        bad(`must be at least ${spec.min}ms, got "${String(raw)}"`);
      return ms as number;
    }
    case 'enum': {
      const s = String(raw);
      if (!spec.choices?.includes(s)) bad(`must be one of ${spec.choices?.join(', ')}, got "${s}"`);
      return s;
    }
    case 'regex': {
      const s = String(raw);
      if (s === '') return undefined;
      try {
        return NameRegex.compile(s);
      } catch (e) {
        return bad(`invalid regular expression "${s}": ${(e as Error).message}`);
      }
    }
  }
}

function yamlSchemaFor(spec: FlagSpec): object {
  switch (spec.type) {
    case 'strings':
      return { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] };
    case 'boolean':
      return { type: ['boolean', 'string'] };
    case 'int':
      return { type: ['integer', 'string'] };
    case 'number':
      return { type: ['number', 'string'] };
    case 'duration':
      return { type: ['string', 'number'] };
    case 'enum':
      return { type: 'string', enum: [...(spec.choices ?? [])] };
    default:
      return { type: ['string', 'number'] };
  }
}

/** The JSON schema of a --config file for these flags: kebab-case keys, nothing else. */
export function configFileSchema(specs: readonly FlagSpec[]): object {
  const properties: Record<string, object> = {};
  for (const s of specs) properties[s.name] = yamlSchemaFor(s);
  return { type: 'object', properties, additionalProperties: false };
}

export function readConfigFile(path: string, specs: readonly FlagSpec[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('config', `cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new ConfigError('config', `${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate = ajv.compile(configFileSchema(specs));
  if (!validate(doc)) {
    const err = validate.errors?.[0];
    if (err?.keyword === 'additionalProperties') {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      const st = compatStatus(key);
      if (st?.kind === 'refused') throw new ConfigError(key, `${st.reason} (key in ${path})`);
      if (st?.kind === 'alias')
        throw new ConfigError(key, `${path}: write it as "${st.flag.name}" (zoneguard's name)`);
      throw new ConfigError('config', `${path}: unknown key "${key}"`);
    }
    const where = err?.instancePath ? err.instancePath.slice(1).split('/')[0] : '';
    throw new ConfigError(where || 'config', `${path}: ${err?.message ?? 'invalid'}`);
  }
  return doc as Record<string, unknown>;
}

export interface ConfigSources {
  /** Values given on the command line, keyed by flag name (kebab-case), raw. */
  cli: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** Values from EXTERNAL_DNS_<FLAG> variables, read as kingpin does (cli/external-dns.ts). */
  externalDnsEnv?: Record<string, unknown>;
  /** Parsed --config file, keyed by flag name. */
  file?: Record<string, unknown>;
}

/** Resolves the taken flags from CLI > env > file > default, coerced and checked; the others get their defaults. */
function resolveFlags(
  specs: readonly FlagSpec[],
  sources: ConfigSources,
  taken: ReadonlySet<string>,
): Record<string, FlagValue> {
  const out: Record<string, FlagValue> = {};
  for (const spec of specs) {
    let raw: unknown;
    if (!taken.has(spec.name)) {
      out[camelCase(spec.name)] = defaultValue(spec);
      continue;
    }
    if (sources.cli[spec.name] !== undefined) raw = sources.cli[spec.name];
    else if (sources.env[envName(spec.name)] !== undefined) raw = sources.env[envName(spec.name)];
    else if (sources.externalDnsEnv?.[spec.name] !== undefined) raw = sources.externalDnsEnv[spec.name];
    else if (sources.file && sources.file[spec.name] !== undefined) raw = sources.file[spec.name];
    out[camelCase(spec.name)] = raw === undefined ? defaultValue(spec) : coerceFlag(spec, raw);
  }
  return out;
}

function defaultValue(spec: FlagSpec): FlagValue {
  if (spec.default === undefined)
    return spec.type === 'strings' ? [] : spec.type === 'boolean' ? false : undefined;
  if (spec.type === 'duration' && typeof spec.default === 'string') return parseDuration(spec.default);
  if (spec.type === 'regex')
    return typeof spec.default === 'string' && spec.default ? NameRegex.compile(spec.default) : undefined;
  return Array.isArray(spec.default) ? [...(spec.default as string[])] : (spec.default as FlagValue);
}

/** The flags a command takes, each with that command's default. */
export function flagsFor(command: string): FlagSpec[] {
  return (FLAGS as readonly FlagSpec[])
    .filter((f) => !f.commands || f.commands.includes(command))
    .map((f) =>
      f.commandDefaults?.[command] !== undefined ? { ...f, default: f.commandDefaults[command] } : f,
    );
}

/** Cross-flag checks that no single flag can make. */
function checkSettings(s: Settings): void {
  if (s.txtPrefix && s.txtSuffix)
    throw new ConfigError(
      'txt-suffix',
      'cannot be used together with --txt-prefix (external-dns: they are mutually exclusive)',
    );
  const timeouts = checkHttpTimeouts(s);
  if (timeouts) throw new ConfigError('http-header-timeout', timeouts);
  const tls = checkTlsPolicy(s);
  if (tls) throw new ConfigError('tls-cipher-suites', tls);
}

/**
 * Resolves the flags of `command` (all flags when undefined) from these sources; flags the command
 * does not take keep their defaults. Throws ConfigError naming the flag.
 */
export function resolveSettings(command: string | undefined, sources: ConfigSources): Settings {
  const all = FLAGS as readonly FlagSpec[];
  const taken = command ? flagsFor(command) : all;
  const own = new Map(taken.map((f) => [f.name, f]));
  const values = resolveFlags(
    all.map((f) => own.get(f.name) ?? f),
    sources,
    new Set(own.keys()),
  );
  const s = Object.freeze(values) as unknown as Settings;
  checkSettings(s);
  return s;
}

/** Settings of `command` from flag values keyed by flag name, nothing else (tests, embedding). */
export function settingsFor(command: string, cli: Record<string, unknown> = {}): Settings {
  return resolveSettings(command, { cli, env: {} });
}

/** A copy of settings with some values replaced (typed; `demo` fills in its embedded default). */
export function withSettings(s: Settings, changes: Partial<Settings>): Settings {
  const next = Object.freeze({ ...s, ...changes }) as Settings;
  checkSettings(next);
  return next;
}
