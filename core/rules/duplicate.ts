/** Rule `duplicate`: no other object (input files or the cluster) claims the same name and type. */
import { describeRef } from '../model/objects.js';
import { violation as v, type Rule } from './context.js';

export const duplicateRule: Rule = (claim, x, ctx) => {
  if (!ctx.claims) return undefined;
  const others = ctx.claims.claimants(claim.hostname, claim.recordType, x.ref, claim.setIdentifier);
  if (others.length === 0) return undefined;
  const names = others.map(describeRef).join(', ');
  return v(
    claim,
    'duplicate',
    `also claimed by ${names}`,
    `use a different hostname, or remove it from ${names}`,
  );
};
