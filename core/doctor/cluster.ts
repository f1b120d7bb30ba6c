/**
 * Reads the kinds zoneguard watches from a cluster, once (doctor needs a snapshot, not a watch).
 * Every namespace is read, so that objects kept out by --namespace are still found and explained.
 * A kind whose API is not installed (no Gateway API, no DNSEndpoint CRD) is skipped with a note.
 * The HTTP client is passed in (ops/kube-api.ts in the CLI), so this stays free of credentials.
 */
import type { KubeObject } from '../objects.js';
import type { SourcedObject } from './types.js';

export type KubeGet = (path: string) => Promise<{ status: number; body: unknown }>;

const KINDS = [
  { path: '/api/v1/services', apiVersion: 'v1', kind: 'Service' },
  { path: '/apis/networking.k8s.io/v1/ingresses', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  {
    path: '/apis/externaldns.k8s.io/v1alpha1/dnsendpoints',
    apiVersion: 'externaldns.k8s.io/v1alpha1',
    kind: 'DNSEndpoint',
  },
  {
    path: '/apis/gateway.networking.k8s.io/v1/httproutes',
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
  },
  {
    path: '/apis/gateway.networking.k8s.io/v1/gateways',
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
  },
];

export async function readClusterObjects(
  get: KubeGet,
  origin = 'cluster',
): Promise<{ objects: SourcedObject[]; notes: string[] }> {
  const objects: SourcedObject[] = [];
  const notes: string[] = [];
  for (const k of KINDS) {
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
