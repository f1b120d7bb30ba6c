/**
 * `npm run bench:validate`: `zoneguard validate -f` at monorepo scale. 100,000 Ingresses (two
 * hostnames each, a TTL annotation, a load-balancer address; BENCH_OBJECTS to change) in one
 * multi-document YAML file, checked against an ownership index of as many records (10% of the
 * names owned by another cluster, so some are denied). Prints, each the best of BENCH_ROUNDS
 * (default 3) runs, in CPU time (this machine's other work does not count) and wall time:
 *   - reading: the YAML parse of the file (core/manifests.ts);
 *   - evaluation: extraction and every rule over the parsed objects (core/evaluate.ts
 *     validateObjects), per object, against the webhook's admit path per review (webhook/admit.ts,
 *     the same Ingress) — target: within 3x;
 *   - plan: the published endpoints against as many current records (core/plan.ts);
 *   - the whole command as a user runs it (`zoneguard validate -f`, its own process, once;
 *     BENCH_E2E=0 skips it): wall time and peak RSS — target: <= 4 s and <= 400 MB — and again with
 *     the V8 heap capped at 512 MB (`node --max-old-space-size=512`, a small CI runner): it must
 *     complete. With BENCH_BASELINE_REF=<git ref> (e.g. the commit before a change), the same two
 *     runs of that ref's code, built in a temporary git worktree, as "before", and the ratios.
 * Runs on plain node against the build (dist/); `npm run bench:validate` builds first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineDist } from './baseline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'core', 'evaluate.js'))) {
  process.stderr.write('bench:validate: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const { settingsFor } = await import(join(dist, 'cli', 'settings.js'));
const { newEndpoint } = await import(join(dist, 'core', 'model', 'endpoint.js'));
const { loadManifests } = await import(join(dist, 'core', 'manifests.js'));
const { validateObjects } = await import(join(dist, 'core', 'evaluate.js'));
const { OwnershipIndex } = await import(join(dist, 'core', 'ownership.js'));
const { plan } = await import(join(dist, 'core', 'plan.js'));
const setup = await import(join(dist, 'core', 'setup.js'));
const { admit } = await import(join(dist, 'webhook', 'admit.js'));

const N = Number(process.env.BENCH_OBJECTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OWNER = 'cluster-a';
const ip = (i) => `203.0.${(i >> 8) & 255}.${i & 255}`;

function ingressYaml(i) {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-${i}
  namespace: team-${i % 50}
  labels:
    app.kubernetes.io/name: app-${i}
    app.kubernetes.io/part-of: shop
  annotations:
    external-dns.kubernetes.io/ttl: "300"
spec:
  ingressClassName: nginx
  tls:
    - hosts: [app-${i}.example.com]
      secretName: app-${i}-tls
  rules:
    - host: app-${i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app-${i}
                port:
                  number: 80
    - host: www-${i}.example.com
status:
  loadBalancer:
    ingress:
      - ip: ${ip(i)}
`;
}

const dir = mkdtempSync(join(tmpdir(), 'zoneguard-bench-validate-'));
try {
  const file = join(dir, 'ingresses.yaml');
  let text = '';
  for (let i = 0; i < N; i++) text += (i ? '---\n' : '') + ingressYaml(i);
  writeFileSync(file, text);
  const mb = (text.length / 2 ** 20).toFixed(0);
  text = '';

  const cfg = settingsFor('validate', {
    'domain-filter': ['example.com'],
    'txt-owner-id': OWNER,
    'public-zone': ['example.com'],
  });
  const records = [];
  for (let i = 0; i < N; i++)
    records.push(
      newEndpoint(`app-${i}.example.com`, 'A', [ip(i)], 300, {
        owner: i % 10 === 0 ? 'cluster-b' : OWNER,
        resource: `ingress/team-${i % 50}/app-${i}`,
      }),
    );
  const ownership = new OwnershipIndex({ records, claims: [] });
  const ruleCtx = setup.ruleContextFrom(cfg, { ownership });
  const extractCtx = setup.extractContextFrom(cfg);
  const filter = setup.objectFilterFrom(cfg);

  /** Best of ROUNDS: CPU and wall milliseconds, and the last result. */
  const best = (f) => {
    let cpu = Infinity;
    let wall = Infinity;
    let result;
    for (let r = 0; r < ROUNDS; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      result = f();
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
      wall = Math.min(wall, w);
    }
    return { cpu, wall, result };
  };

  const read = best(() => loadManifests([file]).map((l) => l.obj));
  const objs = read.result;
  const evaluation = best(() => validateObjects(objs, ruleCtx, extractCtx, { filter }));
  const results = evaluation.result;
  const denied = results.filter((r) => !r.verdict.allowed).length;
  const desired = results.flatMap((r) => r.endpoints);
  const planned = best(() =>
    plan({
      current: records,
      desired,
      ownerId: OWNER,
      policy: 'sync',
      managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      domainFilter: ruleCtx.domainFilter,
    }),
  );

  // the webhook's admit path on the same kind of object, as a review carries it
  const admitCtx = {
    ruleContext: () => ruleCtx,
    extractContext: () => extractCtx,
    filter,
    warnOnly: new Set(),
    ownership: () => ({ state: 'fresh' }),
    stalePolicy: 'warn',
  };
  const reviews = objs.slice(0, 1000).map((o, i) => ({
    uid: `uid-${i}`,
    kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    operation: 'CREATE',
    object: o,
  }));
  const admitted = best(() => {
    for (let k = 0; k < 100; k++) for (const r of reviews) admit(r, admitCtx);
  });
  const admitUs = (admitted.cpu * 1000) / (100 * reviews.length);

  const us = (ms) => ((ms * 1000) / N).toFixed(1);
  console.log(
    `zoneguard validate benchmark: ${N.toLocaleString('en')} Ingresses (${mb} MB of YAML), ownership index ${ownership.size.toLocaleString('en')} names, node ${process.version}; best of ${ROUNDS}, CPU (wall)`,
  );
  console.log(
    `reading (YAML parse):     ${read.cpu.toFixed(0).padStart(6)} ms (${read.wall.toFixed(0)} ms)   ${us(read.cpu)} µs/object`,
  );
  console.log(
    `evaluation (all rules):   ${evaluation.cpu.toFixed(0).padStart(6)} ms (${evaluation.wall.toFixed(0)} ms)   ${us(evaluation.cpu)} µs/object   ${denied.toLocaleString('en')} denied`,
  );
  console.log(`webhook admit, same kind: ${admitUs.toFixed(1).padStart(13)} µs/review`);
  const ratio = (evaluation.cpu * 1000) / N / admitUs;
  console.log(
    `evaluation per object / admit per review: ${ratio.toFixed(2)}  (target <= 3: ${ratio <= 3 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `plan (${desired.length.toLocaleString('en')} desired vs ${records.length.toLocaleString('en')} current): ${planned.cpu.toFixed(0)} ms (${planned.wall.toFixed(0)} ms)  (target <= 1000 ms: ${planned.cpu <= 1000 ? 'met' : 'NOT met'})`,
  );

  // the whole command, as a user runs it: wall time and peak RSS of its own process (BENCH_E2E=0: not);
  // with the V8 heap capped at 512 MB as on a small CI runner, and, with BENCH_BASELINE_REF=<git ref>,
  // the same for that commit's code (built in a temporary git worktree) as "before"
  if (process.env.BENCH_E2E !== '0') {
    const mine = wholeCommand(dist, file);
    const capped = wholeCommand(dist, file, ['--max-old-space-size=512']);
    const ref = process.env.BENCH_BASELINE_REF;
    const base = ref ? baselineDist(root, ref) : undefined;
    try {
      const before = base && wholeCommand(base.dist, file);
      const beforeCapped = base && wholeCommand(base.dist, file, ['--max-old-space-size=512']);
      const row = (label, r) =>
        `${label.padEnd(44)} ${r.ok ? `${(r.wall / 1000).toFixed(2).padStart(6)} s wall, peak RSS ${r.rss.toFixed(0).padStart(5)} MB, exit ${r.exit}` : `FAILED (${r.why})`}`;
      console.log('zoneguard validate -f (whole command, no provider):');
      if (before) {
        console.log(row(`  before (${ref}):`, before));
        console.log(row(`  before, --max-old-space-size=512:`, beforeCapped));
      }
      console.log(row('  now:', mine));
      console.log(row('  now, --max-old-space-size=512:', capped));
      if (before?.ok && mine.ok)
        console.log(
          `  now / before: wall ${(mine.wall / before.wall).toFixed(2)}x, peak RSS ${(mine.rss / before.rss).toFixed(2)}x`,
        );
      console.log(
        `  target <= 4 s and <= 400 MB, and completes under --max-old-space-size=512: ${mine.ok && capped.ok && mine.wall <= 4000 && mine.rss <= 400 ? 'met' : 'NOT met'}`,
      );
    } finally {
      base?.remove();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** `zoneguard validate -f file` of the build in `distDir`, in its own process: wall ms, peak RSS MB, exit. */
function wholeCommand(distDir, file, nodeFlags = []) {
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      ...nodeFlags,
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(join(distDir, 'cli', 'main.js'))});` +
        `const code = await main([process.argv[0], 'zoneguard', ...process.argv.slice(1)]);` +
        `process.stderr.write('\\n' + JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');` +
        `process.exit(code);`,
      'validate',
      '-f',
      file,
      '--domain-filter',
      'example.com',
      '--txt-owner-id',
      OWNER,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const wall = performance.now() - t0;
  const line = run.stderr.split('\n').find((l) => l.startsWith('{"rssMb"'));
  if (!line) {
    const oom = /heap out of memory/.test(run.stderr);
    return {
      ok: false,
      wall,
      exit: run.status,
      why: oom
        ? `JavaScript heap out of memory, signal ${run.signal ?? '-'}, exit ${run.status}`
        : `exit ${run.status}: ${run.stderr.slice(0, 300)}`,
    };
  }
  return { ok: true, wall, rss: JSON.parse(line).rssMb, exit: run.status };
}
