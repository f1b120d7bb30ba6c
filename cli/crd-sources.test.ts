/**
 * `zoneguard plan` and `zoneguard validate -f` over cli/fixtures/crd-sources: the records
 * external-dns would publish for the in-filter CRD objects (each line after the external-dns doc
 * and test it comes from), a DENY for each out-of-filter one (test/webhook/crd-sources.test.ts sends
 * the same objects to the webhook), and the Traefik legacy group and --source scoping.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { runCli } from '../test/cli-run.js';

const dir = join(packageRoot(), 'cli', 'fixtures', 'crd-sources');

// the Gloo Proxies of the fixtures are in namespace crd (gloo_proxy.go reads --gloo-namespace only)
const run = (args: string[]) =>
  runCli([...args, '--domain-filter', 'example.com', '--gloo-namespace', 'crd']);

const plan = (extra: string[] = []) =>
  run([
    'plan',
    '-f',
    dir,
    '--provider',
    'inmemory',
    '--inmemory-zone',
    'example.com',
    '--txt-owner-id',
    'cluster-a',
    ...extra,
  ]);

function creates(out: string): string[] {
  return [...out.matchAll(/^CREATE (\S+) (\S+) (.*?)(?: ttl=\S+)? owner=\S+ resource=(\S+)$/gm)]
    .map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`)
    .sort();
}

const EXPECTED = [
  // istio_gateway_test.go "matching selectors for service and gateway": the selected Service's LB address
  'istio.example.com A 203.0.113.70 gateway/crd/in-istio-gateway',
  // istio_virtualservice_test.go: targets of the Gateway the VirtualService binds to ("crd/*" server host)
  'vs.example.com A 203.0.113.70 virtualservice/crd/in-istio-vs',
  // contour_httpproxy_test.go: virtualhost.fqdn, status.loadBalancer; resource label "HTTPProxy/…"
  'contour.example.com A 203.0.113.71 HTTPProxy/crd/in-contour',
  // traefik_proxy_test.go: Host(`…`), HostSNI(`…`), the UDP route's annotation; targets from the target annotation
  'traefik.example.com A 203.0.113.72 ingressroute/crd/in-traefik',
  'tcp.example.com A 203.0.113.73 ingressroutetcp/crd/in-traefik-tcp',
  'udp.example.com A 203.0.113.74 ingressrouteudp/crd/in-traefik-udp',
  // openshift_route_test.go: the admitted host, CNAME to the router's canonical hostname
  'route.example.com CNAME router.apps.example.com route/crd/in-route',
  // kong_tcpingress_test.go "TCPIngress with hostname annotation and using SNI": both names, status IP; "tcpingress/…"
  'kong-annotation.example.com A 203.0.113.75 tcpingress/crd/in-kong',
  'kong.example.com A 203.0.113.75 tcpingress/crd/in-kong',
  // f5_virtualserver_test.go "with hostAliases": host and aliases, spec.virtualServerAddress over
  // status.vsAddress; resource label "f5-virtualserver/…"
  'f5.example.com A 203.0.113.75 f5-virtualserver/crd/in-f5-vs',
  'f5-alias.example.com A 203.0.113.75 f5-virtualserver/crd/in-f5-vs',
  // f5_transportserver_test.go "with host set and IP address from the status field"
  'f5-tcp.example.com A 203.0.113.77 f5-transportserver/crd/in-f5-ts',
  // skipper_routegroup_test.go "Routegroup with hosts and destinations creates an endpoint": status hostname → CNAME
  'skipper.example.com CNAME skipper-lb.example.net routegroup/crd/in-skipper',
  // gloo_proxy_test.go: each domain of the virtual hosts (trailing dot removed), the Proxy's
  // LoadBalancer Service's IP; the VirtualService's ttl (not printed here)
  'gloo.example.com A 203.0.113.78 proxy/crd/in-gloo',
  'gloo-alias.example.com A 203.0.113.78 proxy/crd/in-gloo',
  // ambassador_host_test.go "Simple host": the named Service's load-balancer IP; resource label "host/…"
  'ambassador.example.com A 203.0.113.78 host/crd/in-ambassador',
].sort();

const OUT = [
  'out-istio-gateway',
  'out-istio-vs',
  'out-contour',
  'out-traefik',
  'out-traefik-tcp',
  'out-traefik-udp',
  'out-route',
  'out-kong',
  // no status.vsAddress yet (as at CREATE) / "None": external-dns skips them, zoneguard checks spec.host
  'out-f5-vs',
  'out-f5-vs-alias',
  'out-f5-ts',
  'out-skipper',
  'out-gloo',
  'out-ambassador',
];

describe('CRD sources through plan and validate', () => {
  it('plan: exactly the records external-dns would publish, and a DENY per out-of-filter object', async () => {
    const r = await plan();
    expect(r.err).toBe('');
    expect(creates(r.out)).toEqual(EXPECTED);
    const denied = [...r.out.matchAll(/^DENY \S+ crd\/(\S+): (\S+): domain-filter: /gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(new Set(denied.map((d) => d.split(' ')[0]))).toEqual(new Set(OUT));
    for (const d of denied) expect(d).toMatch(/^out-\S+ \S+\.example\.org$/);
  });

  it('validate -f over the directory: exit 1, every out-of-filter object denied, every in-filter one allowed', async () => {
    const r = await run(['validate', '-f', dir]);
    expect(r.code).toBe(1);
    for (const o of OUT)
      expect(r.out).toMatch(new RegExp(`^DENY \\S+ crd/${o}: \\S+\\.example\\.org: domain-filter`, 'm'));
    for (const line of r.out.split('\n').filter((l) => / crd\/in-/.test(l))) expect(line).toMatch(/^ALLOW /);
    expect(r.out).not.toMatch(/not checked/);
    expect(r.err).not.toMatch(/not checked \(kinds zoneguard does not read\)/);
  });

  it('validate -f streams: an Ambassador Host finds the Service given after it in the input', async () => {
    const r = await run(['validate', '-f', dir, '--output', 'json']);
    const results = (JSON.parse(r.out) as { results: { name: string; warnings: string[] }[] }).results;
    const host = results.find((x) => x.name === 'in-ambassador');
    expect(host).toBeDefined();
    expect(host!.warnings.join('\n')).not.toMatch(/in-emissary-ingress/);
  });

  // external-dns lists /apis/<value>/routegroups (skipper_routegroup_test.go TestNewRouteGroupSource);
  // zoneguard's webhook rule and RBAC name zalando.org, so another group is refused (exit 2)
  it('--skipper-routegroup-groupversion: another version is taken, another group refused naming the flag', async () => {
    const ok = await run([
      'validate',
      '-f',
      dir,
      '--skipper-routegroup-groupversion',
      'zalando.org/v1alpha1',
    ]);
    expect(ok.code).toBe(1);
    expect(ok.out).toMatch(/^DENY RouteGroup crd\/out-skipper: skipper\.example\.org: domain-filter/m);
    const bad = await run(['validate', '-f', dir, '--skipper-routegroup-groupversion', 'example.org/v1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--skipper-routegroup-groupversion.*must be zalando\.org\/<version>/);
    const badVersion = await run([
      'validate',
      '-f',
      dir,
      '--skipper-routegroup-groupversion',
      'zalando.org/V 1',
    ]);
    expect(badVersion.code).toBe(2);
    expect(badVersion.err).toMatch(/is not an API version/);
  });

  it('--gloo-namespace: without it (gloo-system) the Proxies of namespace crd are not read', async () => {
    const r = await runCli(['validate', '-f', dir, '--domain-filter', 'example.com']);
    expect(r.out).not.toMatch(/DENY Proxy/);
    expect(r.out).toMatch(/DENY VirtualServer crd\/out-f5-vs/);
  });

  it('--namespace does not narrow gloo-proxy (gloo_proxy.go reads --gloo-namespace cluster-wide)', async () => {
    const r = await run(['validate', '-f', dir, '--namespace', 'elsewhere']);
    expect(r.out).toMatch(/^DENY Proxy crd\/out-gloo: gloo\.example\.org: domain-filter/m);
    expect(r.out).not.toMatch(/DENY VirtualServer/);
  });

  it('--source limits the kinds read: a Route outside --source is skipped, not denied', async () => {
    const r = await run(['validate', '-f', dir, '--source', 'service,istio-gateway']);
    expect(r.out).not.toMatch(/DENY Route/);
    expect(r.out).toMatch(/DENY Gateway crd\/out-istio-gateway/);
  });
});
