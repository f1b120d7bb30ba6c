/**
 * --resolve-service-load-balancer-hostname, in the reconciler only: before each sync, the status
 * hostnames of LoadBalancer Services are resolved (the system resolver, as external-dns's
 * net.LookupIP) and the Services publish A/AAAA records of the addresses instead of a CNAME. A name
 * that does not resolve gives no target this sync, as in external-dns (logged). The webhook and the
 * offline commands check the same names: the flag changes targets, never names.
 */
import { lookup } from 'node:dns/promises';
import type { ExtractContext } from '../core/hostnames/common.js';
import type { Logger } from '../core/log.js';
import { asArray, isRecord, type KubeObject } from '../core/model/objects.js';

export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The LoadBalancer status hostnames of the Services among the objects. */
export function loadBalancerHostnames(objects: readonly KubeObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Service' || o.apiVersion !== 'v1' || !isRecord(o.status)) continue;
    const lb = isRecord(o.status.loadBalancer) ? o.status.loadBalancer : {};
    for (const ing of asArray(lb.ingress))
      if (isRecord(ing) && !ing.ip && typeof ing.hostname === 'string' && ing.hostname) out.add(ing.hostname);
  }
  return [...out];
}

/** The extraction context of one sync: with the resolved addresses when the flag is set. */
export async function withResolvedHostnames(
  ctx: ExtractContext,
  objects: readonly KubeObject[],
  resolve: HostLookup,
  logger: Logger,
): Promise<ExtractContext> {
  if (!ctx.resolveLoadBalancerHostname) return ctx;
  const resolved = new Map<string, string[] | undefined>();
  await Promise.all(
    loadBalancerHostnames(objects).map(async (h) => {
      try {
        resolved.set(h, await resolve(h));
      } catch (e) {
        logger.error({ hostname: h, err: (e as Error).message }, 'unable to resolve load-balancer hostname');
        resolved.set(h, undefined);
      }
    }),
  );
  return { ...ctx, resolveHostname: (h) => resolved.get(h) };
}
