/** The image's shape, checked from the Dockerfile itself (no container engine runs in CI). */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { execForm, parseInstructions, parseStages, type Stage } from './dockerfile.js';

const ROOT = resolve(__dirname, '../..');
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

  it('has build, deps and runtime stages, runtime last, on a slim or distroless Node 20 image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of stages) expect(s.from, s.name).toMatch(/^(node:20(\.\d+)*-(bookworm-)?slim|gcr\.io\/distroless\/nodejs20[\w.-]*)(@sha256:[0-9a-f]{64}|:[\w.-]+)?$/);
  });

  it('compiles with npm ci and tsc in the build stage', () => {
    const r = runs(stage('build'));
    expect(r.some((c) => /\bnpm ci\b/.test(c) && !c.includes('--omit=dev'))).toBe(true);
    expect(r.some((c) => /\btsc -p tsconfig\.build\.json\b/.test(c))).toBe(true);
  });

  it('installs production dependencies with npm ci --omit=dev, without the prepare script', () => {
    const r = runs(stage('deps'));
    const ci = r.find((c) => /\bnpm ci\b.*--omit=dev/.test(c));
    expect(ci).toBeDefined();
    // "prepare" runs tsc, a dev dependency that --omit=dev leaves out: it must not run here
    if (/\btsc\b/.test(pkg.scripts.prepare ?? '') && pkg.devDependencies.typescript) expect(ci).toContain('--ignore-scripts');
  });

  it('ships only the compiled code, production dependencies and the launcher', () => {
    const c = copies(runtime);
    expect(c).toContain('--from=deps /app/node_modules ./node_modules');
    expect(c).toContain('--from=build /src/dist ./dist');
    expect(c.some((x) => x.startsWith('bin/'))).toBe(true);
    expect(runtime.instructions.find((i) => i.keyword === 'WORKDIR')?.args).toBe('/app');
    // the launcher imports the compiled CLI from ../dist, which is where the build puts it
    expect(readFileSync(join(ROOT, 'bin/zoneguard.js'), 'utf8')).toContain("'../dist/cli/main.js'");
    expect(pkg.bin.zoneguard).toBe('bin/zoneguard.js');
    // nothing in the final image runs npm
    expect(runs(runtime).filter((r) => /\bnpm (ci|install)\b/.test(r))).toEqual([]);
    for (const src of c.filter((x) => !x.startsWith('--from')).map((x) => x.split(' ')[0])) expect(existsSync(join(ROOT, src)), src).toBe(true);
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
    expect(execForm(entry[0].args)).toEqual(['node', '/app/bin/zoneguard.js']);
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
