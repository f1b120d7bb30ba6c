/** Rule `domain-filter`: the name is inside --domain-filter / --regex-domain-filter and not excluded. */
import { violation as v, type Rule } from './context.js';

export const domainFilterRule: Rule = (claim, _x, ctx) => {
  if (ctx.domainFilter.match(claim.hostname)) return undefined;
  if (ctx.domainFilter.excluded(claim.hostname)) {
    return v(
      claim,
      'domain-filter',
      `excluded by ${ctx.domainFilter.exclude.length ? `[${ctx.domainFilter.exclude.join(', ')}]` : ctx.domainFilter.describe()}`,
      'use a hostname outside the excluded domains',
    );
  }
  return v(
    claim,
    'domain-filter',
    `not in ${ctx.domainFilter.describe()}`,
    `use a hostname under ${ctx.domainFilter.describe()}, or have the allowed domains (--domain-filter) extended`,
  );
};
