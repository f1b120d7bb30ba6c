/**
 * Secret-valued flags (`secret: true` in cli/flags.ts): given on the command line they still work —
 * a pasted external-dns Deployment passes `--rfc2136-tsig-secret` as an argument — but every local
 * user reads a process's argv (`ps`, /proc/PID/cmdline), so zoneguard logs one warning per such flag
 * naming its file and environment alternatives, and `--strict-secrets` refuses them (exit 2). The
 * value itself is never printed: not in that warning, an error, a log line or an unknown-option
 * message.
 */
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { FLAGS } from './flags.js';
import type { FlagSpec } from './flag-spec.js';
import { envName } from './settings.js';
import { externalDnsEnvName, externalDnsFlag } from './external-dns.js';

/** Words of a flag name that say its value is a secret. */
const SECRET_WORDS = /secret|token|key|passw|credential/;
/** A last word that says the value only points at or qualifies a secret: a path, a name, an algorithm. */
const REFERENCE_WORDS = new Set(['file', 'keyname', 'alg', 'name', 'namespace']);
/**
 * Names the rule would call secret that are not (external-dns flags zoneguard refuses anyway):
 * --tls-client-cert-key is the path of a key file, --cloudflare-region-key a region ("us").
 */
const NOT_SECRET = new Set(['tls-client-cert-key', 'cloudflare-region-key']);

/**
 * The rule a flag is held to (cli/secret-flags.test.ts): a flag that takes a value (not a boolean)
 * whose name contains secret, token, key, passw(ord) or credential carries a secret value — and must
 * be `secret: true` — unless its last word is file, keyname, alg, name or namespace
 * (`--pdns-api-key-file`, `--rfc2136-tsig-keyname`, `--secret-name`), or it is one of the two
 * external-dns flags named above.
 */
export function looksSecret(name: string, boolean = false): boolean {
  if (boolean || NOT_SECRET.has(name) || !SECRET_WORDS.test(name)) return false;
  const last = name.slice(name.lastIndexOf('-') + 1);
  return !REFERENCE_WORDS.has(last);
}

const SECRET_FLAGS = new Set((FLAGS as readonly FlagSpec[]).filter((f) => f.secret).map((f) => f.name));

/** Whether a value of this flag must never be printed: a secret flag, or a name that looks like one. */
export function isSecretFlag(name: string): boolean {
  if (SECRET_FLAGS.has(name)) return true;
  const own = (FLAGS as readonly FlagSpec[]).find((f) => f.name === name);
  return looksSecret(name, own ? own.type === 'boolean' : externalDnsFlag(name)?.bool === true);
}

/** Where else a secret flag's value can come from: its -file flag and environment variables. */
export function secretAlternatives(spec: FlagSpec): { file?: string; env: string[] } {
  const file = (FLAGS as readonly FlagSpec[]).find((f) => f.name === `${spec.name}-file`);
  return {
    ...(file ? { file: `--${file.name}` } : {}),
    env: [envName(spec.name), ...(externalDnsFlag(spec.name) ? [externalDnsEnvName(spec.name)] : [])],
  };
}

function alternativesText(spec: FlagSpec): string {
  const alt = secretAlternatives(spec);
  return [alt.file, ...alt.env].filter(Boolean).join(' or ');
}

/** The secret flags of `specs` that were given on the command line (`cli`: raw values by flag name). */
export function secretsOnCommandLine(specs: readonly FlagSpec[], cli: Record<string, unknown>): FlagSpec[] {
  return specs.filter((f) => f.secret && cli[f.name] !== undefined);
}

/** --strict-secrets: a secret on the command line is a ConfigError naming the flag (never the value). */
export function refuseSecretsOnCommandLine(given: readonly FlagSpec[]): void {
  const first = given[0];
  if (!first) return;
  throw new ConfigError(
    first.name,
    `a secret on the command line is refused (--strict-secrets): every local user can read it in ps and /proc/PID/cmdline; give it with ${alternativesText(first)}`,
  );
}

/** One warning per secret flag given on the command line, naming the flag and its alternatives. */
export function warnSecretsOnCommandLine(logger: Logger, given: readonly FlagSpec[]): void {
  for (const spec of given) {
    const alt = secretAlternatives(spec);
    logger.warn(
      { flag: `--${spec.name}`, ...(alt.file ? { file: alt.file } : {}), env: alt.env.join(', ') },
      'secret given on the command line, where every local user can read it (ps, /proc/PID/cmdline): give it by its file flag or environment variable instead (--strict-secrets refuses it)',
    );
  }
}
