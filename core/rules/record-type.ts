/** Rule `record-type`: the record type is one of --managed-record-types. */
import { violation as v, type Rule } from './context.js';

export const recordTypeRule: Rule = (claim, _x, ctx) => {
  if (!claim.recordType || ctx.managedRecordTypes.includes(claim.recordType)) return undefined;
  if (ctx.excludedRecordTypes?.includes(claim.recordType))
    return v(
      claim,
      'record-type',
      `record type ${claim.recordType} is excluded by --exclude-record-types [${ctx.excludedRecordTypes.join(', ')}]`,
      `use one of ${ctx.managedRecordTypes.join(', ')}, or have ${claim.recordType} taken out of --exclude-record-types`,
    );
  return v(
    claim,
    'record-type',
    `record type ${claim.recordType} is not managed [${ctx.managedRecordTypes.join(', ')}]`,
    `use one of ${ctx.managedRecordTypes.join(', ')}, or have --managed-record-types extended`,
  );
};
