/** Renders a kustomization with `kubectl kustomize` (client-side only, no cluster needed). */
import { execFileSync } from 'node:child_process';
import YAML from 'yaml';
import type { KubeObject } from '../../core/model/objects.js';

export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function kustomize(dir: string): KubeObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** Cluster-scoped kinds among those zoneguard ships. */
export const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration']);

export function find(objs: readonly KubeObject[], kind: string, predicate: (o: KubeObject) => boolean = () => true): KubeObject[] {
  return objs.filter((o) => o.kind === kind && predicate(o));
}
