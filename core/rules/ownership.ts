/** Rule `ownership`: the name is not owned by another owner id, nor held by a record nobody owns. */
import { violation as v, type Rule } from './context.js';

export const ownershipRule: Rule = (claim, _x, ctx) => {
  if (!ctx.ownership) return undefined;
  const blocker = ctx.ownership.blockerFor(
    claim.hostname,
    claim.recordType ?? 'CNAME',
    ctx.ownerId,
    claim.setIdentifier,
  );
  if (!blocker) return undefined;
  const set = blocker.setIdentifier ? ` (set identifier "${blocker.setIdentifier}")` : '';
  if (blocker.owner === '') {
    return v(
      claim,
      'ownership',
      `${blocker.recordType} record${set} exists with no ownership record (not managed by any external-dns/zoneguard owner)`,
      'pick another hostname, or have the zone owner delete the record or add a TXT ownership record for this owner id',
    );
  }
  const what = blocker.orphan ? `ownership record${set}` : `${blocker.recordType} record${set}`;
  return v(
    claim,
    'ownership',
    `${what} owned by "${blocker.owner}"${blocker.resource ? ` (${blocker.resource})` : ''}, not "${ctx.ownerId}"`,
    `pick another hostname, or release it from owner "${blocker.owner}" first`,
  );
};
