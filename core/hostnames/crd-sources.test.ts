/**
 * The CRD sources' extractors, table-tested after external-dns: source/istio_gateway_test.go
 * ("matching selectors for service and gateway", "ingress gateway annotation ...", `ns/host`
 * hosts, `*` skipped), source/istio_virtualservice_test.go (testVirtualServiceBindsToGateway's
 * rows, below, and the endpoint rows), source/contour_httpproxy_test.go (fqdn, status IP and
 * hostname, annotations), source/traefik_proxy_test.go (Host/HostHeader/HostSNI matches, several
 * values in one call, `*` skipped, target annotation only), source/openshift_route_test.go
 * (admitted router, --openshift-router-name), source/kong_tcpingress_test.go (hostname annotation,
 * SNI rule hosts, --ignore-hostname-annotation, target annotation, status),
 * source/f5_virtualserver_test.go and f5_transportserver_test.go (target priority annotation >
 * spec.virtualServerAddress > status.vsAddress, skipped without status.vsAddress or with "None",
 * hostAliases, TTL, no provider-specific annotations).
 * source/skipper_routegroup_test.go (TestEndpointsFromRouteGroups, TestRouteGroupsEndpoints: hosts,
 * annotations, mixed status destinations, fqdn template with and without combine),
 * source/ambassador_host_test.go (Service LB IP / hostname / external IP, target and TTL
 * annotations, missing annotation, TestParseAmbLoadBalancerService).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import { extract, type ExtractContext } from './index.js';
import { ObjectSet } from './common.js';
import { FqdnTemplate } from './fqdn-template.js';
import { bindsToGateway } from './istio-virtualservice.js';
import { traefikRuleHosts } from './traefik.js';
import { parseAmbassadorService } from './ambassador-host.js';
import { validateStream } from '../evaluate.js';
import { DomainFilter } from '../domain-filter.js';
import type { KubeObject } from '../model/objects.js';

const objects = loadManifests([join(import.meta.dirname, 'fixtures', 'crd-sources.yaml')]).map((l) => l.obj);
const base: ExtractContext = { ingressClasses: [], defaultTargets: [], objects: new ObjectSet(objects) };

function find(apiVersion: string, kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.apiVersion === apiVersion && x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture ${kind} ${name} missing`);
  return o;
}

const ISTIO = 'networking.istio.io/v1';
const F5 = 'cis.f5.com/v1';
const GLOO = 'gloo.solo.io/v1';
const rows: {
  name: string;
  obj: [string, string, string];
  ctx?: Partial<ExtractContext>;
  want: string[];
  warning?: RegExp;
  resource?: string;
}[] = [
  {
    name: 'Istio Gateway: hosts (ns/host kept as host, * skipped), targets of the Service its selector matches',
    obj: [ISTIO, 'Gateway', 'public'],
    want: ['foo.example.com A 203.0.113.100', 'bar.example.com A 203.0.113.100'],
    resource: 'gateway/istio-system/public',
  },
  {
    name: "Istio Gateway: a Service's spec.externalIPs win over its load-balancer status",
    obj: [ISTIO, 'Gateway', 'external'],
    want: ['ext.example.com A 198.51.100.10'],
  },
  {
    name: 'Istio Gateway: the target annotation replaces the Service',
    obj: [ISTIO, 'Gateway', 'with-target'],
    want: ['target.example.com CNAME lb.example.net'],
  },
  {
    name: 'Istio Gateway: the ingress annotation takes the Ingress status (same namespace)',
    obj: [ISTIO, 'Gateway', 'via-ingress'],
    want: ['via.example.com CNAME nginx-lb.example.net'],
  },
  {
    name: 'Istio Gateway: no Service matches: the name is checked, nothing published',
    obj: [ISTIO, 'Gateway', 'no-service'],
    want: ['lonely.example.com ?'],
    warning: /no Service with an address matches the selector \{istio=nobody\}/,
  },
  {
    name: 'Istio Gateway: --namespace limits the Services looked at',
    obj: [ISTIO, 'Gateway', 'public'],
    ctx: { namespace: 'elsewhere' },
    want: ['foo.example.com ?', 'bar.example.com ?'],
    warning: /no Service in namespace elsewhere/,
  },
  {
    name: 'Istio Gateway offline without its Service: names only',
    obj: [ISTIO, 'Gateway', 'public'],
    ctx: { objects: new ObjectSet() },
    want: ['foo.example.com ?', 'bar.example.com ?'],
  },
  {
    name: 'VirtualService: hosts (ns/host, * skipped) bound to a Gateway with a * server host; mesh gives nothing',
    obj: [ISTIO, 'VirtualService', 'shop'],
    want: ['shop.example.com A 203.0.113.100', 'cart.example.com A 203.0.113.100'],
    resource: 'virtualservice/apps/shop',
  },
  {
    name: 'VirtualService: a host the Gateway servers do not cover gets no target',
    obj: [ISTIO, 'VirtualService', 'wild-vs'],
    want: ['a.example.org A 203.0.113.100', 'a.example.net ?'],
    warning: /a\.example\.net: no Gateway in spec\.gateways binds to it/,
  },
  {
    name: 'VirtualService: mesh only',
    obj: [ISTIO, 'VirtualService', 'mesh-only'],
    want: ['internal.example.com ?'],
    warning: /mesh only/,
  },
  {
    name: "VirtualService: exportTo ['.'] does not reach a Gateway of another namespace",
    obj: [ISTIO, 'VirtualService', 'not-exported'],
    want: ['hidden.example.com ?'],
  },
  {
    name: 'VirtualService: its Gateway does not exist',
    obj: [ISTIO, 'VirtualService', 'missing-gw'],
    want: ['orphan.example.com ?'],
    warning: /Istio Gateway apps\/nowhere not found/,
  },
  {
    name: 'HTTPProxy: virtualhost.fqdn, status IP and hostname both',
    obj: ['projectcontour.io/v1', 'HTTPProxy', 'app'],
    want: ['app.example.com A 203.0.113.110', 'app.example.com CNAME contour-lb.example.net'],
    resource: 'HTTPProxy/web/app',
  },
  {
    name: 'HTTPProxy without virtualhost (included by another) has no name',
    obj: ['projectcontour.io/v1', 'HTTPProxy', 'included'],
    want: [],
  },
  {
    name: 'HTTPProxy: hostname and target annotations',
    obj: ['projectcontour.io/v1', 'HTTPProxy', 'annotated'],
    want: ['main.example.com A 198.51.100.20', 'extra.example.com A 198.51.100.20'],
  },
  {
    name: 'IngressRoute: every Host/HostHeader value of every route, * skipped, target annotation',
    obj: ['traefik.io/v1alpha1', 'IngressRoute', 'web'],
    want: [
      'd.example.com CNAME traefik.example.net',
      'e.example.com CNAME traefik.example.net',
      'g.example.com CNAME traefik.example.net',
      'h.example.com CNAME traefik.example.net',
      'c.example.com CNAME traefik.example.net',
    ],
    resource: 'ingressroute/web/web',
  },
  {
    name: 'IngressRouteTCP: HostSNI',
    obj: ['traefik.io/v1alpha1', 'IngressRouteTCP', 'db'],
    want: ['db.example.com A 203.0.113.120'],
  },
  {
    name: 'IngressRouteUDP: the hostname annotation only',
    obj: ['traefik.io/v1alpha1', 'IngressRouteUDP', 'dns'],
    want: ['udp.example.com A 203.0.113.121'],
  },
  {
    name: 'IngressRoute without target annotation: checked, nothing published',
    obj: ['traefik.io/v1alpha1', 'IngressRoute', 'no-target'],
    want: ['notarget.example.com ?'],
    warning: /publishes Traefik routes only with one/,
  },
  {
    name: 'IngressRoute of traefik.containo.us',
    obj: ['traefik.containo.us/v1alpha1', 'IngressRoute', 'legacy'],
    want: ['legacy.example.com CNAME traefik.example.net'],
  },
  {
    name: 'Route: the admitted host, CNAME to the router',
    obj: ['route.openshift.io/v1', 'Route', 'admitted'],
    want: ['r.example.com CNAME router-default.apps.example.com'],
    resource: 'route/web/admitted',
  },
  {
    name: 'Route: the first router that admitted it',
    obj: ['route.openshift.io/v1', 'Route', 'two-routers'],
    want: ['two.example.com CNAME router-default.apps.example.com'],
  },
  {
    name: 'Route: --openshift-router-name picks its router',
    obj: ['route.openshift.io/v1', 'Route', 'two-routers'],
    ctx: { openshiftRouterName: 'sharded' },
    want: ['two.example.com CNAME router-sharded.apps.example.com'],
  },
  {
    name: 'Route not admitted: spec.host is checked, nothing published',
    obj: ['route.openshift.io/v1', 'Route', 'not-admitted'],
    want: ['new.example.com ?'],
    warning: /no router has admitted this Route/,
  },
  {
    name: 'TCPIngress: hostname annotation then each rule host (SNI); a rule without host and spec.tls name nothing',
    obj: ['configuration.konghq.com/v1beta1', 'TCPIngress', 'tcp-ingress-both'],
    want: [
      'd.example.com CNAME a12e71861a4303f063456769a314a3bd-1291189659.us-east-1.elb.amazonaws.com',
      'e.example.com CNAME a12e71861a4303f063456769a314a3bd-1291189659.us-east-1.elb.amazonaws.com',
      'f.example.com CNAME a12e71861a4303f063456769a314a3bd-1291189659.us-east-1.elb.amazonaws.com',
    ],
    resource: 'tcpingress/kong/tcp-ingress-both',
  },
  {
    name: 'TCPIngress: --ignore-hostname-annotation keeps the rule hosts only',
    obj: ['configuration.konghq.com/v1beta1', 'TCPIngress', 'tcp-ingress-both'],
    ctx: { ignoreHostnameAnnotation: true },
    want: [
      'e.example.com CNAME a12e71861a4303f063456769a314a3bd-1291189659.us-east-1.elb.amazonaws.com',
      'f.example.com CNAME a12e71861a4303f063456769a314a3bd-1291189659.us-east-1.elb.amazonaws.com',
    ],
  },
  {
    name: 'TCPIngress: the target annotation (alpha prefix, checked) replaces the status',
    obj: ['configuration.konghq.com/v1beta1', 'TCPIngress', 'tcp-ingress-target'],
    ctx: { annotationPrefix: 'external-dns.alpha.kubernetes.io/' },
    want: ['target.example.com A 203.0.113.4'],
  },
  {
    name: 'TCPIngress: status IP and hostname both without a target annotation',
    obj: ['configuration.konghq.com/v1beta1', 'TCPIngress', 'tcp-ingress-target'],
    want: ['target.example.com A 203.0.113.3', 'target.example.com CNAME kong-lb.example.net'],
  },
  {
    name: 'TCPIngress without load-balancer status: checked, nothing published',
    obj: ['configuration.konghq.com/v1beta1', 'TCPIngress', 'tcp-ingress-pending'],
    want: ['pending.example.com ?'],
    warning: /TCPIngress has no load-balancer address yet/,
  },
  {
    name: 'VirtualServer: the target annotation wins over spec and status addresses',
    obj: [F5, 'VirtualServer', 'with-target'],
    want: ['www.example.com A 192.168.1.150'],
    resource: 'f5-virtualserver/f5/with-target',
  },
  {
    name: 'VirtualServer: spec.virtualServerAddress wins over status.vsAddress',
    obj: [F5, 'VirtualServer', 'spec-address'],
    want: ['www.example.com A 192.168.1.100'],
  },
  {
    name: 'VirtualServer: status.vsAddress when spec has no address',
    obj: [F5, 'VirtualServer', 'status-address'],
    want: ['www.example.com A 192.168.1.100'],
  },
  {
    name: 'VirtualServer without status.vsAddress (CREATE): spec.host checked, nothing published',
    obj: [F5, 'VirtualServer', 'no-address'],
    want: ['www.example.com ?'],
    warning: /F5 CIS has not given this VirtualServer an address yet \(status\.vsAddress is empty\)/,
  },
  {
    name: 'VirtualServer with status.vsAddress "None": checked, nothing published',
    obj: [F5, 'VirtualServer', 'address-none'],
    want: ['www.example.com ?'],
    warning: /status\.vsAddress is "None"/,
  },
  {
    name: 'VirtualServer with error status but valid IP is published',
    obj: [F5, 'VirtualServer', 'error-status'],
    want: ['www.example.com A 192.168.1.100'],
  },
  {
    name: 'VirtualServer: host and hostAliases (blank skipped), target annotation',
    obj: [F5, 'VirtualServer', 'aliases'],
    want: [
      'www.example.com A 192.168.1.150',
      'alias1.example.com A 192.168.1.150',
      'alias2.example.com A 192.168.1.150',
    ],
  },
  {
    name: 'VirtualServer: no hostname annotation',
    obj: [F5, 'VirtualServer', 'ignored-annotations'],
    want: ['www.example.com A 192.168.1.100'],
  },
  {
    name: 'TransportServer: spec.host (no hostAliases), spec address',
    obj: [F5, 'TransportServer', 'tcp'],
    want: ['tcp.example.com A 192.168.1.100'],
    resource: 'f5-transportserver/f5/tcp',
  },
  {
    name: 'TransportServer with empty status.vsAddress: checked, nothing published',
    obj: [F5, 'TransportServer', 'tcp-pending'],
    want: ['tcp.example.com ?'],
    warning: /F5 CIS has not given this TransportServer an address yet/,
  },
  {
    name: 'RouteGroup: spec.hosts (empty skipped) then the hostname annotation; status IP and hostname both',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg1'],
    want: [
      'rg1.k8s.example A 1.5.1.4',
      'rg1.k8s.example CNAME lb.example.org',
      'my.example A 1.5.1.4',
      'my.example CNAME lb.example.org',
    ],
    resource: 'routegroup/namespace1/rg1',
  },
  {
    name: 'RouteGroup: --ignore-hostname-annotation keeps spec.hosts only',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg1'],
    ctx: { ignoreHostnameAnnotation: true },
    want: ['rg1.k8s.example A 1.5.1.4', 'rg1.k8s.example CNAME lb.example.org'],
  },
  {
    name: 'RouteGroup: the target annotation replaces the status; ttl annotation',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-target'],
    want: ['target.k8s.example A 203.0.113.8'],
  },
  {
    name: 'RouteGroup without hosts: no name',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-nohosts'],
    want: [],
  },
  {
    name: 'RouteGroup without hosts takes --fqdn-template (its names get the status targets)',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-nohosts'],
    ctx: { fqdnTemplate: FqdnTemplate.parse(['{{.Metadata.Name}}.{{.Metadata.Namespace}}.example']) },
    want: ['rg-nohosts.namespace1.example CNAME lb.example.org'],
  },
  {
    name: 'RouteGroup with hosts: the template only with --combine-fqdn-annotation',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-target'],
    ctx: {
      fqdnTemplate: FqdnTemplate.parse(['{{.Metadata.Name}}.{{.Metadata.Namespace}}.example']),
      combineFqdnAnnotation: true,
    },
    want: ['target.k8s.example A 203.0.113.8', 'rg-target.namespace1.example A 203.0.113.8'],
  },
  {
    name: 'RouteGroup with hosts and a template, combine off: its own names only',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-target'],
    ctx: { fqdnTemplate: FqdnTemplate.parse(['{{.Metadata.Name}}.{{.Metadata.Namespace}}.example']) },
    want: ['target.k8s.example A 203.0.113.8'],
  },
  {
    name: 'RouteGroup without load-balancer status: checked, nothing published',
    obj: ['zalando.org/v1', 'RouteGroup', 'rg-pending'],
    want: ['pending.k8s.example ?'],
    warning: /RouteGroup has no load-balancer address yet/,
  },
  {
    name: "Proxy: every virtual host's domains (trailing dot removed), targets of its LoadBalancer Service (IPs)",
    obj: [GLOO, 'Proxy', 'gloo-internal'],
    want: [
      'a.test A 203.0.113.1,203.0.113.2,203.0.113.3',
      'b.test A 203.0.113.1,203.0.113.2,203.0.113.3',
      'c.test A 203.0.113.1,203.0.113.2,203.0.113.3',
    ],
    resource: 'proxy/gloo-system/gloo-internal',
  },
  {
    name: 'Proxy: Service hostnames give CNAMEs; metadataStatic VirtualService; a bare * domain skipped',
    obj: [GLOO, 'Proxy', 'gloo-external'],
    want: ['d.test CNAME a.example.org,b.example.org', 'e.test CNAME a.example.org,b.example.org'],
    warning: /domains\[1\]: the domain "\*" is not a DNS name/,
  },
  {
    name: 'Proxy: the target annotation; no hostname annotation',
    obj: [GLOO, 'Proxy', 'target-annotated'],
    want: ['i.test A 203.2.45.7'],
  },
  {
    name: "Proxy: a listener's Gloo Gateway's ingress annotation gives the Ingress's address",
    obj: [GLOO, 'Proxy', 'gateway-ingress'],
    want: ['k.test CNAME ingress-lb.example.net'],
  },
  {
    name: 'Proxy: aggregateListener virtual hosts named by its filter chains',
    obj: [GLOO, 'Proxy', 'aggregate-listener'],
    want: ['l.test A 203.3.45.9'],
  },
  {
    name: '--gloo-namespace: a Proxy of another namespace is read',
    obj: [GLOO, 'Proxy', 'elsewhere'],
    ctx: { glooNamespaces: ['apps'] },
    want: ['m.test ?'],
    warning: /its Service apps\/elsewhere was not found/,
  },
  {
    name: 'Proxy whose Service is not a LoadBalancer, or whose VirtualService is missing: checked, nothing published',
    obj: [GLOO, 'Proxy', 'gloo-clusterip'],
    want: ['n.test ?', 'o.test ?'],
    warning: /is of type ClusterIP, not LoadBalancer/,
  },
  {
    name: 'Host: spec.hostname, the LB IP and hostname of the Service ns/name; no hostname annotation, no controller skip',
    obj: ['getambassador.io/v3alpha1', 'Host', 'simple'],
    want: ['www.example.org A 1.1.1.1', 'www.example.org CNAME dns.google'],
    resource: 'host/apps/simple',
  },
  {
    name: "Host: the Service's spec.externalIPs win over its status (name.namespace form)",
    obj: ['getambassador.io/v3alpha1', 'Host', 'external-ip'],
    want: ['ext.example.org A 2.2.2.2'],
  },
  {
    name: 'Host: a bare Service name is looked for in namespace default',
    obj: ['getambassador.io/v3alpha1', 'Host', 'bare-name'],
    want: ['bare.example.org A 1.1.1.2'],
  },
  {
    name: 'Host: the target annotation replaces the Service',
    obj: ['getambassador.io/v3alpha1', 'Host', 'with-target'],
    ctx: { annotationPrefix: 'external-dns.alpha.kubernetes.io/' },
    want: ['target.example.org A 3.3.3.3'],
  },
  {
    name: 'Host whose Service is not there: checked, nothing published',
    obj: ['getambassador.io/v3alpha1', 'Host', 'missing-service'],
    want: ['missing.example.org ?'],
    warning: /Service emissary\/nowhere named by .* was not found/,
  },
  {
    name: 'Host with an annotation of two "/": checked, nothing published',
    obj: ['getambassador.io/v3alpha1', 'Host', 'bad-annotation'],
    want: ['bad.example.org ?'],
    warning: /"ns\/svc\/foo" is not namespace\/name, name\.namespace or name/,
  },
  {
    name: 'Host whose Service has no address yet: checked, nothing published',
    obj: ['getambassador.io/v3alpha1', 'Host', 'pending'],
    want: ['pending.example.org ?'],
    warning: /Service emissary\/emissary-pending named by .* has no address yet/,
  },
  {
    name: 'Host offline without its Service: the name only',
    obj: ['getambassador.io/v3alpha1', 'Host', 'simple'],
    ctx: { objects: new ObjectSet() },
    want: ['www.example.org ?'],
  },
];

describe('CRD sources', () => {
  it.each(rows)('$name', ({ obj, ctx, want, warning, resource }) => {
    const x = extract(find(...obj), { ...base, ...ctx });
    expect(x.skipped).toBeUndefined();
    expect(x.problems).toEqual([]);
    expect(
      x.claims.map(
        (c) => `${c.hostname} ${c.recordType ?? '?'}${c.targets.length ? ' ' + c.targets.join(',') : ''}`,
      ),
    ).toEqual(want);
    if (warning) expect(x.warnings.join('\n')).toMatch(warning);
    if (resource) expect(x.resource).toBe(resource);
  });
});

describe('F5 record properties', () => {
  // f5_virtualserver_test.go "TTL annotation", f5_transportserver_test.go "does not support
  // provider-specific annotations": the ttl annotation is read, set-identifier and provider-specific
  // ones are not (and so do not deny: aws-weight without effect needs no set identifier)
  it('reads the TTL, not set-identifier nor provider-specific annotations', () => {
    const ttl = extract(find(F5, 'VirtualServer', 'error-status'), base);
    expect(ttl.claims.map((c) => c.ttl)).toEqual([600]);
    const x = extract(find(F5, 'VirtualServer', 'ignored-annotations'), base);
    expect(x.problems).toEqual([]);
    expect(x.claims.map((c) => [c.setIdentifier, c.providerSpecific])).toEqual([[undefined, undefined]]);
  });
  it('--fqdn-template names are checked and publish nothing (targets come from --target-template)', () => {
    const fqdnTemplate = FqdnTemplate.parse(['{{ .Name }}.tmpl.example.com'])!;
    const x = extract(find(F5, 'TransportServer', 'tcp'), {
      ...base,
      fqdnTemplate,
      combineFqdnAnnotation: true,
    });
    expect(x.claims.map((c) => `${c.hostname} ${c.targets.length}`)).toEqual([
      'tcp.example.com 1',
      'tcp.tmpl.example.com 0',
    ]);
  });
});

describe('Gloo Proxy', () => {
  it("takes a virtual host's record properties from its VirtualServices, none from the Proxy (gloo_proxy_test.go c.test, h.test)", () => {
    const x = extract(find(GLOO, 'Proxy', 'gloo-internal'), base);
    expect(x.claims.map((c) => [c.hostname, c.ttl, c.setIdentifier, c.providerSpecific])).toEqual([
      ['a.test', undefined, undefined, undefined],
      ['b.test', undefined, undefined, undefined],
      ['c.test', 42, 'identifier', { 'aws/geolocation-country-code': 'LU' }],
    ]);
    expect(extract(find(GLOO, 'Proxy', 'gloo-external'), base).claims.map((c) => c.ttl)).toEqual([
      undefined,
      24,
    ]);
    expect(extract(find(GLOO, 'Proxy', 'target-annotated'), base).claims.map((c) => c.ttl)).toEqual([
      undefined,
    ]);
  });
  it('a Proxy outside --gloo-namespace (default gloo-system) is not read', () => {
    const x = extract(find(GLOO, 'Proxy', 'elsewhere'), base);
    expect(x.claims).toEqual([]);
    expect(x.skipped).toMatch(/Proxy namespace apps is not a --gloo-namespace \(gloo-system\)/);
  });
  it('a missing VirtualService is said', () => {
    const x = extract(find(GLOO, 'Proxy', 'gloo-clusterip'), base);
    expect(x.warnings.join('\n')).toMatch(/o\.test: VirtualService internal\/nowhere .* was not found/);
  });
});

// istio_virtualservice_test.go testVirtualServiceBindsToGateway
const gw = (namespace: string, hosts: string[]): KubeObject => ({
  apiVersion: ISTIO,
  kind: 'Gateway',
  metadata: { name: 'gw', namespace },
  spec: { servers: [{ hosts }] },
});
const vs = (namespace: string, exportTo?: string[]): KubeObject => ({
  apiVersion: ISTIO,
  kind: 'VirtualService',
  metadata: { name: 'vs', namespace },
  spec: exportTo ? { exportTo } : {},
});
const binds: { title: string; gw: KubeObject; vs: KubeObject; host: string; want: boolean }[] = [
  { title: 'matching host *', gw: gw('default', ['*']), vs: vs('default'), host: 'foo.bar', want: true },
  {
    title: 'matching host *.<domain>',
    gw: gw('default', ['*.foo.bar']),
    vs: vs('default'),
    host: 'baz.foo.bar',
    want: true,
  },
  {
    title: 'not matching host *.<domain> (apex)',
    gw: gw('default', ['*.foo.bar']),
    vs: vs('default'),
    host: 'foo.bar',
    want: false,
  },
  {
    title: 'not matching host *.<domain> (no dot)',
    gw: gw('default', ['*.foo.bar']),
    vs: vs('default'),
    host: 'bazfoo.bar',
    want: false,
  },
  {
    title: 'not matching host *.<domain> (*foo)',
    gw: gw('default', ['*.foo.bar']),
    vs: vs('default'),
    host: '*foo.bar',
    want: false,
  },
  { title: 'matching host */*', gw: gw('default', ['*/*']), vs: vs('default'), host: 'foo.bar', want: true },
  {
    title: 'matching host <namespace>/*',
    gw: gw('istio-system', ['myns/*']),
    vs: vs('myns'),
    host: 'foo.bar',
    want: true,
  },
  {
    title: 'matching host ./*',
    gw: gw('istio-system', ['./*']),
    vs: vs('istio-system'),
    host: 'foo.bar',
    want: true,
  },
  {
    title: 'not matching host ./*',
    gw: gw('istio-system', ['./*']),
    vs: vs('myns'),
    host: 'foo.bar',
    want: false,
  },
  {
    title: 'not matching host <namespace>/*',
    gw: gw('istio-system', ['myns/*']),
    vs: vs('otherns'),
    host: 'foo.bar',
    want: false,
  },
  {
    title: 'matching exportTo *',
    gw: gw('istio-system', ['*']),
    vs: vs('myns', ['*']),
    host: 'foo.bar',
    want: true,
  },
  {
    title: 'matching exportTo <namespace>',
    gw: gw('istio-system', ['*']),
    vs: vs('myns', ['istio-system']),
    host: 'foo.bar',
    want: true,
  },
  {
    title: 'not matching exportTo <namespace>',
    gw: gw('istio-system', ['*']),
    vs: vs('myns', ['otherns']),
    host: 'foo.bar',
    want: false,
  },
  {
    title: 'not matching exportTo .',
    gw: gw('istio-system', ['*']),
    vs: vs('myns', ['.']),
    host: 'foo.bar',
    want: false,
  },
];

describe('Ambassador Host (ambassador_host_test.go)', () => {
  it('"Host with missing Ambassador annotation": not read, as external-dns ignores it', () => {
    const x = extract(find('getambassador.io/v3alpha1', 'Host', 'no-annotation'), base);
    expect(x.claims).toEqual([]);
    expect(x.skipped).toMatch(/no external-dns\.ambassador-service annotation/);
  });

  it('"Host with TTL annotation": the record carries it', () => {
    const x = extract(find('getambassador.io/v3alpha1', 'Host', 'with-target'), {
      ...base,
      annotationPrefix: 'external-dns.alpha.kubernetes.io/',
    });
    expect(x.claims.map((c) => c.ttl)).toEqual([10]);
  });

  it('a streamed validate -f: a Host finds the Service given after it', async () => {
    const host = find('getambassador.io/v3alpha1', 'Host', 'simple');
    const svc = find('v1', 'Service', 'emissary-ingress');
    const results = await validateStream(
      [
        { obj: host, file: 'in.yaml', line: 1 },
        { obj: svc, file: 'in.yaml', line: 9 },
      ],
      {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.org'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      { ingressClasses: [], defaultTargets: [] },
    );
    const v = results.find((r) => r.verdict.ref.kind === 'Host')!.verdict;
    expect(v.claims.map((c) => `${c.hostname} ${c.recordType ?? '?'} ${c.targets.join(',')}`)).toEqual([
      'www.example.org A 1.1.1.1',
      'www.example.org CNAME dns.google',
    ]);
  });

  // TestParseAmbLoadBalancerService
  it.each([
    ['svc', { namespace: 'default', name: 'svc' }],
    ['ns/svc', { namespace: 'ns', name: 'svc' }],
    ['svc.ns', { namespace: 'ns', name: 'svc' }],
    ['svc.ns.foo.bar', { namespace: 'ns.foo.bar', name: 'svc' }],
    ['ns/svc/foo/bar', undefined],
    ['ns/svc/foo.bar', undefined],
    ['ns.foo/svc/bar', undefined],
  ] as const)('parses %s', (v, want) => expect(parseAmbassadorService(v)).toEqual(want));
});

describe('VirtualService binds to Gateway (istio_virtualservice_test.go)', () => {
  it.each(binds)('$title', ({ gw: g, vs: v, host, want }) => expect(bindsToGateway(v, g, host)).toBe(want));
});

describe('Traefik rule hosts (traefik_proxy_test.go matches)', () => {
  it.each([
    ['Host(`b.example.com`)', ['b.example.com']],
    ['HostHeader(`c.example.com`)', ['c.example.com']],
    ['Host(`d.example.com`) || Host(`e.example.com`)', ['d.example.com', 'e.example.com']],
    ['Host(`g.example.com`, `h.example.com`)', ['g.example.com', 'h.example.com']],
    ['Host(`*`)', []],
    ['HostSNI(`d.example.com`) || HostSNI(`e.example.com`)', ['d.example.com', 'e.example.com']],
    ['HostRegexp(`{sub:[a-z]+}.example.com`) && PathPrefix(`/x`)', []],
  ] as const)('%s', (match, want) => expect(traefikRuleHosts(match)).toEqual(want));
});
