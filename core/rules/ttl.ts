/** Rule `ttl`: a whole number of seconds in 1..2147483647. */
import { MAX_TTL } from '../hostnames/annotations.js';
import { violation as v, type Rule } from './context.js';

export const ttlRule: Rule = (claim) => {
  if (claim.ttl === undefined) return undefined;
  if (!Number.isInteger(claim.ttl) || claim.ttl < 1 || claim.ttl > MAX_TTL) {
    return v(
      claim,
      'ttl',
      `TTL ${claim.ttl} is not an integer in 1..${MAX_TTL}`,
      'use a whole number of seconds, e.g. 300',
    );
  }
  return undefined;
};
