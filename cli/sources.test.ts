/**
 * `zoneguard plan` over cli/fixtures/sources: the records external-dns v0.22 would publish for the
 * in-filter objects of every newly read path (each expectation cites the external-dns doc or test
 * it comes from), and a DENY line for each out-of-filter one (test/webhook/sources.test.ts sends
 * the same objects to the webhook).
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { packageRoot } from './paths.js';

const root = packageRoot();
const dir = join(root, 'cli', 'fixtures', 'sources');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function validate(extra: string[] = []) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(
    ['node', 'zoneguard', 'validate', '-f', dir, '--domain-filter', 'example.com', ...extra],
    {
      stdout,
      stderr,
      env: {},
    },
  );
  return { code, out: stdout.text, err: stderr.text };
}

async function plan(extra: string[] = []) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(
    [
      'node',
      'zoneguard',
      'plan',
      '-f',
      dir,
      '--provider',
      'inmemory',
      '--inmemory-zone',
      'example.com',
      '--txt-owner-id',
      'cluster-a',
      '--domain-filter',
      'example.com',
      ...extra,
    ],
    { stdout, stderr, env: {} },
  );
  return { code, out: stdout.text, err: stderr.text };
}

/** "name TYPE targets resource" of every CREATE line. */
function creates(out: string): string[] {
  return [...out.matchAll(/^CREATE (\S+) (\S+) (.*?)(?: ttl=\S+)? owner=\S+ resource=(\S+)$/gm)]
    .map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`)
    .sort();
}

const EXPECTED_CREATES: string[] = [
  // docs/annotations/annotations.md: hostname under external-dns.kubernetes.io/ (v0.22 default)
  'v022.example.com A 203.0.113.60 service/sources/in-v022-prefix',
  // out-alpha-prefix is denied for its alpha name; its rule host is not published either
  // docs/sources/gateway-api.md: spec.hostnames (GRPCRoute, TLSRoute) or the hostname annotation
  // (TCPRoute, UDPRoute), with the parent Gateway's status.addresses
  'grpc.example.com A 203.0.113.70 grpcroute/sources/in-grpcroute',
  'tls.example.com A 203.0.113.70 tlsroute/sources/in-tlsroute',
  'db.example.com A 203.0.113.70 tcproute/sources/in-tcproute',
  'dns.example.com A 203.0.113.70 udproute/sources/in-udproute',
  // docs/sources/service.md: a LoadBalancer's spec.externalIPs come first
  'eip.example.com A 203.0.113.80 service/sources/in-lb-external-ips',
  // docs/sources/service.md "NodePort": every node's ExternalIP (there is one); access: private
  // takes the InternalIPs (source/service_test.go TestServiceSourceNodePortServices)
  'np.example.com A 203.0.113.90,203.0.113.91 service/sources/in-nodeport',
  'np-private.example.com A 10.0.0.90,10.0.0.91 service/sources/in-nodeport-private',
  // "ClusterIP (headless)": the ready endpoints' Pod IPs (web-1 is not ready), and web-0's
  // spec.hostname prefixed ("Domain names for headless service pods"; TestHeadlessServices)
  'web.example.com A 10.1.0.10 service/sources/in-headless',
  'web-0.web.example.com A 10.1.0.10 service/sources/in-headless',
].sort();

describe('plan: the records external-dns would publish for each newly read path', () => {
  it('creates exactly these records, and denies every out-of-filter object', async () => {
    const r = await plan();
    expect(r.err).toBe('');
    expect(creates(r.out)).toEqual(EXPECTED_CREATES);
    const denied = [...r.out.matchAll(/^DENY \S+ sources\/(\S+): (\S+): domain-filter: /gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    for (const d of denied) expect(d).toMatch(/^out-\S+ \S+\.example\.org$/);
    const outs = [...r.out.matchAll(/^DENY \S+ sources\/(out-[^:]+):/gm)].map((m) => m[1]);
    expect(new Set(outs)).toEqual(
      new Set([
        'out-v022-prefix',
        'out-alpha-prefix',
        'out-grpcroute',
        'out-tlsroute',
        'out-tcproute',
        'out-udproute',
        'out-gateway-hostname-source',
        'out-clusterip-service',
        'out-nodeport-service',
        'out-headless-service',
        'out-externalname-service',
      ]),
    );
    expect(r.out).not.toMatch(/alpha\.example\.com/);
  });

  it('with SRV managed, each NodePort gets its SRV record; with --always-publish-not-ready-addresses, not-ready Pods count', async () => {
    const r = await plan([
      '--managed-record-types',
      'A,AAAA,CNAME,SRV',
      '--always-publish-not-ready-addresses',
    ]);
    expect(r.err).toBe('');
    const got = creates(r.out);
    // docs/sources/service.md "NodePort": _<service>._<protocol>.<name>, priority 0, weight 50
    expect(got).toContain(
      '_in-nodeport._tcp.np.example.com SRV 0 50 30080 np.example.com. service/sources/in-nodeport',
    );
    expect(got).toContain(
      '_in-nodeport-private._tcp.np-private.example.com SRV 0 50 30081 np-private.example.com. service/sources/in-nodeport-private',
    );
    expect(got).toContain('web.example.com A 10.1.0.10,10.1.0.11 service/sources/in-headless');
    // an out-of-filter NodePort's SRV name is denied with its address name
    expect(r.out).toMatch(
      /^DENY Service sources\/out-nodeport-service: _out-nodeport-service\._tcp\.np\.example\.org: domain-filter: /m,
    );
  });

  it('validate -f checks NodePort and headless Services with the Nodes, Pods and EndpointSlices given', async () => {
    const r = await validate(['--public-zone', 'example.com']);
    expect(r.code).toBe(1);
    // their targets are private addresses: InternalIPs (access: private) and a Pod IP
    expect(r.out).toMatch(
      /^DENY Service sources\/in-nodeport-private: np-private\.example\.com: public-private: .*10\.0\.0\.90/m,
    );
    expect(r.out).toMatch(
      /^DENY Service sources\/in-headless: web\.example\.com: public-private: .*10\.1\.0\.10/m,
    );
    expect(r.out).toMatch(/^ALLOW Service sources\/in-nodeport: np\.example\.com$/m);
    // read for targets, never reported as kinds zoneguard does not check
    expect(r.out + r.err).not.toMatch(/not checked.*(Node|Pod|EndpointSlice)/);
  });

  it("--publish-host-ip: a headless Service publishes its Pods' host IPs", async () => {
    const r = await plan(['--publish-host-ip']);
    expect(creates(r.out)).toContain('web.example.com A 10.0.0.90 service/sources/in-headless');
    expect(creates(r.out)).toContain('web-0.web.example.com A 10.0.0.90 service/sources/in-headless');
  });

  it('with --annotation-prefix=external-dns.alpha.kubernetes.io/ the alpha names are the published ones', async () => {
    const r = await plan(['--annotation-prefix', 'external-dns.alpha.kubernetes.io/']);
    expect(creates(r.out)).toContain('alpha.example.com A 203.0.113.61 service/sources/in-alpha-prefix');
    expect(creates(r.out).join('\n')).not.toMatch(/v022\.example\.com/);
  });
});
