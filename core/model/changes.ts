/** A change set: what a plan creates, updates and deletes (external-dns's plan.Changes). */
import type { Endpoint } from './endpoint.js';

/** external-dns's plan.Changes. UpdateOld[i] is replaced by UpdateNew[i]. */
export interface Changes {
  create: Endpoint[];
  updateOld: Endpoint[];
  updateNew: Endpoint[];
  delete: Endpoint[];
}

export function emptyChanges(): Changes {
  return { create: [], updateOld: [], updateNew: [], delete: [] };
}

export function changeCount(c: Changes): number {
  return c.create.length + c.updateNew.length + c.delete.length;
}
