/**
 * Reads the kinds zoneguard watches from a cluster (ZonePolicies and Namespaces too), once (doctor needs a snapshot, not a watch).
 * Every namespace is read, so that objects kept out by --namespace are still found and explained.
 * A kind whose API is not installed (no Gateway API, no DNSEndpoint CRD) is skipped with a note.
 * The HTTP client is passed in (kube/rest.ts), so this stays free of credentials.
 */
import { apiPath, apiVersionOf, KINDS, POLICY_KINDS } from '../core/kinds.js';
import type { KubeObject } from '../core/model/objects.js';
import type { SourcedObject } from './types.js';

export type KubeGet = (path: string) => Promise<{ status: number; body: unknown }>;

export async function readClusterObjects(
  get: KubeGet,
  origin = 'cluster',
  /** --skipper-routegroup-groupversion's version: RouteGroups are listed at it, as the watch does. */
  routeGroupVersion?: string,
): Promise<{ objects: SourcedObject[]; notes: string[] }> {
  const objects: SourcedObject[] = [];
  const notes: string[] = [];
  // the kinds that claim names, and Namespaces and ZonePolicies (which namespace may use a name)
  for (const table of [...KINDS, ...POLICY_KINDS]) {
    const kind =
      table.source === 'skipper-routegroup' && routeGroupVersion
        ? { ...table, version: routeGroupVersion }
        : table;
    const k = { path: apiPath(kind), apiVersion: apiVersionOf(kind), kind: kind.kind };
    // list pages of 500, following `continue`, as kubectl does
    let cont = '';
    do {
      const res = await get(`${k.path}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      if (res.status === 404) {
        notes.push(`${k.kind} (${k.apiVersion}) is not served by this cluster`);
        break;
      }
      if (res.status !== 200) {
        const msg = (res.body as { message?: string } | undefined)?.message ?? '';
        if (k.kind === 'Service') throw new Error(`listing Services: HTTP ${res.status} ${msg}`.trim());
        notes.push(`${k.kind}: cannot list (HTTP ${res.status}${msg ? `: ${msg}` : ''})`);
        break;
      }
      const list = res.body as { items?: KubeObject[]; metadata?: { continue?: string } };
      // list items carry no apiVersion/kind of their own
      for (const item of list.items ?? [])
        objects.push({ obj: { ...item, apiVersion: k.apiVersion, kind: k.kind }, origin });
      cont = list.metadata?.continue ?? '';
    } while (cont);
  }
  return { objects, notes };
}
