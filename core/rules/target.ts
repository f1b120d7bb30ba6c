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
  for (const target of claim.targets) {
    if (t === 'A' && !isIPv4(target))
      return v(
        claim,
        'target',
        `A record target "${target}" is not an IPv4 address`,
        'use a dotted-quad IPv4 address, or record type CNAME for a hostname',
      );
    if (t === 'AAAA' && !isIPv6(target))
      return v(
        claim,
        'target',
        `AAAA record target "${target}" is not an IPv6 address`,
        'use an IPv6 address',
      );
    if (t === 'CNAME') {
      if (isIPv4(target) || isIPv6(target))
        return v(
          claim,
          'target',
          `CNAME target "${target}" is an IP address`,
          'use record type A or AAAA for addresses',
        );
      const p = hostnameProblem(target.replace(/\.$/, ''), 'CNAME');
      if (p)
        return v(
          claim,
          'target',
          `CNAME target "${target}" is not a valid hostname: ${p}`,
          'point the CNAME at a valid hostname',
        );
    }
  }
  if (t === 'CNAME' && claim.targets.length > 1) {
    return v(
      claim,
      'target',
      `CNAME has ${claim.targets.length} targets (${claim.targets.join(', ')}); a CNAME has exactly one`,
      'keep one target, or publish the addresses as A/AAAA records',
    );
  }
  if (t === 'CNAME' && claim.targets[0] === claim.hostname)
    return v(claim, 'target', 'CNAME points at itself', 'point the CNAME at another name');
  return undefined;
};
