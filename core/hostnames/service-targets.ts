/**
 * The targets of NodePort and headless Services, read from the cluster's Nodes, Pods and
 * EndpointSlices (ctx.objects: the watch's cache, or the objects given to `validate -f`/`plan -f`),
 * as external-dns v0.22's service source makes them (docs/sources/service.md "NodePort",
 * "ClusterIP (headless)", "Domain names for headless service pods"; source/service.go
 * extractNodePortTargets, nodesExternalTrafficPolicyTypeLocal, extractNodePortEndpoints,
 * processHeadlessEndpointsFromSlices, getTargetsForDomain; tables in source/service_test.go).
 * Where external-dns's code and its doc differ, the code is followed: InternalIP IPv6 addresses of
 * nodes are added to ExternalIPs only with --expose-internal-ipv6 (the doc says always).
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { Ann, AnnotationView, splitList } from './annotations.js';
import type { ExtractContext } from './common.js';
import { isIPv6 } from './targets.js';

/** The label an EndpointSlice names its Service by (discovery.k8s.io/v1 LabelServiceName). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const DISCOVERY_GROUP = 'discovery.k8s.io';

export interface ServiceTargets {
  /** Names with their targets, in external-dns's order (sorted by name). */
  names: { hostname: string; targets: string[] }[];
  /** Said to the user (a Pod not found, a node without addresses, nothing read offline). */
  warnings: string[];
  /** The Nodes, Pods or EndpointSlices needed were not in the objects read: targets unknown. */
  unknown?: boolean;
}

const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

interface NodeAddress {
  type: string;
  address: string;
}

function addressesOf(node: KubeObject): NodeAddress[] {
  const out: NodeAddress[] = [];
  for (const a of asArray(rec(node.status).addresses)) {
    if (!isRecord(a)) continue;
    const type = asString(a.type);
    const address = asString(a.address);
    if (type && address) out.push({ type, address });
  }
  return out;
}

/** labels.Set(spec.selector).AsSelector(): every key equal; an empty selector selects every Pod. */
function selectedPods(svc: KubeObject, ctx: ExtractContext): KubeObject[] {
  const selector = rec(rec(svc.spec).selector);
  const ns = svc.metadata?.namespace ?? 'default';
  return (ctx.objects?.list('', 'Pod', ns) ?? []).filter((p) => {
    const labels = rec(p.metadata?.labels);
    for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
    return true;
  });
}

/** A Pod's Ready condition is True (isPodStatusReady). */
function podReady(pod: KubeObject): boolean {
  for (const c of asArray(rec(pod.status).conditions))
    if (isRecord(c) && c.type === 'Ready') return c.status === 'True';
  return false;
}

/**
 * externalTrafficPolicy Local: the nodes of the Service's Running Pods, at the best readiness any
 * node has (ready and not terminating, else ready and terminating, else running).
 */
/** A Node by name (ObjectSet files cluster-scoped objects under "default"). */
function nodeNamed(ctx: ExtractContext, name: string): KubeObject | undefined {
  return name ? ctx.objects?.get('', 'Node', 'default', name) : undefined;
}

function localNodes(svc: KubeObject, ctx: ExtractContext): KubeObject[] {
  const best = new Map<string, { node: KubeObject; p: number }>();
  let max = 0;
  for (const pod of selectedPods(svc, ctx)) {
    if (rec(pod.status).phase !== 'Running') continue;
    const nodeName = asString(rec(pod.spec).nodeName) ?? '';
    const node = nodeNamed(ctx, nodeName);
    if (!node) continue;
    const deleting = !!(pod.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp;
    const p = podReady(pod) ? (deleting ? 2 : 3) : 1;
    const had = best.get(nodeName);
    if (!had || had.p < p) best.set(nodeName, { node, p });
    max = Math.max(max, p);
  }
  return [...best.values()].filter((b) => b.p === max).map((b) => b.node);
}

/** Whether any object of this kind was read at all (offline input may hold none). */
function anyOf(ctx: ExtractContext, group: string, kind: string): boolean {
  return (ctx.objects?.list(group, kind).length ?? 0) > 0;
}

/**
 * A NodePort Service's targets: the addresses of every node (externalTrafficPolicy Local: the
 * nodes running its Pods), by the `access` annotation: public → ExternalIP, private → InternalIP,
 * none → ExternalIP when any node has one, else InternalIP.
 */
export function nodePortTargets(
  svc: KubeObject,
  ctx: ExtractContext,
  ann: AnnotationView,
): { targets: string[]; warnings: string[]; unknown?: boolean } {
  const svcRef = `Service ${svc.metadata?.namespace ?? 'default'}/${nameOf(svc)}`;
  if (!anyOf(ctx, '', 'Node'))
    return {
      targets: [],
      unknown: true,
      warnings: [
        `NodePort ${svcRef} takes the addresses of the cluster's Nodes, and none was read: the names are checked without them (validate and plan read Nodes among -f; the webhook and the reconciler from the cluster)`,
      ],
    };
  const spec = rec(svc.spec);
  const nodes =
    spec.externalTrafficPolicy === 'Local'
      ? localNodes(svc, ctx)
      : [...(ctx.objects?.list('', 'Node') ?? [])];
  const external: string[] = [];
  const internal: string[] = [];
  const internalV6: string[] = [];
  for (const node of nodes) {
    // --exclude-unschedulable (external-dns default: true)
    if (rec(node.spec).unschedulable === true && ctx.excludeUnschedulable !== false) continue;
    for (const a of addressesOf(node)) {
      if (a.type === 'ExternalIP') external.push(a.address);
      else if (a.type === 'InternalIP') {
        internal.push(a.address);
        if (isIPv6(a.address)) internalV6.push(a.address);
      }
    }
  }
  const withV6 = () => (ctx.exposeInternalIpv6 ? [...external, ...internalV6] : external);
  const access = ann.get(Ann.access);
  let targets: string[];
  if (access === 'public') targets = withV6();
  else if (access === 'private') targets = internal;
  else targets = external.length ? withV6() : internal;
  const warnings: string[] = [];
  if (targets.length === 0)
    warnings.push(
      spec.externalTrafficPolicy === 'Local'
        ? `NodePort ${svcRef} (externalTrafficPolicy Local) has no Running Pod on a known Node: no address to publish`
        : `NodePort ${svcRef}: no Node has an address of the type ${access === 'private' ? 'InternalIP' : access === 'public' ? 'ExternalIP' : 'ExternalIP or InternalIP'}`,
    );
  return { targets, warnings };
}

/**
 * The SRV records of a NodePort Service's name: `_<service>._<protocol>.<name>` → `0 50 <nodePort>
 * <name>.` for each port with a nodePort (RFC 2782; external-dns extractNodePortEndpoints).
 */
export function nodePortSrv(svc: KubeObject, hostname: string): { hostname: string; target: string }[] {
  const out: { hostname: string; target: string }[] = [];
  const name = hostname.replace(/\.$/, '');
  for (const port of asArray(rec(svc.spec).ports)) {
    if (!isRecord(port)) continue;
    const nodePort = typeof port.nodePort === 'number' ? port.nodePort : Number(port.nodePort);
    if (!Number.isInteger(nodePort) || nodePort <= 0) continue;
    const protocol = (asString(port.protocol) || 'TCP').toLowerCase();
    out.push({ hostname: `_${nameOf(svc)}._${protocol}.${name}`, target: `0 50 ${nodePort} ${name}.` });
  }
  return out;
}

/**
 * A headless Service's names and targets: for every endpoint of its EndpointSlices (ready ones, or
 * all with spec.publishNotReadyAddresses or --always-publish-not-ready-addresses) whose Pod the
 * Service selects: the Pod's target annotation, else (endpoints-type NodeExternalIP) its node's
 * ExternalIPs, else (endpoints-type HostIP or --publish-host-ip) its status.hostIP, else the
 * endpoint's first address; for `hostname` and, when the Pod has spec.hostname, for
 * `<spec.hostname>.<hostname>`.
 */
export function headlessTargets(
  svc: KubeObject,
  hostname: string,
  ctx: ExtractContext,
  ann: AnnotationView,
): ServiceTargets {
  const ns = svc.metadata?.namespace ?? 'default';
  const svcRef = `headless Service ${ns}/${nameOf(svc)}`;
  if (!anyOf(ctx, DISCOVERY_GROUP, 'EndpointSlice'))
    return {
      names: [],
      unknown: true,
      warnings: [
        `${svcRef} takes its Pods' addresses from its EndpointSlices, and none was read: the names are checked without them (validate and plan read EndpointSlices and Pods among -f; the webhook and the reconciler from the cluster)`,
      ],
    };
  const spec = rec(svc.spec);
  const endpointsType = ann.get(Ann.endpointsType);
  const hostIp = endpointsType === 'HostIP' || (!!ctx.publishHostIp && endpointsType !== 'NodeExternalIP');
  const podIps = endpointsType !== 'NodeExternalIP' && endpointsType !== 'HostIP' && !ctx.publishHostIp;
  const notReady = spec.publishNotReadyAddresses === true || !!ctx.alwaysPublishNotReadyAddresses;
  const pods = selectedPods(svc, ctx);
  const warnings: string[] = [];
  const byName = new Map<string, string[]>();
  const add = (name: string, ts: readonly string[]) => {
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    for (const t of ts) if (!list.includes(t)) list.push(t);
  };
  const slices = (ctx.objects?.list(DISCOVERY_GROUP, 'EndpointSlice', ns) ?? []).filter(
    (s) => rec(s.metadata?.labels)[SERVICE_NAME_LABEL] === nameOf(svc),
  );
  for (const slice of slices) {
    const addressType = asString(slice.addressType);
    for (const ep of asArray(slice.endpoints)) {
      if (!isRecord(ep)) continue;
      // conditions.ready unset counts as ready (EndpointConditions)
      if (rec(ep.conditions).ready === false && !notReady) continue;
      if (podIps && addressType !== 'IPv4' && addressType !== 'IPv6') continue;
      const ref = rec(ep.targetRef);
      // only Pods, named by a core/v1 targetRef (findPodForEndpoint)
      if (ref.kind !== 'Pod' || (ref.apiVersion !== undefined && ref.apiVersion !== '')) continue;
      const pod = pods.find((p) => nameOf(p) === ref.name);
      if (!pod) {
        warnings.push(
          `${svcRef}: Pod ${ns}/${String(ref.name)} of EndpointSlice ${nameOf(slice)} was not found among the Pods it selects`,
        );
        continue;
      }
      const names = [hostname];
      const podHostname = asString(rec(pod.spec).hostname);
      if (podHostname) names.push(`${podHostname}.${hostname}`);
      const targets = podTargets(pod, ep, ctx, ann, { hostIp, endpointsType }, warnings);
      for (const n of names) add(n, targets);
    }
  }
  if (!byName.has(hostname)) add(hostname, []);
  if ((byName.get(hostname) ?? []).length === 0)
    warnings.push(
      `${svcRef}: no ${notReady ? '' : 'ready '}endpoint of a selected Pod yet: ${hostname} gets no address`,
    );
  const names = [...byName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([h, targets]) => ({ hostname: h, targets }));
  return { names, warnings };
}

function podTargets(
  pod: KubeObject,
  ep: Record<string, unknown>,
  ctx: ExtractContext,
  ann: AnnotationView,
  how: { hostIp: boolean; endpointsType?: string },
  warnings: string[],
): string[] {
  const own = splitList(AnnotationView.of(pod, ann.prefix).get(Ann.target));
  if (own.length) return own;
  const podRef = `Pod ${pod.metadata?.namespace ?? 'default'}/${nameOf(pod)}`;
  if (how.endpointsType === 'NodeExternalIP') {
    const nodeName = asString(rec(pod.spec).nodeName) ?? '';
    const node = nodeNamed(ctx, nodeName);
    if (!node) {
      warnings.push(`${podRef}: its Node "${nodeName}" was not found (endpoints-type NodeExternalIP)`);
      return [];
    }
    return addressesOf(node)
      .filter(
        (a) =>
          a.type === 'ExternalIP' || (ctx.exposeInternalIpv6 && a.type === 'InternalIP' && isIPv6(a.address)),
      )
      .map((a) => a.address);
  }
  if (how.hostIp) {
    const ip = asString(rec(pod.status).hostIP);
    if (!ip) warnings.push(`${podRef} has no status.hostIP yet`);
    return ip ? [ip] : [];
  }
  const first = asArray(ep.addresses).find((a): a is string => typeof a === 'string' && a !== '');
  return first ? [first] : [];
}

/** Keeps the keys of a record that are set. */
function pick(o: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!isRecord(o)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A Pod's annotations that external-dns reads on it: the target annotation, under any prefix. */
function externalDnsAnnotations(a: unknown): Record<string, string> | undefined {
  if (!isRecord(a)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (k.endsWith(Ann.target) && typeof v === 'string') out[k] = v;
  return out;
}

/**
 * What of a Node, Pod or EndpointSlice the targets above are made of, as the watch keeps it and
 * compares it (a Pod's probes and a Node's heartbeats change nothing here), and as `validate -f`
 * keeps it while reading. external-dns trims its informers the same way (TransformRemoveManagedFields,
 * TransformKeepAnnotationPrefix). Other objects are returned as they are.
 */
export function serviceTargetPartsOf(obj: KubeObject): KubeObject {
  const head = (extra: Record<string, unknown> = {}) => ({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: obj.metadata?.name,
      ...(obj.metadata?.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata?.labels ? { labels: obj.metadata.labels } : {}),
      ...extra,
    },
  });
  if (obj.kind === 'Node' && obj.apiVersion === 'v1')
    return {
      ...head(),
      spec: pick(obj.spec, ['unschedulable']),
      status: pick(obj.status, ['addresses']),
    };
  if (obj.kind === 'Pod' && obj.apiVersion === 'v1') {
    const status = rec(obj.status);
    const ready = asArray(status.conditions).filter((c) => isRecord(c) && c.type === 'Ready');
    const meta = obj.metadata as { annotations?: unknown; deletionTimestamp?: unknown } | undefined;
    const annotations = externalDnsAnnotations(meta?.annotations);
    return {
      ...head({
        ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
        ...(meta?.deletionTimestamp ? { deletionTimestamp: meta.deletionTimestamp } : {}),
      }),
      spec: pick(obj.spec, ['hostname', 'nodeName']),
      status: {
        ...pick(status, ['phase', 'hostIP']),
        conditions: ready.map((c) => pick(c, ['type', 'status'])),
      },
    };
  }
  if (obj.kind === 'EndpointSlice' && String(obj.apiVersion ?? '').startsWith(`${DISCOVERY_GROUP}/`))
    return {
      ...head(),
      addressType: obj.addressType,
      endpoints: asArray(obj.endpoints).map((ep) =>
        isRecord(ep)
          ? {
              addresses: ep.addresses,
              conditions: pick(ep.conditions, ['ready']),
              targetRef: pick(ep.targetRef, ['apiVersion', 'kind', 'name', 'namespace']),
            }
          : ep,
      ),
    };
  return obj;
}
