// npm run bench:large-review — what one attacker-sized review costs the webhook: a Service whose
// hostname annotation lists 10,000 names outside --domain-filter (a 2 MB AdmissionReview, under
// kube-apiserver's 3 MiB request limit and the webhook's --max-request-bytes). The real webhook runs
// in its own process (large-review-server.mjs), logging at info level into a file; while the large
// review is answered, a second connection sends the usual small review back to back, as the API
// server would for everyone else's objects. Prints, per round (BENCH_ROUNDS, default 5) and as
// medians: the large review's answer time, reply size and denial-message length, the size of the
// log line it wrote, the webhook's longest event-loop stall (sampled every millisecond in the
// webhook's process) and the slowest small review meanwhile. With BENCH_BASELINE_REF=<git ref> (e.g. the commit before a
// change), the same for that ref's code, built in a temporary git worktree, as "before", and the
// ratios. BENCH_NAMES (default 10,000) sets the number of names; BENCH_CASE=targets sends a Service
// of 1,000 names and 17,000 targets instead, BENCH_CASE=ingress an Ingress of BENCH_NAMES rules
// (see below); BENCH_WARMUP (default 3) warm-up reviews.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineDist } from './baseline.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'webhook', 'run.js'))) {
  process.stderr.write('bench:large-review: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const { makeWebhookCerts, writeCertFiles } = await import(join(dist, 'certs', 'index.js'));

const NAMES = Number(process.env.BENCH_NAMES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const dir = mkdtempSync(join(tmpdir(), 'zoneguard-bench-large-'));
const certs = makeWebhookCerts({
  serviceName: 'zoneguard-webhook',
  serviceNamespace: 'zoneguard',
  extraDnsNames: ['localhost', '127.0.0.1'],
  certValidityMs: 86_400_000,
  caValidityMs: 86_400_000,
});
writeCertFiles(dir, certs);

/** An AdmissionReview as kube-apiserver sends it for creating `object`. */
function reviewOf(uid, object, kind, resource) {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
    },
  });
}

// BENCH_CASE=names (default): 10,000 names of ~200 characters (four labels, each under 63), all
// outside example.com. BENCH_CASE=targets: 1,000 names under example.com and 17,000 addresses in
// the target annotation (211 KB of annotations: under kube-apiserver's 256 KiB limit, so a real
// API server sends this review).
const CASE = process.env.BENCH_CASE ?? 'names';
const pad = (c) => c.repeat(55);
const names = [];
const annotations = {};
if (CASE === 'targets') {
  for (let i = 0; i < 1000; i++) names.push(`n${i}.example.com`);
  const targets = [];
  for (let i = 0; i < 17_000; i++) targets.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  annotations['external-dns.kubernetes.io/target'] = targets.join(',');
} else if (CASE === 'ingress') for (let i = 0; i < NAMES; i++) names.push(`n${i}.example.org`);
else for (let i = 0; i < NAMES; i++) names.push(`n${i}-${pad('a')}.${pad('b')}.${pad('c')}.example.org`);
if (CASE !== 'ingress') annotations['external-dns.kubernetes.io/hostname'] = names.join(',');
// BENCH_CASE=ingress: an Ingress of BENCH_NAMES rules, one host outside example.com each (names in
// spec, which kube-apiserver bounds only by the body size)
const ingressRules = names.map((host) => ({
  host,
  http: {
    paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
  },
}));
const large =
  CASE === 'ingress'
    ? reviewOf(
        'a1b2c3d4-0000-4000-8000-000000000001',
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'many-names', namespace: 'default' },
          spec: { rules: ingressRules },
          status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
        },
        { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
        { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
      )
    : reviewOf(
        'a1b2c3d4-0000-4000-8000-000000000001',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'many-names', namespace: 'default', annotations },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
          status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
        },
        { group: '', version: 'v1', kind: 'Service' },
        { group: '', version: 'v1', resource: 'services' },
      );
// everyone else's review: an Ingress with one new name, allowed
const small = reviewOf(
  'a1b2c3d4-0000-4000-8000-000000000002',
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { rules: [{ host: 'new-shop.example.com' }] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
  },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
);

async function startServer(distDir, label) {
  const logFile = join(dir, `${label}.log`);
  const child = spawn(process.execPath, [join(here, 'large-review-server.mjs'), distDir, dir, logFile], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`${label} webhook exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    port: info.port,
    logFile,
    /** The longest event-loop stall (ms) of the webhook since the last call. */
    stall: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m.stall));
        child.send('stall');
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function send(port, agent, method, path, body) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        ca: certs.caPem,
        servername: 'localhost',
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - t0) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(distDir, label) {
  const server = await startServer(distDir, label);
  const bigAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const smallAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rounds = [];
  try {
    // warm-up: JIT and TLS sessions on every connection (BENCH_WARMUP rounds, default 3)
    for (let i = 0; i < Number(process.env.BENCH_WARMUP ?? 3); i++) {
      await send(server.port, smallAgent, 'POST', '/validate', small);
      await send(server.port, bigAgent, 'POST', '/validate', large);
    }
    for (let r = 0; r < ROUNDS; r++) {
      await new Promise((res) => setTimeout(res, 100));
      const logBefore = statSync(server.logFile).size;
      await server.stall();
      let done = false;
      let slowestSmall = 0;
      let smallCount = 0;
      const probe = (async () => {
        while (!done) {
          const s = await send(server.port, smallAgent, 'POST', '/validate', small);
          if (s.status !== 200) throw new Error(`small review answered ${s.status}`);
          slowestSmall = Math.max(slowestSmall, s.ms);
          smallCount++;
        }
      })();
      const big = await send(server.port, bigAgent, 'POST', '/validate', large);
      done = true;
      await probe;
      const stall = await server.stall();
      if (big.status !== 200)
        throw new Error(`large review answered ${big.status}: ${big.text.slice(0, 300)}`);
      const response = JSON.parse(big.text).response;
      // the log is written asynchronously: wait for the line to land
      await new Promise((res) => setTimeout(res, 200));
      const logged = readFileSync(server.logFile, 'utf8').slice(logBefore).split('\n');
      const denied = logged.filter((l) => l.includes('"review denied"'));
      rounds.push({
        ms: big.ms,
        allowed: response.allowed,
        reply: Buffer.byteLength(big.text),
        message: response.status?.message ?? '',
        logLine: Math.max(0, ...denied.map((l) => Buffer.byteLength(l))),
        stall,
        slowestSmall,
        smallCount,
      });
    }
  } finally {
    for (const a of [bigAgent, smallAgent]) a.destroy();
    await server.stop();
  }
  return rounds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

function report(label, rounds) {
  for (const [i, r] of rounds.entries())
    console.log(
      `${label} round ${i + 1}: answered in ${r.ms.toFixed(0)} ms, ${r.allowed ? 'allowed' : 'denied'}, reply ${kb(r.reply)} (message ${r.message.length} chars), log line ${kb(r.logLine)}, event-loop stall ${r.stall.toFixed(0)} ms, slowest of ${r.smallCount} small reviews meanwhile ${r.slowestSmall.toFixed(1)} ms`,
    );
  const m = {
    ms: median(rounds.map((r) => r.ms)),
    reply: median(rounds.map((r) => r.reply)),
    logLine: median(rounds.map((r) => r.logLine)),
    stall: median(rounds.map((r) => r.stall)),
    slowestSmall: median(rounds.map((r) => r.slowestSmall)),
  };
  console.log(
    `${label} median: answered in ${m.ms.toFixed(0)} ms, reply ${kb(m.reply)}, log line ${kb(m.logLine)}, event-loop stall ${m.stall.toFixed(0)} ms, slowest small review ${m.slowestSmall.toFixed(1)} ms`,
  );
  const msg = rounds[0].message;
  console.log(
    `${label} denial message: ${msg.length > 400 ? `${msg.slice(0, 200)} … ${msg.slice(-180)}` : msg}`,
  );
  return m;
}

try {
  console.log(
    `zoneguard large-review benchmark: ${CASE === 'targets' ? 'a Service with 1,000 names and 17,000 targets' : CASE === 'ingress' ? `an Ingress of ${NAMES.toLocaleString('en')} rules outside --domain-filter` : `a Service with ${NAMES.toLocaleString('en')} names outside --domain-filter`}, review ${kb(Buffer.byteLength(large))}, ${ROUNDS} rounds, node ${process.version}`,
  );
  const ref = process.env.BENCH_BASELINE_REF;
  let before;
  if (ref) {
    const base = baselineDist(root, ref);
    try {
      before = report(`before (${ref})`, await measure(base.dist, 'before'));
    } finally {
      base.remove();
    }
  }
  const now = report('now', await measure(dist, 'now'));
  if (before)
    console.log(
      `now / before: answer time ${(now.ms / before.ms).toPrecision(3)}x, reply ${(now.reply / before.reply).toPrecision(3)}x, log line ${(now.logLine / before.logLine).toPrecision(3)}x, event-loop stall ${(now.stall / before.stall).toPrecision(3)}x, slowest small review ${(now.slowestSmall / before.slowestSmall).toPrecision(3)}x`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
