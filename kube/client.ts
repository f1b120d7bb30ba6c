/**
 * The reconciler's Kubernetes client configuration (@kubernetes/client-node): --kubeconfig, else
 * the in-cluster service account, else $KUBECONFIG, else ~/.kube/config. The environment is passed
 * in, as everywhere in zoneguard.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../core/errors.js';

export function loadKubeConfig(
  kubeconfig: string | undefined,
  env: Record<string, string | undefined>,
): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else {
      const fromEnv = env.KUBECONFIG?.split(delimiter).find((p) => p && existsSync(p));
      const home = join(env.HOME ?? homedir(), '.kube', 'config');
      const file = fromEnv ?? (existsSync(home) ? home : undefined);
      if (!file)
        throw new Error(
          'no --kubeconfig, not in a cluster (KUBERNETES_SERVICE_HOST unset), and no $KUBECONFIG or ~/.kube/config',
        );
      kc.loadFromFile(file);
    }
  } catch (e) {
    throw new ConfigError('kubeconfig', (e as Error).message);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('kubeconfig', 'the current context has no cluster');
  return kc;
}

/** The namespace of the current context (in a cluster: the service account's). */
export function contextNamespace(kc: KubeConfig): string | undefined {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || undefined;
}

/** The HTTP status of a failed client-node call (ApiException.code, or statusCode). */
export function apiStatusCode(e: unknown): number | undefined {
  const x = e as { code?: number; statusCode?: number };
  return x?.code ?? x?.statusCode;
}

/** Lease times are MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
