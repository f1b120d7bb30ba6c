/**
 * `npm run bench:image`: what the image carries and how fast `zoneguard validate` answers from a
 * cold process, before (the tsc output and the production node_modules, as the image carried until
 * the bundle) and after (the esbuild bundle the Dockerfile copies, scripts/bundle.mjs). Prints:
 *   - image content: bytes and files of each layout, the ratio, and the largest production
 *     packages. "Before" is `npm ci --omit=dev --ignore-scripts` of package.json and
 *     package-lock.json in a temp folder (needs the npm registry, or its cache; BENCH_PROD_MODULES=
 *     <folder holding node_modules> reuses one), plus dist/, bin/, package.json and examples/;
 *     "after" is the bundle folder (code, chunks, licences, package.json, examples/).
 *     Base image layers (node itself) are not counted: they are the same size either way. Bytes
 *     are file sizes; "on disk" is du's whole blocks (what the issue's 331 MB measured).
 *   - cold start: `node <layout> validate -f examples/manifests/ …` against the example zone, each
 *     run its own process, the two layouts in turn (A B A B …; BENCH_RUNS pairs, default 10, after
 *     one warm-up pair that fills the page cache): time to the first verdict line on stdout and to
 *     exit, min / median / max, and the after/before ratio of medians and of each pair.
 *     Goal: under 300 ms to the first verdict. BENCH_NODE=<node binary> runs both on another Node
 *     (the image runs Node 24; CI's machines have Node 20).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../scripts/bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = process.env.BENCH_NODE ?? process.execPath;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const GOAL_MS = 300;
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench:image: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}

/** Bytes (file sizes, symlinks as links) and files under a path. */
function sizeOf(path) {
  const st = lstatSync(path);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(path)) {
    const s = sizeOf(join(path, name));
    bytes += s.bytes;
    files += s.files;
  }
  return { bytes, files };
}
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const ms = (n) => `${n.toFixed(0)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => `min ${ms(Math.min(...xs))}  median ${ms(median(xs))}  max ${ms(Math.max(...xs))}`;

const work = mkdtempSync(join(tmpdir(), 'zoneguard-bench-image-'));
try {
  // ---- the two layouts, as each image carried them under /app ----
  const before = join(work, 'before');
  mkdirSync(before);
  let modules = process.env.BENCH_PROD_MODULES;
  if (!modules) {
    cpSync(join(root, 'package.json'), join(before, 'package.json'));
    cpSync(join(root, 'package-lock.json'), join(before, 'package-lock.json'));
    const t0 = Date.now();
    process.stderr.write('bench:image: npm ci --omit=dev --ignore-scripts in a temp folder …\n');
    execFileSync(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: before,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    process.stderr.write(`bench:image: installed in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    rmSync(join(before, 'package-lock.json'));
  } else {
    cpSync(join(modules, 'node_modules'), join(before, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    cpSync(join(root, 'package.json'), join(before, 'package.json'));
  }
  modules = join(before, 'node_modules');
  for (const d of ['dist', 'bin', 'examples']) cpSync(join(root, d), join(before, d), { recursive: true });
  const after = join(work, 'after');
  await bundle(after);

  // ---- image content ----
  const parts = {
    'node_modules (production)': sizeOf(modules),
    'dist/ (tsc output)': sizeOf(join(before, 'dist')),
    'bin/, package.json, examples/': ['bin', 'package.json', 'examples']
      .map((p) => sizeOf(join(before, p)))
      .reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files })),
  };
  const beforeSize = sizeOf(before);
  const afterSize = sizeOf(after);
  const afterCode = sizeOf(join(after, 'zoneguard.js')).bytes + sizeOf(join(after, 'chunks')).bytes;
  console.log('image content (what the Dockerfile copies into /app; the node base image not counted)');
  for (const [name, s] of Object.entries(parts))
    console.log(`  before  ${name.padEnd(30)} ${mb(s.bytes).padStart(9)}  ${s.files} files`);
  console.log(
    `  before  ${'total'.padEnd(30)} ${mb(beforeSize.bytes).padStart(9)}  ${beforeSize.files} files`,
  );
  console.log(
    `  after   ${'bundle (code and chunks)'.padEnd(30)} ${mb(afterCode).padStart(9)}\n  after   ${'total (with licences, examples/)'.padEnd(30)} ${mb(afterSize.bytes).padStart(9)}  ${afterSize.files} files`,
  );
  // on disk (du: whole blocks, as `docker image` sizes and the 331 MB of the issue count them)
  const du = (p) => Number(execFileSync('du', ['-sk', p], { encoding: 'utf8' }).split('\t')[0]) * 1024;
  console.log(`  on disk (du -sk): before ${mb(du(before))}, after ${mb(du(after))}`);
  console.log(
    `  after/before: ${(afterSize.bytes / beforeSize.bytes).toFixed(4)} of the bytes (${(beforeSize.bytes / afterSize.bytes).toFixed(0)}x smaller), ${(afterSize.files / beforeSize.files).toFixed(4)} of the files`,
  );
  const pkgs = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
    for (const n of names) pkgs.push([n, sizeOf(join(modules, n)).bytes]);
  }
  pkgs.sort((a, b) => b[1] - a[1]);
  console.log(
    `  largest production packages: ${pkgs
      .slice(0, 6)
      .map(([n, b]) => `${n} ${mb(b)}`)
      .join(', ')}`,
  );

  // ---- cold start of validate ----
  const args = [
    'validate',
    '-f',
    join(root, 'examples', 'manifests'),
    '--domain-filter',
    'example.com',
    '--txt-owner-id',
    'cluster-a',
    '--provider',
    'inmemory',
    '--inmemory-zone-file',
    `example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`,
  ];
  const layouts = [
    { name: 'before', entry: join(before, 'bin', 'zoneguard.js') },
    { name: 'after', entry: join(after, 'zoneguard.js') },
  ];
  /** One cold process: ms to the first verdict line on stdout, and to exit. */
  // GNU time, where installed, adds each run's CPU time (user + sys): on a shared machine the wall
  // time also counts waiting for a core, the CPU time does not
  const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const once = (entry, argv = args) =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const since = () => Number(process.hrtime.bigint() - t0) / 1e6;
      const cmd = TIME
        ? [TIME, ['-f', 'zoneguard-bench-cpu %U %S', NODE, entry, ...argv]]
        : [NODE, [entry, ...argv]];
      const p = spawn(cmd[0], cmd[1], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      let first;
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => {
        out += d;
        if (first === undefined && /^(ALLOW|DENY|WARN)\b/m.test(out)) first = since();
      });
      p.stderr.on('data', (d) => (err += d));
      p.on('error', reject);
      p.on('close', (code) => {
        const exit = since();
        const cpuLine = /zoneguard-bench-cpu ([\d.]+) ([\d.]+)/.exec(err);
        const cpu = cpuLine ? (Number(cpuLine[1]) + Number(cpuLine[2])) * 1000 : undefined;
        // the examples hold one bad object per rule: exit 1 (denied) is the expected verdict
        if (argv !== args) resolve({ exit, cpu });
        else if (code !== 1 || first === undefined) reject(new Error(`${entry}: exit ${code}\n${out}${err}`));
        else resolve({ first, exit, cpu, out });
      });
    });
  const version = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
  console.log(
    `\ncold start: node ${version}, \`zoneguard ${args.join(' ').replaceAll(root + '/', '')}\`, ${RUNS} runs of each in turn after one warm-up pair`,
  );
  const warm = [];
  for (const l of layouts) warm.push((await once(l.entry)).out);
  if (warm[0] !== warm[1]) throw new Error('before and after print different verdicts');
  const res = { before: { first: [], exit: [], cpu: [] }, after: { first: [], exit: [], cpu: [] } };
  const empty = { exit: [], cpu: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const l of i % 2 ? [...layouts].reverse() : layouts) {
      const r = await once(l.entry);
      res[l.name].first.push(r.first);
      res[l.name].exit.push(r.exit);
      if (r.cpu !== undefined) res[l.name].cpu.push(r.cpu);
    }
    // the baseline of this machine at this moment: a node process that does nothing
    const e = await once('-e', ['0']);
    empty.exit.push(e.exit);
    if (e.cpu !== undefined) empty.cpu.push(e.cpu);
  }
  const kinds = TIME ? ['first', 'exit', 'cpu'] : ['first', 'exit'];
  for (const kind of kinds) {
    const label = { first: 'to the first verdict', exit: 'to exit', cpu: 'CPU (user+sys)' }[kind];
    for (const l of layouts)
      console.log(`  ${l.name.padEnd(6)} ${label.padEnd(21)} ${stats(res[l.name][kind])}`);
    const pairs = res.after[kind].map((a, i) => a / res.before[kind][i]);
    console.log(
      `  after/before ${label}: ${(median(res.after[kind]) / median(res.before[kind])).toFixed(2)} (medians); per pair min ${Math.min(...pairs).toFixed(2)} median ${median(pairs).toFixed(2)} max ${Math.max(...pairs).toFixed(2)}`,
    );
  }
  console.log(
    `  baseline, \`node -e 0\` in the same turns: to exit ${stats(empty.exit)}${TIME ? `; CPU median ${ms(median(empty.cpu))}` : ''}`,
  );
  const m = median(res.after.first);
  console.log(
    `  goal: first verdict under ${GOAL_MS} ms — after: median ${ms(m)} wall (${m < GOAL_MS ? 'under' : 'OVER'} the goal)${TIME ? `, ${ms(median(res.after.cpu))} CPU` : ''}; an empty node process took ${ms(median(empty.exit))} wall here`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
