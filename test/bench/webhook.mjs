// npm run bench:webhook — the real webhook vs a no-op node:https handler (same TLS settings, same
// certificate, keep-alive), each in its own process, driven by autocannon from this one; then a
// fixed 1,000 req/s run against the webhook holding an ownership index of 100,000 names.
// BENCH_DURATION (seconds per run, default 10), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 16),
// BENCH_REFRESH (the webhook's --ownership-refresh, default 30s), BENCH_ONLY=fixed and
// BENCH_NODE_OPTIONS (e.g. --trace-gc, for the server processes) tune it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { makeWebhookCerts, writeCertFiles } from '../../dist/certs/index.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NAMES = 100_000;
const here = new URL('.', import.meta.url).pathname;

const certDir = mkdtempSync(join(tmpdir(), 'zoneguard-bench-'));
const certs = makeWebhookCerts({
  serviceName: 'zoneguard-webhook',
  serviceNamespace: 'zoneguard',
  extraDnsNames: ['localhost', '127.0.0.1'],
  certValidityMs: 86_400_000,
  caValidityMs: 86_400_000,
});
writeCertFiles(certDir, certs);

// a review as kube-apiserver sends it: an Ingress with two hosts, one owned by us, one new
const review = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '0b9b5c1e-7d3a-4a8e-9c51-4f0c2f7d9a10',
    kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
    resource: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
    name: 'shop',
    namespace: 'default',
    operation: 'CREATE',
    userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'shop',
        namespace: 'default',
        annotations: { 'external-dns.alpha.kubernetes.io/ttl': '300' },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'host-2.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'shop', port: { number: 80 } } },
                },
              ],
            },
          },
          { host: 'new-shop.example.com' },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    },
    oldObject: null,
    dryRun: false,
  },
});

async function startServer(mode) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
      join(here, 'webhook-server.mjs'),
      mode,
      certDir,
      String(NAMES),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_REFRESH: mode === 'webhook' ? (process.env.BENCH_REFRESH ?? '30s') : '' },
    },
  );
  // the first line starting with {"port" (node options such as --trace-gc print to stdout too)
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(JSON.parse(line));
      if (process.env.BENCH_NODE_OPTIONS) process.stderr.write(d);
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { ...info, child, url: `https://127.0.0.1:${info.port}/validate` };
}

/** CPU time (user + system, µs) a process has used so far, from /proc (Linux). */
function cpuMicros(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** An autocannon run against `server`, with the server's and this client's CPU per request. */
async function measured(server, opts = {}) {
  const s0 = cpuMicros(server.child.pid);
  const c0 = process.cpuUsage();
  const r = await cannon(server.url, opts);
  const c = process.cpuUsage(c0);
  r.serverUs = (cpuMicros(server.child.pid) - s0) / r.requests.total;
  r.clientUs = (c.user + c.system) / r.requests.total;
  return r;
}

function cannon(url, opts = {}) {
  return autocannon({
    url,
    method: 'POST',
    body: review,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    pipelining: 1,
    duration: DURATION,
    servername: 'localhost',
    ...opts,
  });
}

/**
 * Fixed-rate load from a fresh process of its own (fixed-rate.mjs), so that this process's heap and
 * autocannon's work do not delay the timings.
 */
async function fixedRate(port, rate, seconds) {
  const reviewFile = join(certDir, 'review.json');
  writeFileSync(reviewFile, review);
  const child = spawn(
    process.execPath,
    [
      join(here, 'fixed-rate.mjs'),
      String(port),
      String(rate),
      String(seconds),
      join(certDir, 'ca.crt'),
      reviewFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`fixed-rate client exited with ${code}`);
  return JSON.parse(out);
}

const fmt = (n, d = 2) => Number(n).toFixed(d);

/** The webhook's own view (GET /metrics): event-loop lag since the last scrape, GC time so far. */
async function serverView(port) {
  const text = await new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/metrics', ca: certs.caPem, servername: 'localhost' },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
  const value = (re) => Number(re.exec(text)?.[1] ?? NaN);
  let gc = 0;
  for (const m of text.matchAll(/^zoneguard_nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm))
    gc += Number(m[1]);
  // prom-client samples the loop with a 10 ms timer: a stall is how much later than the earliest tick it fired
  const lag = (q) => value(new RegExp(`^zoneguard_nodejs_eventloop_lag_${q}_seconds ([0-9.e+-]+)$`, 'm'));
  return { stall: lag('max') - lag('min'), gc };
}
const noop = await startServer('noop');
const parse = await startServer('parse');
const webhook = await startServer('webhook');
try {
  console.log(
    `zoneguard webhook benchmark: ${CONNECTIONS} keep-alive connections, ${DURATION}s per run, node ${process.version}, ownership index ${webhook.names} names`,
  );
  const only = process.env.BENCH_ONLY;
  if (only !== 'fixed') {
    // warm-up (JIT, TLS sessions)
    await cannon(noop.url, { duration: 2 });
    await cannon(parse.url, { duration: 2 });
    await cannon(webhook.url, { duration: 2 });
    // alternate the two servers: this machine's speed drifts (shared CPUs), a ratio within a round is fairer
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const n = await measured(noop);
      const p = await measured(parse);
      const w = await measured(webhook);
      rounds.push({
        n,
        p,
        w,
        ratio: w.requests.average / n.requests.average,
        parseRatio: w.requests.average / p.requests.average,
      });
      for (const [name, r] of [
        ['no-op node:https', n],
        ['parse-only', p],
        ['zoneguard webhook', w],
      ]) {
        console.log(
          `round ${i + 1} ${name.padEnd(18)} ${fmt(r.requests.average, 0).padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}   CPU/request server ${fmt(r.serverUs, 1)} µs, client ${fmt(r.clientUs, 1)} µs`,
        );
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const w = { requests: { average: median(rounds.map((r) => r.w.requests.average)) } };
    const n = { requests: { average: median(rounds.map((r) => r.n.requests.average)) } };
    console.log(
      `median: no-op ${fmt(n.requests.average, 0)} req/s, webhook ${fmt(w.requests.average, 0)} req/s; per-round ratios ${rounds.map((r) => fmt(r.ratio)).join(', ')}`,
    );
    console.log(
      `throughput ratio webhook / no-op (median of rounds): ${fmt(median(rounds.map((r) => r.ratio)))} (target >= 0.80)`,
    );
    // the server is one thread; the load client needs CPU too, and there may be only 2 cores
    const us = (k, f) => median(rounds.map((r) => r[k][f]));
    console.log(
      `server CPU per request (median): no-op ${fmt(us('n', 'serverUs'), 1)} µs, parse-only ${fmt(us('p', 'serverUs'), 1)} µs, webhook ${fmt(us('w', 'serverUs'), 1)} µs; a single-threaded webhook reaches 0.8x only at <= ${fmt(us('n', 'serverUs') / 0.8, 1)} µs`,
    );
    console.log(
      `throughput ratio webhook / parse-only baseline (reads and parses the body, answers allowed): ${fmt(median(rounds.map((r) => r.parseRatio)))}`,
    );
  }

  // the baselines are done: stopped, so their idle-time GC does not take CPU from the timed run
  noop.child.kill('SIGTERM');
  parse.child.kill('SIGTERM');
  const before = await serverView(webhook.port);
  const f = await fixedRate(webhook.port, 1000, DURATION);
  const after = await serverView(webhook.port);
  console.log(
    `fixed 1,000 req/s (hrtime):      ${fmt(f.achieved, 0)} req/s   p50 ${fmt(f.p50, 3)} ms   p90 ${fmt(f.p90, 3)} ms   p99 ${fmt(f.p99, 3)} ms   max ${fmt(f.max, 1)} ms   errors ${f.errors}   (target p99 <= 2 ms)`,
  );
  // a slow reply the server did not see as event-loop lag was delayed outside it (client, scheduler)
  console.log(
    `  the webhook during that run: longest event-loop stall ${fmt(after.stall * 1000, 1)} ms, GC ${fmt((after.gc - before.gc) * 1000, 1)} ms in all`,
  );
} finally {
  noop.child.kill('SIGTERM');
  parse.child.kill('SIGTERM');
  webhook.child.kill('SIGTERM');
  rmSync(certDir, { recursive: true, force: true });
}
