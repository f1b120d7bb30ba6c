/**
 * Reads the kinds zoneguard watches from a cluster, once (doctor needs a snapshot, not a watch).
 * Every namespace is read, so that objects kept out by --namespace are still found and explained.
 * A kind whose API is not installed (no Gateway API, no DNSEndpoint CRD) is skipped with a note.
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../objects.js';
import type { SourcedObject } from './types.js';

const CUSTOM_KINDS = [
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress' },
  { group: 'externaldns.k8s.io', version: 'v1alpha1', plural: 'dnsendpoints', kind: 'DNSEndpoint' },
  { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' },
  { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', kind: 'Gateway' },
];

function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export async function readClusterObjects(kubeconfigPath: string): Promise<{ objects: SourcedObject[]; notes: string[] }> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const origin = `cluster ${kc.getCurrentContext() || kc.getCurrentCluster()?.server || ''}`.trim();
  const objects: SourcedObject[] = [];
  const notes: string[] = [];
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const services = await core.listServiceForAllNamespaces();
  // typed client objects carry Date instances; a JSON round trip gives the plain manifest shape
  for (const s of JSON.parse(JSON.stringify(services.items)) as KubeObject[]) objects.push({ obj: { ...s, apiVersion: 'v1', kind: 'Service' }, origin });
  for (const k of CUSTOM_KINDS) {
    try {
      const list = (await custom.listClusterCustomObject({ group: k.group, version: k.version, plural: k.plural })) as { items?: KubeObject[] };
      for (const item of list.items ?? []) objects.push({ obj: { ...item, apiVersion: `${k.group}/${k.version}`, kind: k.kind }, origin });
    } catch (e) {
      const code = statusOf(e);
      if (code === 404) notes.push(`${k.kind} (${k.group}/${k.version}) is not served by this cluster`);
      else notes.push(`${k.kind}: cannot list (${code ?? (e as Error).message})`);
    }
  }
  return { objects, notes };
}
