/** The one evaluation used by the webhook, the reconciler and `zoneguard validate`. */
import { RULES, type RuleContext } from './rules.js';
import type { Claim, Extraction, RuleId, Verdict, Violation } from '../model/verdict.js';

export * from '../model/verdict.js';
export { type RuleContext, hostnameProblem, isNonPublicAddress } from './rules.js';

export interface EvaluateOptions {
  /** Rules whose findings become warnings instead of denials (e.g. --duplicate-policy=warn). */
  warnOnly?: ReadonlySet<RuleId>;
  /** Rules not run at all. */
  skip?: ReadonlySet<RuleId>;
  /** Only claims for which this returns true can be denied (UPDATE: new hostnames only). */
  deniable?: (claim: Claim) => boolean;
}

export function formatViolation(v: Violation): string {
  // a finding with no hostname (a DNSEndpoint entry without dnsName) names its field in the message
  return v.hostname ? `${v.hostname}: ${v.rule}: ${v.message}` : `${v.rule}: ${v.message}`;
}

export function evaluate(x: Extraction, ctx: RuleContext, opts: EvaluateOptions = {}): Verdict {
  const violations: Violation[] = [];
  const warnings = [...x.warnings];
  const warnedRules = new Set<RuleId>();
  const seen = new Set<string>();
  const warned: Violation[] = [];
  const audited: Violation[] = [];
  const record = (viol: Violation, claim?: Claim) => {
    const key = `${viol.hostname}|${viol.rule}|${viol.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (viol.enforcement === 'Audit') {
      audited.push(viol);
      return;
    }
    const deniable = !claim || !opts.deniable || opts.deniable(claim);
    const warnOnly = viol.enforcement === 'Warn' || opts.warnOnly?.has(viol.rule);
    if (warnOnly || !deniable) {
      if (deniable || warnOnly) {
        warnings.push(formatViolation(viol));
        warnedRules.add(viol.rule);
        warned.push(viol);
      }
      return;
    }
    violations.push(viol);
  };
  if (x.skipped)
    return {
      ref: x.ref,
      allowed: true,
      violations,
      warnings,
      warnedRules: [],
      claims: [],
      skipped: x.skipped,
    };
  for (const p of x.problems) {
    if (opts.skip?.has(p.rule)) continue;
    const claim = x.claims.find((c) => p.hostname.split(', ').includes(c.hostname));
    record(p, claim);
  }
  for (const claim of x.claims) {
    for (const [id, rule] of RULES) {
      if (opts.skip?.has(id)) continue;
      const viol = rule(claim, x, ctx);
      if (!viol) continue;
      record(viol, claim);
      // a malformed name makes the other rules' findings noise
      if (id === 'hostname') break;
    }
    if (ctx.minTtl !== undefined && claim.ttl !== undefined && claim.ttl < ctx.minTtl) {
      warnings.push(
        `${claim.hostname}: ttl: ${claim.ttl}s is below the provider minimum of ${ctx.minTtl}s; the provider will use ${ctx.minTtl}s`,
      );
      warnedRules.add('ttl');
    }
  }
  return {
    ref: x.ref,
    allowed: violations.length === 0,
    violations,
    warnings,
    warnedRules: [...warnedRules],
    ...(warned.length ? { warned } : {}),
    ...(audited.length ? { audited } : {}),
    claims: x.claims,
  };
}

/** UPDATE semantics: only hostnames the old object did not claim can be denied. */
export function newClaimsOnly(oldX: Extraction | undefined): (claim: Claim) => boolean {
  if (!oldX) return () => true;
  const oldNames = new Set(oldX.claims.map((c) => c.hostname));
  return (c) => !oldNames.has(c.hostname);
}

/**
 * How many violations a denial message lists (the rest are counted: "and K more"); `zoneguard
 * validate --output json` lists every one. kubectl prints the whole message, so ten stay readable.
 */
export const MAX_LISTED_VIOLATIONS = 10;
/** The longest text one listed violation takes in a message (a hostname is at most 253). */
export const MAX_VIOLATION_TEXT = 512;

/** `text` cut to at most `max` characters, "…" marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The webhook's denial message: the object, then at most `max` violations with their fixes, each
 * at most MAX_VIOLATION_TEXT long, then "and K more". Its size does not grow with the object's.
 */
export function denialMessage(
  v: Verdict,
  describe: (ref: Verdict['ref']) => string,
  max = MAX_LISTED_VIOLATIONS,
): string {
  return `${clip(describe(v.ref), MAX_VIOLATION_TEXT)} denied by zoneguard: ${violationList(v.violations, max)}`;
}

/**
 * The first `max` violations with their fixes, each at most MAX_VIOLATION_TEXT long, joined with
 * "; ", then "; and K more": the denial message's list, and the reconciler's Event and status.
 */
export function violationList(violations: readonly Violation[], max = MAX_LISTED_VIOLATIONS): string {
  const shown = violations
    .slice(0, max)
    .map((viol) => clip(`${formatViolation(viol)} (fix: ${viol.fix})`, MAX_VIOLATION_TEXT));
  const more = violations.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
