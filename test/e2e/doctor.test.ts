/**
 * `zoneguard doctor` end to end against a real BIND: the zone is seeded with nsupdate (records of
 * another owner, of this owner, and with no owner), the command runs as a user would run it, and
 * each case checks the verdict, the exit code and the live answers with their TTLs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { main } from '../../cli/main.js';
import { loadManifests } from '../../core/manifests.js';

const HERE = __dirname;
const PORT = 15400; // this suite's range: 15400-15499
const DEAD_PORT = 15401; // nothing listens here
const TSIG = 'hmac-sha256:zoneguard-key:c2VjcmV0LXRlc3Qta2V5LWZvci1leHRlcm5hbC1kbnM=';
const FIXTURES = join(HERE, 'fixtures/doctor');

function hasNamed(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v named || test -x /usr/sbin/named'], { stdio: 'ignore' });
    execFileSync('sh', ['-c', 'command -v nsupdate'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const NAMED = hasNamed();
if (!NAMED)
  console.warn(
    'test/e2e/doctor: named or nsupdate not installed (apt-get install bind9 bind9-dnsutils); skipped',
  );

let workdir = '';

const SEED = [
  // another cluster owns shop.example.com
  'update add shop.example.com 300 A 198.51.100.9',
  'update add a-shop.example.com 300 TXT "heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/team-a/shop"',
  // this instance owns mine.example.com
  'update add mine.example.com 60 A 203.0.113.7',
  'update add a-mine.example.com 60 TXT "heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/team-a/mine"',
  // a hand-made record
  'update add legacy.example.com 120 A 192.0.2.50',
  // ours, at an old address
  'update add moved.example.com 30 A 203.0.113.50',
  'update add a-moved.example.com 30 TXT "heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/team-a/moved"',
  // ours, but no object claims it any more
  'update add gone.example.com 300 A 203.0.113.90',
  'update add a-gone.example.com 300 TXT "heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/team-a/gone"',
  // with --txt-prefix "zg-": owned by cluster-b
  'update add prefixed.example.com 300 A 198.51.100.77',
  'update add zg-a-prefixed.example.com 300 TXT "heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=service/team-c/web"',
];

beforeAll(() => {
  if (!NAMED) return;
  workdir = mkdtempSync(join(tmpdir(), 'zoneguard-doctor-bind-'));
  execFileSync('bash', [join(HERE, 'doctor-bind-start.sh')], {
    env: { ...process.env, PORT: String(PORT), WORKDIR: workdir, ZONES: 'example.com' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const script = join(workdir, 'seed.nsupdate');
  writeFileSync(script, [`server 127.0.0.1 ${PORT}`, 'zone example.com', ...SEED, 'send', ''].join('\n'));
  execFileSync('nsupdate', ['-y', TSIG, script]);
});

afterAll(() => {
  if (!workdir) return;
  execFileSync('bash', [join(HERE, 'doctor-bind-stop.sh'), workdir], { stdio: 'ignore' });
  rmSync(workdir, { recursive: true, force: true });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function doctor(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['node', 'zoneguard', 'doctor', ...args], { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const BASE = ['--txt-owner-id', 'cluster-a', '--domain-filter', 'example.com', '-f', FIXTURES];
const NS = ['--nameserver', `127.0.0.1:${PORT}`];

interface Case {
  name: string;
  host: string;
  args?: string[];
  code: number;
  verdict: RegExp;
  /** Lines the text output must contain (step details). */
  lines?: RegExp[];
}

const CASES: Case[] = [
  {
    name: 'owned by another cluster',
    host: 'shop.example.com',
    code: 1,
    verdict:
      /^verdict: PROBLEM: Ingress team-a\/shop is denied: owned by cluster-b: change --txt-owner-id to "cluster-b" if this instance is that owner, or have cluster-b release shop\.example\.com \(remove the TXT record a-shop\.example\.com and its A record\)/m,
    lines: [
      /A shop\.example\.com: 198\.51\.100\.9 ttl 300/,
      /TXT a-shop\.example\.com: "heritage=external-dns,external-dns\/owner=cluster-b,external-dns\/resource=ingress\/team-a\/shop" ttl 300/,
    ],
  },
  {
    name: 'published and owned by this instance',
    host: 'mine.example.com',
    code: 0,
    verdict:
      /^verdict: OK: mine\.example\.com is published \(A 203\.0\.113\.7\) and owned by "cluster-a"; 127\.0\.0\.1:15400 answers it$/m,
    lines: [
      /ownership\s+ok\s+mine\.example\.com A 203\.0\.113\.7 is owned by "cluster-a" \(ingress\/team-a\/mine\)/,
      /A mine\.example\.com: 203\.0\.113\.7 ttl 60/,
    ],
  },
  {
    name: 'a hand-made record with no owner',
    host: 'legacy.example.com',
    code: 1,
    verdict:
      /owned by|legacy\.example\.com A exists with no ownership record, so zoneguard leaves it alone: delete it, or adopt it by adding TXT a-legacy\.example\.com "heritage=external-dns,external-dns\/owner=cluster-a/,
  },
  {
    name: 'allowed, not published yet',
    host: 'fresh.example.com',
    code: 1,
    verdict:
      /^verdict: PENDING: not in sync yet: the reconciler would create fresh\.example\.com A 203\.0\.113\.30/m,
    lines: [/A fresh\.example\.com: NXDOMAIN/],
  },
  {
    name: 'published with an old address',
    host: 'moved.example.com',
    code: 1,
    verdict:
      /^verdict: PENDING: not in sync yet: the reconciler would update moved\.example\.com A 203\.0\.113\.60 \(was 203\.0\.113\.50\)/m,
    lines: [/A moved\.example\.com: 203\.0\.113\.50 ttl 30/],
  },
  {
    name: '--policy create-only holds the update back',
    host: 'moved.example.com',
    args: ['--policy', 'create-only'],
    code: 1,
    verdict:
      /^verdict: PROBLEM: --policy create-only holds back the update to moved\.example\.com A 203\.0\.113\.60: use --policy upsert-only or sync/m,
  },
  {
    name: 'outside --domain-filter',
    host: 'www.example.net',
    code: 1,
    verdict:
      /^verdict: PROBLEM: Ingress team-a\/elsewhere is denied: domain-filter: not in \[example\.com\]/m,
  },
  {
    name: 'kept out by --namespace',
    host: 'fresh.example.com',
    args: ['--namespace', 'team-a'],
    code: 1,
    verdict:
      /^verdict: PROBLEM: Ingress team-b\/fresh is out of scope: namespace "team-b" is not --namespace "team-a"/m,
  },
  {
    name: 'kept out by --source',
    host: 'mine.example.com',
    args: ['--source', 'service'],
    code: 1,
    verdict: /out of scope: source "ingress" is not in --source \[service\]/,
  },
  {
    name: 'a Service without a load-balancer address',
    host: 'api.example.com',
    code: 1,
    verdict:
      /^verdict: PENDING: Service team-a\/api has nothing to publish yet: api\.example\.com: Service has no load-balancer address yet/m,
    lines: [/address\s+WARN\s+Service team-a\/api: no usable address yet/],
  },
  {
    name: 'ours, but no object claims it any more',
    host: 'gone.example.com',
    code: 1,
    verdict:
      /^verdict: PROBLEM: no object claims gone\.example\.com, yet its A record is owned by "cluster-a" \(ingress\/team-a\/gone\): the reconciler deletes it on its next sync/m,
  },
  {
    name: 'claimed by nothing, owned by nobody',
    host: 'nobody.example.com',
    code: 1,
    verdict: /^verdict: PROBLEM: no object claims nobody\.example\.com: add it to an object/m,
  },
  {
    name: 'TXT names with --txt-prefix, no manifests',
    host: 'prefixed.example.com',
    args: ['--txt-prefix', 'zg-'],
    code: 1,
    verdict:
      /^verdict: PROBLEM: owned by cluster-b: change --txt-owner-id to "cluster-b" if this instance is that owner, or have cluster-b release prefixed\.example\.com \(remove the TXT record zg-a-prefixed\.example\.com/m,
  },
  {
    name: 'no name server answers',
    host: 'mine.example.com',
    args: ['--nameserver', `127.0.0.1:${DEAD_PORT}`, '--dns-timeout', '150ms'],
    code: 1,
    verdict: /^verdict: UNKNOWN: 127\.0\.0\.1:15401 did not answer/m,
  },
];

describe.skipIf(!NAMED)('zoneguard doctor against BIND', () => {
  it.each(CASES)('$name: $host', async (c) => {
    const noManifests = c.name.includes('no manifests');
    const args = [
      c.host,
      ...(noManifests ? BASE.slice(0, 4) : BASE),
      ...(c.args?.includes('--nameserver') ? [] : NS),
      ...(c.args ?? []),
    ];
    const r = await doctor(args);
    expect(r.stdout, r.stderr).toMatch(c.verdict);
    for (const l of c.lines ?? []) expect(r.stdout).toMatch(l);
    expect(r.code).toBe(c.code);
  });

  it('prints the whole report as JSON with --output json', async () => {
    const r = await doctor(['shop.example.com', ...BASE, ...NS, '--output', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.host).toBe('shop.example.com');
    expect(report.verdict.status).toBe('problem');
    expect(report.claimants).toEqual([
      expect.objectContaining({
        object: 'Ingress team-a/shop',
        recordType: 'A',
        targets: ['203.0.113.10'],
        hasAddress: true,
        allowed: false,
      }),
    ]);
    expect(report.ownership.records).toEqual([
      {
        recordType: 'A',
        targets: ['198.51.100.9'],
        ttl: 300,
        owner: 'cluster-b',
        resource: 'ingress/team-a/shop',
      },
    ]);
    expect(report.ownership.txt).toEqual([
      {
        txtName: 'a-shop.example.com',
        recordType: 'A',
        owner: 'cluster-b',
        resource: 'ingress/team-a/shop',
        value: 'heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/team-a/shop',
      },
    ]);
    const a = report.dns.answers.find(
      (x: { name: string; type: string }) => x.name === 'shop.example.com' && x.type === 'A',
    );
    expect(a).toEqual({
      name: 'shop.example.com',
      type: 'A',
      rcode: 'NOERROR',
      authoritative: true,
      records: [{ type: 'A', ttl: 300, data: '198.51.100.9' }],
    });
    expect(report.dns.server).toBe(`127.0.0.1:${PORT}`);
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual([
      'objects',
      'address',
      'scope',
      'rules',
      'ownership',
      'dns',
    ]);
  });

  it('reads ownership through --provider rfc2136 (zone transfer signed with the TSIG key)', async () => {
    const [alg, key, secret] = TSIG.split(':');
    const provider = [
      '--provider',
      'rfc2136',
      '--rfc2136-host',
      '127.0.0.1',
      '--rfc2136-port',
      String(PORT),
      '--rfc2136-zone',
      'example.com',
      '--rfc2136-tsig-keyname',
      key,
      '--rfc2136-tsig-secret-alg',
      alg,
    ];
    const r = await doctor(['shop.example.com', ...BASE, ...NS, ...provider, '--output', 'json'], {
      ZONEGUARD_RFC2136_TSIG_SECRET: secret,
    });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict.message).toMatch(/owned by cluster-b/);
    expect(report.steps).toContainEqual({ step: 'zone', status: 'ok', detail: 'in zone example.com' }); // a step only a provider gives
    expect(report.ownership.txt).toEqual([
      expect.objectContaining({
        txtName: 'a-shop.example.com',
        owner: 'cluster-b',
        resource: 'ingress/team-a/shop',
      }),
    ]);
    expect(r.stdout + r.stderr).not.toContain(secret);

    const wrong = await doctor(['shop.example.com', ...BASE, ...NS, ...provider], {
      ZONEGUARD_RFC2136_TSIG_SECRET: Buffer.from('not the secret').toString('base64'),
    });
    expect(wrong.stdout + wrong.stderr).toMatch(/NOTAUTH\(BADSIG\).*TSIG key "zoneguard-key"/);
  });

  it('reads the claiming objects from a cluster with --kubeconfig', async () => {
    // a stand-in API server listing the fixture objects, kind by kind, in pages of one
    const objects = loadManifests([FIXTURES]).map((l) => l.obj);
    const paths: Record<string, string> = {
      '/api/v1/services': 'Service',
      '/apis/networking.k8s.io/v1/ingresses': 'Ingress',
    };
    const seen: string[] = [];
    const api: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${req.headers.authorization} ${url.pathname}`);
      const kind = paths[url.pathname];
      res.setHeader('content-type', 'application/json');
      if (!kind) {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ kind: 'Status', message: 'the server could not find the requested resource' }),
        );
      }
      const items = objects
        .filter((o) => o.kind === kind)
        .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      const at = Number(url.searchParams.get('continue') ?? '0');
      res.end(
        JSON.stringify({
          items: items.slice(at, at + 1),
          metadata: at + 1 < items.length ? { continue: String(at + 1) } : {},
        }),
      );
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const kubeconfig = join(workdir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      YAML.stringify({
        'current-context': 't',
        contexts: [{ name: 't', context: { cluster: 'c', user: 'u' } }],
        clusters: [
          {
            name: 'c',
            cluster: {
              server: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
              'insecure-skip-tls-verify': true,
            },
          },
        ],
        users: [{ name: 'u', user: { token: 'doctor-token' } }],
      }),
    );
    try {
      const r = await doctor([
        'fresh.example.com',
        '--txt-owner-id',
        'cluster-a',
        '--domain-filter',
        'example.com',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        'team-a',
        ...NS,
      ]);
      expect(r.stdout).toMatch(
        /objects\s+ok\s+Ingress team-b\/fresh \(cluster \(.*kubeconfig\)\) claims fresh\.example\.com A 203\.0\.113\.30/,
      );
      expect(r.stdout).toMatch(
        /^verdict: PROBLEM: Ingress team-b\/fresh is out of scope: namespace "team-b" is not --namespace "team-a"/m,
      );
      expect(r.stderr).toContain('DNSEndpoint (externaldns.k8s.io/v1alpha1) is not served by this cluster');
      expect(seen.filter((s) => s.endsWith('/apis/networking.k8s.io/v1/ingresses')).length).toBeGreaterThan(
        1,
      ); // paged
      expect(seen.every((s) => s.startsWith('Bearer doctor-token '))).toBe(true);
    } finally {
      await new Promise((r) => api.close(r));
    }
  });

  it('rejects a malformed host and a malformed --nameserver with exit 2', async () => {
    expect((await doctor(['bad..name', ...NS])).code).toBe(2);
    const r = await doctor(['mine.example.com', '--nameserver', 'not a server']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--nameserver');
  });
});
