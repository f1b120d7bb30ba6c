/**
 * Gateway API HTTPRoute → claims, as external-dns's gateway-httproute source reads them:
 * hostnames from spec.hostnames[] and the hostname annotation, narrowed to the hostnames of the
 * parent Gateway's listeners (a route with no hostnames takes the listener's); targets from each
 * parent Gateway's status.addresses[].value, replaced by the Gateway's target annotation.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { Ann, AnnotationView, splitList } from './annotations.js';
import { claimsFor } from './targets.js';
import { listField, objectItem, stringField, type ExtractContext, type Partial } from './common.js';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Gateway API hostname intersection: exact, or a listener wildcard covering the route name (or vice versa). */
export function hostnameMatches(listener: string, route: string): string | undefined {
  if (listener === route) return route;
  if (listener.startsWith('*.') && route.endsWith(listener.slice(1)) && !route.startsWith('*.')) return route;
  if (route.startsWith('*.') && listener.endsWith(route.slice(1)) && !listener.startsWith('*.'))
    return listener;
  if (route.startsWith('*.') && listener.startsWith('*.')) {
    if (route.endsWith(listener.slice(1))) return route;
    if (listener.endsWith(route.slice(1))) return listener;
  }
  return undefined;
}

export function extractHttpRoute(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const ns = obj.metadata?.namespace ?? 'default';
  const routeHosts: { host: string; field: string }[] = [];
  listField(base, spec.hostnames, 'spec.hostnames').forEach((h, i) => {
    const s = stringField(base, h, `spec.hostnames[${i}]`);
    if (s)
      routeHosts.push({ host: s.trim().toLowerCase().replace(/\.$/, ''), field: `spec.hostnames[${i}]` });
  });
  for (const h of splitList(base.ann.get(Ann.hostname))) {
    routeHosts.push({
      host: h.toLowerCase().replace(/\.$/, ''),
      field: base.ann.field(Ann.hostname),
    });
  }

  const found = new Map<string, { field: string; targets: Set<string> }>();
  let parents = listField(base, spec.parentRefs, 'spec.parentRefs').filter(
    (p, i) => objectItem(base, p, `spec.parentRefs[${i}]`) !== undefined,
  ) as Record<string, unknown>[];
  if (ctx.acceptedRoutesOnly) {
    // the parents whose Gateway accepted the route (status.parents[].conditions Accepted=True)
    const status = isRecord(obj.status) ? obj.status : {};
    parents = asArray(status.parents)
      .filter(isRecord)
      .filter((p) =>
        asArray(p.conditions).some((c) => isRecord(c) && c.type === 'Accepted' && c.status === 'True'),
      )
      .map((p) => p.parentRef)
      .filter(isRecord);
    if (parents.length === 0) {
      if (routeHosts.length)
        base.warnings.push(
          `${routeHosts.map((r) => r.host).join(', ')}: no Gateway has accepted this HTTPRoute (status.parents); nothing is published until one does`,
        );
      return;
    }
  }
  let gatewaysSeen = 0;
  /** Parents whose Gateway exists but has no HTTP/HTTPS listener this route can attach to. */
  const unattached: string[] = [];
  parents.forEach((p) => {
    const kind = asString(p.kind) ?? 'Gateway';
    const group = asString(p.group) ?? GATEWAY_GROUP;
    if (kind !== 'Gateway' || group !== GATEWAY_GROUP) return;
    const gwNs = asString(p.namespace) ?? ns;
    const gwName = asString(p.name);
    if (!gwName) return;
    const gw = ctx.gateway?.(gwNs, gwName);
    if (!gw) return;
    const gwSpec = isRecord(gw.spec) ? gw.spec : {};
    const gwStatus = isRecord(gw.status) ? gw.status : {};
    let targets = splitList(AnnotationView.of(gw, base.ann.prefix).get(Ann.target));
    if (!targets.length)
      targets = asArray(gwStatus.addresses)
        .filter(isRecord)
        .map((a) => asString(a.value))
        .filter((v): v is string => !!v);
    const section = asString(p.sectionName);
    const port = typeof p.port === 'number' ? p.port : undefined;
    const declared = asArray(gwSpec.listeners).filter(isRecord);
    // listeners an HTTPRoute can attach to: the named section, the port, an HTTP or HTTPS protocol
    const listeners = declared.filter(
      (l) =>
        (!section || l.name === section) &&
        (port === undefined || l.port === port) &&
        (l.protocol === undefined || l.protocol === 'HTTP' || l.protocol === 'HTTPS'),
    );
    if (declared.length > 0 && listeners.length === 0) {
      unattached.push(
        `Gateway ${gwNs}/${gwName}${section ? ` section ${section}` : ''}${port !== undefined ? ` port ${port}` : ''}`,
      );
      return;
    }
    gatewaysSeen++;
    const listenerHosts = listeners.map((l) => asString(l.hostname)?.toLowerCase());
    const anyOpen = listeners.length === 0 || listenerHosts.some((h) => !h);
    const hosts: { host: string; field: string }[] = [];
    if (routeHosts.length === 0) {
      for (const h of listenerHosts)
        if (h) hosts.push({ host: h, field: `Gateway ${gwNs}/${gwName} listener hostname` });
    } else {
      for (const rh of routeHosts) {
        if (anyOpen) hosts.push(rh);
        else
          for (const lh of listenerHosts) {
            const m = lh && hostnameMatches(lh, rh.host);
            if (m) hosts.push({ host: m, field: rh.field });
          }
      }
    }
    for (const h of hosts) {
      const e = found.get(h.host) ?? { field: h.field, targets: new Set<string>() };
      targets.forEach((t) => e.targets.add(t));
      found.set(h.host, e);
    }
  });

  if (gatewaysSeen === 0) {
    // The parent Gateway is unknown here (offline, or not created yet): the hostnames are still
    // checked, without targets.
    if (unattached.length > 0 && routeHosts.length > 0)
      base.warnings.push(
        `${routeHosts.map((r) => r.host).join(', ')}: no HTTP or HTTPS listener of ${unattached.join(', ')} takes this route; nothing is published for it`,
      );
    else if (parents.length > 0 && routeHosts.length > 0)
      base.warnings.push(
        `${routeHosts.map((r) => r.host).join(', ')}: parent Gateway not found; targets come from its status.addresses once it exists`,
      );
    else if (parents.length === 0 && routeHosts.length > 0)
      base.warnings.push(
        `${routeHosts.map((r) => r.host).join(', ')}: HTTPRoute has no Gateway in spec.parentRefs; nothing is published until it is attached to one`,
      );
    for (const rh of routeHosts)
      if (!found.has(rh.host)) found.set(rh.host, { field: rh.field, targets: new Set() });
  }
  for (const [host, e] of found)
    base.claims.push(...claimsFor(host, [...e.targets], { ...base.common, field: e.field }));
}
