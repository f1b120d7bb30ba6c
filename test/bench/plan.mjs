/**
 * `npm run bench:plan`: core plan() on 1k, 10k and 100k desired vs current records, each size in a
 * fresh process so that its RSS is its own. Current: N A records owned by this owner (as the TXT
 * registry hands them over: owner/resource labels), plus N/10 records of another owner and N/10
 * unowned ones in the same zone; desired: the same N with 10% new targets, 5% removed and 5% new
 * names. Prints the cold (first) and warm (best of 3) plan time and the process's RSS (peak and
 * after planning). Target: 100k ≤ 1 s and ≤ 300 MB, growing linearly.
 * Runs on plain node against the build (dist/), as the reconciler runs in production, so that the
 * RSS is zoneguard's and not a TypeScript runner's. `npm run bench:plan` builds first (tsc), then:
 *   node test/bench/plan.mjs               all sizes
 *   node test/bench/plan.mjs 250000        other sizes
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'core');
if (!existsSync(join(dist, 'plan.js'))) {
  process.stderr.write('bench:plan: dist/ is missing: run `npm run build` first (or `npm run bench:plan`)\n');
  process.exit(2);
}
const { newEndpoint } = await import(join(dist, 'model', 'endpoint.js'));
const { DomainFilter } = await import(join(dist, 'domain-filter.js'));
const { plan } = await import(join(dist, 'plan.js'));
const distRoot = join(dist, '..');

const OWNER = 'bench';
const ZONE = 'bench.example.com';
const TARGET_MS = 1000;
const TARGET_MB = 300;

function ip(i) {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function data(n) {
  const current = [];
  const desired = [];
  for (let i = 0; i < n; i++) {
    const name = `app-${i}.${ZONE}`;
    const resource = `ingress/default/app-${i}`;
    current.push(newEndpoint(name, 'A', [ip(i)], 300, { owner: OWNER, resource }));
    if (i % 20 === 0) continue; // 5% removed
    desired.push(newEndpoint(name, 'A', [i % 10 === 1 ? ip(i + 1) : ip(i)], 300, { resource }));
  }
  for (let i = 0; i < n / 10; i++) {
    current.push(
      newEndpoint(`other-${i}.${ZONE}`, 'A', [ip(i)], 300, {
        owner: 'someone-else',
        resource: `service/x/s-${i}`,
      }),
    );
    current.push(newEndpoint(`manual-${i}.${ZONE}`, 'CNAME', [`lb-${i}.example.net`], 300, {}));
  }
  for (let i = 0; i < n / 20; i++)
    desired.push(
      newEndpoint(`new-${i}.${ZONE}`, 'A', [ip(i)], undefined, { resource: `ingress/default/new-${i}` }),
    );
  return { current, desired };
}

function child(n) {
  const before = process.memoryUsage().rss;
  const { current, desired } = data(n);
  const domainFilter = new DomainFilter({ filters: ['example.com'] });
  const run = () => {
    const t0 = process.hrtime.bigint();
    const r = plan({
      current,
      desired,
      ownerId: OWNER,
      policy: 'sync',
      managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      domainFilter,
    });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
  };
  const cold = run();
  // RSS of one sync's plan: measured before the repeated runs below pile up garbage
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  let warm = Infinity;
  for (let i = 0; i < 3; i++) warm = Math.min(warm, run().ms);
  const c = cold.r.changes;
  const out = {
    n,
    coldMs: cold.ms,
    warmMs: warm,
    rssMb,
    peakRssMb,
    baseRssMb: before / 2 ** 20,
    changes: `${c.create.length} create, ${c.updateNew.length} update, ${c.delete.length} delete, ${cold.r.conflicts.length} conflicts`,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function syncChild(n) {
  const { InMemoryProvider } = await import(join(distRoot, 'core', 'providers', 'inmemory', 'index.js'));
  const { TxtRegistry } = await import(join(distRoot, 'core', 'registry', 'txt-registry.js'));
  const { Reconciler } = await import(join(distRoot, 'reconciler', 'loop.js'));
  const { silentLogger } = await import(join(distRoot, 'core', 'log.js'));
  const objects = [];
  for (let i = 0; i < n; i++) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: `app-${i}`, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { rules: [{ host: `app-${i}.${ZONE}` }] },
      status: { loadBalancer: { ingress: [{ ip: ip(i) }] } },
    });
  }
  const provider = new InMemoryProvider({ zones: [ZONE] });
  const registry = new TxtRegistry(provider, { ownerId: OWNER });
  const domainFilter = new DomainFilter({ filters: ['example.com'] });
  const source = {
    name: 'bench',
    live: false,
    start: async () => {},
    stop: async () => {},
    objects: () => objects,
    onChange: () => {},
  };
  const r = new Reconciler({
    registry,
    sources: [source],
    ruleCtx: { ownerId: OWNER, domainFilter, managedRecordTypes: ['A', 'AAAA', 'CNAME'] },
    extractCtx: { ingressClasses: [], defaultTargets: [] },
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    domainFilter,
    logger: silentLogger(),
  });
  const first = await r.sync();
  if (!first.ok) throw first.error;
  const peakFirst = process.resourceUsage().maxRSS / 1024;
  const writes = provider.writes;
  const steady = await r.sync();
  if (!steady.ok) throw steady.error;
  process.stdout.write(
    JSON.stringify({
      n,
      firstMs: first.durationMs,
      steadyMs: steady.durationMs,
      peakRssMb: peakFirst,
      steadyWrites: provider.writes - writes,
      created: first.applied.create.length,
    }) + '\n',
  );
}

function syncRows(sizes) {
  const self = fileURLToPath(import.meta.url);
  const pad = (s, w) => s.padStart(w);
  process.stdout.write(`\nwhole sync over N Ingresses (rules + plan + TXT registry + inmemory provider)\n`);
  process.stdout.write(
    `${pad('objects', 8)} ${pad('first sync', 11)} ${pad('steady sync', 12)} ${pad('peak RSS', 9)}  provider writes in steady state\n`,
  );
  for (const n of sizes) {
    const res = spawnSync(process.execPath, [self, '--sync-child', String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = res.stdout.split('\n').find((l) => l.startsWith('{'));
    if (res.status !== 0 || !line) {
      process.stderr.write(`bench:plan: sync of ${n} failed (exit ${res.status}):\n${res.stderr}\n`);
      return 1;
    }
    const r = JSON.parse(line);
    process.stdout.write(
      `${pad(r.n.toLocaleString('en'), 8)} ${pad(`${r.firstMs.toFixed(0)} ms`, 11)} ${pad(`${r.steadyMs.toFixed(0)} ms`, 12)} ${pad(`${r.peakRssMb.toFixed(0)} MB`, 9)}  ${r.steadyWrites} (first sync created ${r.created} records incl. TXT)\n`,
    );
  }
  return 0;
}

function parent(sizes) {
  const self = fileURLToPath(import.meta.url);
  const rows = [];
  for (const n of sizes) {
    const res = spawnSync(process.execPath, [self, '--child', String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = res.stdout.split('\n').find((l) => l.startsWith('{'));
    if (res.status !== 0 || !line) {
      process.stderr.write(`bench:plan: size ${n} failed (exit ${res.status}):\n${res.stderr}\n`);
      return 1;
    }
    rows.push(JSON.parse(line));
  }
  const pad = (s, w) => s.padStart(w);
  process.stdout.write(
    `${pad('records', 8)} ${pad('plan cold', 10)} ${pad('plan warm', 10)} ${pad('µs/record', 10)} ${pad('RSS', 8)} ${pad('peak RSS', 9)} ${pad('base RSS', 9)}  changes\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${pad(r.n.toLocaleString('en'), 8)} ${pad(`${r.coldMs.toFixed(1)} ms`, 10)} ${pad(`${r.warmMs.toFixed(1)} ms`, 10)} ${pad(((r.coldMs * 1000) / r.n).toFixed(2), 10)} ${pad(`${r.rssMb.toFixed(0)} MB`, 8)} ${pad(`${r.peakRssMb.toFixed(0)} MB`, 9)} ${pad(`${r.baseRssMb.toFixed(0)} MB`, 9)}  ${r.changes}\n`,
    );
  }
  const big = rows.find((r) => r.n === 100_000);
  if (big) {
    const ok = big.coldMs <= TARGET_MS && big.peakRssMb <= TARGET_MB;
    process.stdout.write(
      `target 100k: plan ≤ ${TARGET_MS} ms and RSS ≤ ${TARGET_MB} MB: ${ok ? 'met' : 'NOT met'} (${big.coldMs.toFixed(0)} ms, peak ${big.peakRssMb.toFixed(0)} MB)\n`,
    );
  }
  return 0;
}

const args = process.argv.slice(2);
const i = args.indexOf('--child');
const j = args.indexOf('--sync-child');
if (i >= 0) child(Number(args[i + 1]));
else if (j >= 0) await syncChild(Number(args[j + 1]));
else {
  const given = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const sizes = given.length ? given : [1_000, 10_000, 100_000];
  process.exitCode = parent(sizes) || syncRows(sizes);
}
