/**
 * Rule `zone-policy`: the name is delegated to the object's namespace by a ZonePolicy that selects it
 * (core/policy/zone-policy.ts has the semantics). Skipped while no ZonePolicy exists and
 * --require-zone-policy is off, at the cost of one property read per claim. A finding of a Warn or
 * Audit policy carries that enforcement; evaluate() turns it into a warning or an audit-only entry.
 */
import type { Rule } from './context.js';

export const zonePolicyRule: Rule = (claim, x, ctx) => {
  const set = ctx.zonePolicies;
  if (!set?.active) return undefined;
  // an object written without a namespace lands in "default", as kubectl puts it there
  return set.check(claim, x.ref.namespace || 'default', ctx.now ? ctx.now() : Date.now());
};
