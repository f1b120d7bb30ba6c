/** Rule `target`: A needs IPv4, AAAA IPv6, a CNAME one valid hostname (not itself). */
import { isIPv4, isIPv6 } from '../hostnames/targets.js';
import { violation as v, type Rule } from './context.js';
import { hostnameProblem } from './hostname.js';

export const targetRule: Rule = (claim) => {
  const t = claim.recordType;
  if (!t) return undefined;
  if (claim.targets.length === 0) {
    return v(claim, 'target', `${t} record has no targets`, 'list at least one target');
  }
  const bad = targetsProblem(t, claim.targets);
  if (bad) return v(claim, 'target', bad[0], bad[1]);
  if (t === 'CNAME' && claim.targets[0] === claim.hostname)
    return v(claim, 'target', 'CNAME points at itself', 'point the CNAME at another name');
  return undefined;
};

/**
 * A long target list is checked once, not once per name sharing it (core/hostnames/targets.ts
 * groups it once): 1,000 names of one object and 17,000 targets are 17,000 checks, not 17 million.
 */
const checkedLists = new WeakMap<readonly string[], { type: string; problem?: [string, string] }>();

function targetsProblem(t: string, targets: readonly string[]): [string, string] | undefined {
  if (targets.length <= 8) return listProblem(t, targets);
  const known = checkedLists.get(targets);
  if (known?.type === t) return known.problem;
  const problem = listProblem(t, targets);
  checkedLists.set(targets, { type: t, problem });
  return problem;
}

/** What is wrong with a record's targets, as message and fix, independent of its name. */
function listProblem(t: string, targets: readonly string[]): [string, string] | undefined {
  for (const target of targets) {
    if (t === 'A' && !isIPv4(target))
      return [
        `A record target "${target}" is not an IPv4 address`,
        'use a dotted-quad IPv4 address, or record type CNAME for a hostname',
      ];
    if (t === 'AAAA' && !isIPv6(target))
      return [`AAAA record target "${target}" is not an IPv6 address`, 'use an IPv6 address'];
    if (t === 'CNAME') {
      if (isIPv4(target) || isIPv6(target))
        return [`CNAME target "${target}" is an IP address`, 'use record type A or AAAA for addresses'];
      const p = hostnameProblem(target.replace(/\.$/, ''), 'CNAME');
      if (p)
        return [
          `CNAME target "${target}" is not a valid hostname: ${p}`,
          'point the CNAME at a valid hostname',
        ];
    }
  }
  if (t === 'CNAME' && targets.length > 1)
    return [
      `CNAME has ${targets.length} targets (${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ', …' : ''}); a CNAME has exactly one`,
      'keep one target, or publish the addresses as A/AAAA records',
    ];
  return undefined;
}
