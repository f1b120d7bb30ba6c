/** The image's shape, checked from the Dockerfile itself (no container engine runs in CI). */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execForm, parseInstructions, parseStages, type Stage } from './dockerfile.js';

const ROOT = resolve(__dirname, '../..');
/** The Node binary of the image's line (Dockerfile NODE_IMAGE), which .ci/run fetches; CI never skips it. */
const IMAGE_NODE = process.env.ZONEGUARD_IMAGE_NODE;
if (!IMAGE_NODE && process.env.CI) throw new Error("ZONEGUARD_IMAGE_NODE is required in CI: the Node binary of the image's line (.ci/run fetches it)");
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const { stages } = parseStages(text);
const stage = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
};
const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (s: Stage) => s.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
const runtime = stages[stages.length - 1];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string>; bin: Record<string, string> };

describe('Dockerfile', () => {
  it('reads the syntax it relies on', () => {
    const ins = parseInstructions('# c\nFROM a AS b\nRUN x \\\n  # inner\n  y\nENTRYPOINT ["n", "f"]\n');
    expect(ins.map((i) => [i.keyword, i.args])).toEqual([
      ['FROM', 'a AS b'],
      ['RUN', 'x y'],
      ['ENTRYPOINT', '["n", "f"]'],
    ]);
    expect(execForm('["n", "f"]')).toEqual(['n', 'f']);
    expect(execForm('node f')).toBeUndefined();
  });

  it('has build and runtime stages, runtime last, on a slim or distroless image of a supported Node LTS', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    // Node 20 reached end of life on 2026-04-30; 22 and 24 are the LTS lines with support left
    for (const s of stages) expect(s.from, s.name).toMatch(/^(node:(22|24)(\.\d+)*-(bookworm-)?slim|gcr\.io\/distroless\/nodejs(22|24)[\w.-]*)(@sha256:[0-9a-f]{64}|:[\w.-]+)?$/);
  });

  it('type-checks with npm ci and tsc, then bundles, in the build stage', () => {
    const r = runs(stage('build'));
    expect(r.some((c) => /\bnpm ci\b/.test(c) && !c.includes('--omit=dev'))).toBe(true);
    expect(r.some((c) => /\btsc -p tsconfig\.build\.json\b/.test(c))).toBe(true);
    expect(r.some((c) => /\bnode scripts\/bundle\.mjs \/src\/bundle\b/.test(c))).toBe(true);
  });

  it('ships only the bundle: no node_modules, no compiled tree, no npm', () => {
    const c = copies(runtime);
    expect(c).toEqual(['--from=build /src/bundle ./']);
    expect(runtime.instructions.find((i) => i.keyword === 'WORKDIR')?.args).toBe('/app');
    expect(pkg.bin.zoneguard).toBe('bin/zoneguard.js');
    // nothing in the final image runs npm
    expect(runs(runtime).filter((r) => /\bnpm (ci|install)\b/.test(r))).toEqual([]);
  });

  describe('the bundle', () => {
    const out = mkdtempSync(join(tmpdir(), 'zoneguard-bundle-'));
    let meta: { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown>; entryPoint?: string }> };
    const run = (args: string[]) => spawnSync(process.execPath, [join(out, 'zoneguard.js'), ...args], { cwd: out, encoding: 'utf8' });
    beforeAll(async () => {
      const { bundle } = (await import(pathToFileURL(join(ROOT, 'scripts/bundle.mjs')).href)) as { bundle: (dir: string) => Promise<typeof meta> };
      meta = await bundle(out);
      // what the image copies, and nothing else: no node_modules in reach of the bundle
      expect(existsSync(join(out, 'node_modules'))).toBe(false);
      expect(spawnSync('sh', ['-c', `cd ${out} && node -e "import.meta.resolve('yaml')" --input-type=module`]).status).not.toBe(0);
    }, 120_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('runs validate and demo with no node_modules, from its own folder', () => {
      cpSync(join(ROOT, 'examples'), join(out, 'manifests-under-test'), { recursive: true });
      const v = run(['validate', '-f', 'manifests-under-test/manifests', '--domain-filter', 'example.com']);
      expect(v.stderr).not.toMatch(/Cannot find (module|package)|Dynamic require/);
      expect(v.status).toBe(1);
      expect(v.stdout).toContain('DENY Ingress default/outside: app.example.org: domain-filter: not in [example.com]');
      const d = run(['demo']);
      expect(d.status, d.stderr).toBe(0);
      expect(d.stdout).toContain('== Records the reconciler would publish');
    });

    it('loads each provider SDK, the Kubernetes client and the reconciler only when used (separate chunks)', () => {
      const [entry] = Object.entries(meta.outputs).filter(([, o]) => o.entryPoint === 'bin/zoneguard.js');
      // every file the entry needs before main() runs: its static imports, transitively
      const loaded = new Set<string>();
      const walk = (file: string) => {
        if (loaded.has(file)) return;
        loaded.add(file);
        for (const i of meta.outputs[file].imports) if (i.kind === 'import-statement' && !i.external) walk(i.path);
      };
      walk(entry[0]);
      const inputs = [...loaded].flatMap((f) => Object.keys(meta.outputs[f].inputs));
      // the HTTPS server (express, its body parsers and iconv-lite: 1 MB of parse on every cold
      // `validate`) loads only with `zoneguard webhook`, node-forge only with `zoneguard certs`
      for (const lazy of ['@aws-sdk/', '@azure/', '@google-cloud/', 'node_modules/cloudflare/', '@kubernetes/client-node', 'reconciler/run.ts', 'node_modules/express/', 'node_modules/iconv-lite/', 'webhook/run.ts', 'node_modules/node-forge/']) {
        expect(inputs.filter((i) => i.includes(lazy)), lazy).toEqual([]);
      }
      // and each of them is in the bundle, behind a dynamic import
      const all = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
      for (const sdk of ['@aws-sdk/client-route-53', '@azure/arm-dns', '@google-cloud/dns', 'node_modules/cloudflare/', '@kubernetes/client-node']) {
        expect(all.some((i) => i.includes(sdk)), sdk).toBe(true);
      }
    });

    it.skipIf(!IMAGE_NODE)(
      `runs on the image's Node: validate and demo as on CI's, certs, and the webhook answering a review over HTTPS${IMAGE_NODE ? '' : ' (skipped: ZONEGUARD_IMAGE_NODE is not set; .ci/run sets it)'}`,
      async () => {
        const node = IMAGE_NODE!;
        const onImage = (args: string[]) => spawnSync(node, [join(out, 'zoneguard.js'), ...args], { cwd: out, encoding: 'utf8' });
        const major = /^ARG NODE_IMAGE=node:(\d+)/m.exec(text)?.[1];
        expect(onImage(['--version']).status).toBe(0);
        expect(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(new RegExp(`^v${major}\\.`));
        cpSync(join(ROOT, 'examples'), join(out, 'manifests-on-image-node'), { recursive: true });
        for (const args of [['validate', '-f', 'manifests-on-image-node/manifests', '--domain-filter', 'example.com'], ['demo']]) {
          const [here, there] = [run(args), onImage(args)];
          expect(there.stderr).not.toMatch(/Cannot find (module|package)|Dynamic require|ExperimentalWarning|DeprecationWarning/);
          expect([there.status, there.stdout], args.join(' ')).toEqual([here.status, here.stdout]);
        }
        // the certificate job (node-forge) and the webhook (express, TLS) as the Deployment runs them
        const certDir = mkdtempSync(join(tmpdir(), 'zoneguard-image-node-certs-'));
        expect(onImage(['certs', '--out', certDir, '--log-level', 'error']).status).toBe(0);
        const webhook = spawn(node, [join(out, 'zoneguard.js'), 'webhook', '--listen-address', '127.0.0.1:0', '--tls-cert-file', join(certDir, 'tls.crt'), '--tls-private-key-file', join(certDir, 'tls.key'), '--domain-filter', 'example.com'], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
        try {
          const port = await new Promise<number>((resolvePort, reject) => {
            let log = '';
            webhook.stderr.on('data', (d: Buffer) => {
              log += d.toString();
              const m = /"address":"127\.0\.0\.1:(\d+)"[^\n]*"msg":"webhook listening"/.exec(log);
              if (m) resolvePort(Number(m[1]));
            });
            webhook.once('exit', (code) => reject(new Error(`webhook exited with ${code}: ${log}`)));
          });
          const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'image-node', kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }, resource: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' }, name: 'outside', namespace: 'default', operation: 'CREATE', object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'outside', namespace: 'default' }, spec: { rules: [{ host: 'app.example.org' }] } } } };
          const answer = await new Promise<string>((resolveBody, reject) => {
            const req = httpsRequest({ host: '127.0.0.1', port, path: '/validate', method: 'POST', ca: readFileSync(join(certDir, 'ca.crt')), servername: 'zoneguard-webhook.zoneguard.svc', headers: { 'content-type': 'application/json' } }, (res) => {
              let body = '';
              res.on('data', (d: Buffer) => (body += d.toString()));
              res.on('end', () => resolveBody(body));
            });
            req.on('error', reject);
            req.end(JSON.stringify(review));
          });
          const response = (JSON.parse(answer) as { response: { uid: string; allowed: boolean; status: { message: string } } }).response;
          expect([response.uid, response.allowed]).toEqual(['image-node', false]);
          expect(response.status.message).toContain('app.example.org: domain-filter: not in [example.com]');
          const exited = new Promise<number | null>((r) => webhook.once('exit', (code) => r(code)));
          webhook.kill('SIGTERM');
          expect(await exited).toBe(0);
        } finally {
          if (webhook.exitCode === null && webhook.signalCode === null) webhook.kill('SIGKILL');
          rmSync(certDir, { recursive: true, force: true });
        }
      },
      60_000,
    );

    it('names the running version from the bundled package.json', () => {
      const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect((JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { version: string }).version).toBe(version);
    });
  });

  it('runs as a numeric non-root user with zoneguard as the exec-form entrypoint and no HEALTHCHECK', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0].args.split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(uid).toMatch(/^\d+$/);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
    // nothing after USER needs root
    const afterUser = runtime.instructions.slice(runtime.instructions.indexOf(users[0]) + 1);
    expect(afterUser.filter((i) => i.keyword === 'RUN')).toEqual([]);
    const entry = runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(execForm(entry[0].args)).toEqual(['node', '/app/zoneguard.js']);
    const cmd = runtime.instructions.find((i) => i.keyword === 'CMD');
    if (cmd) expect(execForm(cmd.args), 'CMD in exec form').toBeDefined();
    expect(parseInstructions(text).filter((i) => i.keyword === 'HEALTHCHECK')).toEqual([]);
    expect(parseInstructions(text).filter((i) => i.keyword === 'ADD')).toEqual([]);
  });

  it('keeps local builds, dependencies and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', 'dist', '.git', '.env']) expect(ignored).toContain(p);
  });

  it('compiles from the build context .dockerignore leaves (no source reaches into test/ or fixtures)', () => {
    const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    // as Docker does: a path is out when it or any folder above it matches a pattern
    const ignored = (file: string) => {
      const parts = file.split('/');
      return parts.some((_, i) => patterns.some((p) => minimatch(parts.slice(0, i + 1).join('/'), p, { dot: true })));
    };
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const context = mkdtempSync(join(tmpdir(), 'zoneguard-context-'));
    try {
      for (const f of files.filter((f) => !ignored(f) && existsSync(join(ROOT, f)))) {
        mkdirSync(dirname(join(context, f)), { recursive: true });
        copyFileSync(join(ROOT, f), join(context, f));
      }
      // the build stage's `npm ci` gives it node_modules; the local one stands in for it here
      symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'));
      expect(existsSync(join(context, 'test'))).toBe(false);
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noEmit'], { cwd: context, encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }, 120_000);

  it('has a build script for machines with a container engine', () => {
    const script = readFileSync(join(ROOT, 'scripts/docker-build.sh'), 'utf8');
    expect(script).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('--file Dockerfile');
  });
});
