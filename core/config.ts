/**
 * The one flag table machinery. Every flag is declared once (name, type, default, help) and can be
 * given on the command line, as ZONEGUARD_<FLAG> in the environment, or in a YAML file (--config),
 * with that precedence. The file is validated by an ajv schema generated from the same table.
 * Modules declare their own FlagSpec[] (core below, webhook/, reconciler/, each provider) and
 * cli/flags.ts assembles them; no module reads process.env or argv itself.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { ConfigError } from './errors.js';
import { SOURCES } from './kinds.js';
import { DEFAULT_MANAGED_RECORD_TYPES } from './model/endpoint.js';

export type FlagType = 'string' | 'strings' | 'boolean' | 'int' | 'duration' | 'enum' | 'regex';

export interface FlagSpec {
  /** kebab-case, as on the command line without the dashes: `domain-filter`. */
  name: string;
  type: FlagType;
  help: string;
  default?: string | number | boolean | string[];
  /** For `enum`. */
  choices?: readonly string[];
  /** Secret values are never printed (help shows no example, logs redact them). */
  secret?: boolean;
  /** Commands that accept the flag; undefined means every command. */
  commands?: readonly string[];
  short?: string;
  /** Extra check on the parsed value; returns an error message or undefined. */
  check?: (value: unknown) => string | undefined;
  /** Minimum for int/duration. */
  min?: number;
}

export type FlagValue = string | number | boolean | string[] | RegExp | undefined;
/** Parsed configuration, keyed by camelCase flag name. Frozen. */
export type Config = Readonly<Record<string, FlagValue>>;

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function envName(flag: string): string {
  return `ZONEGUARD_${flag.toUpperCase().replace(/-/g, '_')}`;
}

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Go-style duration ("500ms", "30s", "1m", "2h", also "1m30s") to milliseconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const parts = s.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g);
  if (!parts || parts.join('') !== s) return undefined;
  let total = 0;
  for (const p of parts) {
    const m = DURATION_RE.exec(p);
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return Math.round(total);
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
        for (const part of String(item).split(',')) {
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
      if (['true', '1', 'yes', ''].includes(s)) return true;
      if (['false', '0', 'no'].includes(s)) return false;
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
        return new RegExp(s);
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
  /** Parsed --config file, keyed by flag name. */
  file?: Record<string, unknown>;
}

/** Resolves every flag from CLI > env > file > default, coerces and validates; returns a frozen Config. */
export function resolveConfig(specs: readonly FlagSpec[], sources: ConfigSources): Config {
  const out: Record<string, FlagValue> = {};
  for (const spec of specs) {
    let raw: unknown;
    if (sources.cli[spec.name] !== undefined) raw = sources.cli[spec.name];
    else if (sources.env[envName(spec.name)] !== undefined) raw = sources.env[envName(spec.name)];
    else if (sources.file && sources.file[spec.name] !== undefined) raw = sources.file[spec.name];
    out[camelCase(spec.name)] = raw === undefined ? defaultValue(spec) : coerceFlag(spec, raw);
  }
  return Object.freeze(out);
}

function defaultValue(spec: FlagSpec): FlagValue {
  if (spec.default === undefined)
    return spec.type === 'strings' ? [] : spec.type === 'boolean' ? false : undefined;
  if (spec.type === 'duration' && typeof spec.default === 'string') return parseDuration(spec.default);
  if (spec.type === 'regex')
    return typeof spec.default === 'string' && spec.default ? new RegExp(spec.default) : undefined;
  return Array.isArray(spec.default) ? [...spec.default] : spec.default;
}

// ---- typed accessors (a Config is a bag; modules read it through these) ----
/**
 * A secret kept in a file (a mounted Kubernetes Secret), trimmed; an unreadable file is a
 * ConfigError naming the flag and the file, never the content.
 */
export function readSecretFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(flag, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function str(cfg: Config, key: string): string | undefined {
  const v = cfg[key];
  return typeof v === 'string' ? v : undefined;
}
export function strs(cfg: Config, key: string): string[] {
  const v = cfg[key];
  return Array.isArray(v) ? v : [];
}
export function num(cfg: Config, key: string, fallback: number): number {
  const v = cfg[key];
  return typeof v === 'number' ? v : fallback;
}
export function bool(cfg: Config, key: string): boolean {
  return cfg[key] === true;
}
export function regex(cfg: Config, key: string): RegExp | undefined {
  const v = cfg[key];
  return v instanceof RegExp ? v : undefined;
}

// ---- the core flags: external-dns names and meanings ----

const ALL = undefined;
export const POLICY_COMMANDS = ['validate', 'plan', 'reconcile', 'webhook', 'demo', 'doctor'] as const;

export const coreFlags: FlagSpec[] = [
  { name: 'config', type: 'string', help: 'YAML file with flag values (keys are flag names)', commands: ALL },
  {
    name: 'log-level',
    type: 'enum',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
    default: 'info',
    help: 'log level',
  },
  { name: 'log-format', type: 'enum', choices: ['json', 'text'], default: 'json', help: 'log format' },
  {
    name: 'domain-filter',
    type: 'strings',
    help: 'limit to domains ending in this suffix (repeatable, comma-separated); a leading dot excludes the apex',
  },
  { name: 'exclude-domains', type: 'strings', help: 'exclude subdomains (repeatable, comma-separated)' },
  {
    name: 'regex-domain-filter',
    type: 'regex',
    help: 'limit to domains matching this regex; overrides --domain-filter',
  },
  {
    name: 'regex-domain-exclusion',
    type: 'regex',
    help: 'exclude domains matching this regex; overrides --domain-filter',
  },
  { name: 'zone-id-filter', type: 'strings', help: 'only manage zones with these ids (repeatable)' },
  { name: 'zone-name-filter', type: 'strings', help: 'only manage zones with these names (repeatable)' },
  {
    name: 'public-zone',
    type: 'strings',
    help: 'zones that are public: private, loopback and link-local targets are denied in them (repeatable)',
  },
  {
    name: 'txt-owner-id',
    type: 'string',
    default: 'default',
    help: 'owner id written into TXT ownership records',
    check: (v) =>
      v === '' ? 'must not be empty' : /[,"=]/.test(String(v)) ? 'must not contain , " or =' : undefined,
  },
  {
    name: 'txt-prefix',
    type: 'string',
    default: '',
    help: 'prefix of TXT ownership record names; may contain %{record_type}',
  },
  {
    name: 'txt-suffix',
    type: 'string',
    default: '',
    help: 'suffix of TXT ownership record names; may contain %{record_type}',
  },
  {
    name: 'txt-wildcard-replacement',
    type: 'string',
    default: '',
    help: 'replaces * in the TXT ownership name of wildcard records',
  },
  {
    name: 'managed-record-types',
    type: 'strings',
    default: [...DEFAULT_MANAGED_RECORD_TYPES],
    help: 'record types to manage (repeatable, comma-separated)',
    check: (v) => checkRecordTypes(v as string[]),
  },
  {
    name: 'policy',
    type: 'enum',
    choices: ['sync', 'upsert-only', 'create-only'],
    default: 'sync',
    help: 'how far changes may go: sync deletes, upsert-only never deletes, create-only only creates',
  },
  {
    name: 'provider',
    type: 'enum',
    choices: ['inmemory', 'rfc2136', 'pdns', 'aws', 'google', 'azure', 'azure-private-dns', 'cloudflare'],
    help: 'DNS provider to read ownership from and publish to',
  },
  {
    name: 'source',
    type: 'strings',
    default: ['service', 'ingress', 'crd', 'gateway-httproute'],
    help: 'object kinds to read: service, ingress, crd, gateway-httproute (repeatable)',
    check: (v) => checkSources(v as string[]),
  },
  { name: 'namespace', type: 'string', default: '', help: 'limit to one namespace (empty: all)' },
  {
    name: 'label-filter',
    type: 'string',
    default: '',
    help: 'label selector objects must match (e.g. team=a,env!=dev)',
    check: (v) => checkLabelSelector(String(v)),
  },
  {
    name: 'annotation-filter',
    type: 'string',
    default: '',
    help: 'annotation selector objects must match (same syntax as label selectors)',
    check: (v) => checkLabelSelector(String(v)),
  },
  { name: 'ingress-class', type: 'strings', help: 'only Ingresses of these classes (repeatable)' },
  {
    name: 'default-targets',
    type: 'strings',
    help: 'targets used when an object has none of its own (repeatable)',
  },
  {
    name: 'min-ttl',
    type: 'int',
    min: 1,
    help: 'warn when a record asks for a TTL below this (provider minimum)',
  },
  { name: 'inmemory-zone', type: 'strings', help: 'zones of the inmemory provider (repeatable)' },
  {
    name: 'inmemory-zone-file',
    type: 'strings',
    help: 'seed an inmemory zone from an RFC 1035 master file: zone=path (repeatable)',
    check: (v) => checkZoneFiles(v as string[]),
  },
  {
    name: 'output',
    short: 'o',
    type: 'enum',
    choices: ['text', 'json'],
    default: 'text',
    help: 'output format',
  },
];

function checkRecordTypes(types: string[]): string | undefined {
  const bad = types.filter((t) => !/^[A-Za-z0-9]+$/.test(t));
  return bad.length ? `not a record type: ${bad.join(', ')}` : undefined;
}

function checkSources(sources: string[]): string | undefined {
  const bad = sources.filter((s) => !SOURCES.includes(s));
  return bad.length ? `unknown source ${bad.join(', ')} (known: ${SOURCES.join(', ')})` : undefined;
}

function checkZoneFiles(items: string[]): string | undefined {
  const bad = items.filter((i) => !/^[^=]+=.+$/.test(i));
  return bad.length ? `expects zone=path, got "${bad[0]}"` : undefined;
}

/** Kubernetes label selector syntax: key=value, key==value, key!=value, key, !key, key in (a,b), key notin (a,b). */
export function checkLabelSelector(sel: string): string | undefined {
  if (sel.trim() === '') return undefined;
  try {
    parseSelector(sel);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export type SelectorRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const KEY_RE = /^([a-z0-9A-Z]([-a-zA-Z0-9._]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

export function parseSelector(sel: string): SelectorRequirement[] {
  const reqs: SelectorRequirement[] = [];
  // split on commas that are not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') throw new Error(`empty requirement in selector "${sel}"`);
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      reqs.push({ key: checkKey(m[1]), op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(p))) {
      if (!VALUE_RE.test(m[3])) throw new Error(`invalid value "${m[3]}" in selector`);
      reqs.push({ key: checkKey(m[1]), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] });
    } else if ((m = /^!\s*(\S+)$/.exec(p))) {
      reqs.push({ key: checkKey(m[1]), op: 'notexists' });
    } else if (/^\S+$/.test(p)) {
      reqs.push({ key: checkKey(p), op: 'exists' });
    } else {
      throw new Error(`cannot parse selector requirement "${p}"`);
    }
  }
  return reqs;
}

function checkKey(k: string): string {
  if (!KEY_RE.test(k)) throw new Error(`invalid key "${k}" in selector`);
  return k;
}

export function matchesSelector(
  reqs: readonly SelectorRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** Cross-flag checks that no single flag can make. */
export function checkCoreConfig(cfg: Config): void {
  if (str(cfg, 'txtPrefix') && str(cfg, 'txtSuffix')) {
    throw new ConfigError(
      'txt-suffix',
      'cannot be used together with --txt-prefix (external-dns: they are mutually exclusive)',
    );
  }
}
