/**
 * Every validation rule, one file per rule id, in the order they run. A rule looks at one claim of
 * one object and returns a Violation or nothing; it never throws and never calls a provider.
 */
import type { Rule } from './context.js';
import { domainFilterRule } from './domain-filter.js';
import { duplicateRule } from './duplicate.js';
import { hostnameRule } from './hostname.js';
import { ownershipRule } from './ownership.js';
import { publicPrivateRule } from './public-private.js';
import { recordTypeRule } from './record-type.js';
import { targetRule } from './target.js';
import { ttlRule } from './ttl.js';
import { zonePolicyRule } from './zone-policy.js';
import type { RuleId } from '../model/verdict.js';

export type { Rule, RuleContext } from './context.js';
export { hostnameProblem } from './hostname.js';
export { isNonPublicAddress } from './public-private.js';

/** Order matters only for reading: cheap, local checks first. */
export const RULES: readonly [RuleId, Rule][] = [
  ['hostname', hostnameRule],
  ['domain-filter', domainFilterRule],
  ['record-type', recordTypeRule],
  ['target', targetRule],
  ['ttl', ttlRule],
  ['public-private', publicPrivateRule],
  ['zone-policy', zonePolicyRule],
  ['ownership', ownershipRule],
  ['duplicate', duplicateRule],
];
