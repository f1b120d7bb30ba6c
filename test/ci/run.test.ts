/**
 * `.ci/run` on a machine it must prepare, with apt-get, pip, npm and the DNS servers replaced by
 * stubs on PATH that log what they are asked: it installs the servers with services forbidden to
 * start (policy-rc.d) instead of stopping daemons by name afterwards, finds moto_server on PATH
 * only, fails before the tests when moto is missing, and runs the checks with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, '.ci/run');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stub(dir: string, name: string, body: string): void {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
}

/** Runs .ci/run with only the stubs, /usr/bin and /bin on PATH (no /usr/sbin: named and pdns_server are "missing"). */
function runCi(opts: { moto: boolean; pyenvMoto?: boolean; nodePack?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'zoneguard-ci-run-'));
  dirs.push(dir);
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const policy = join(dir, 'policy-rc.d');
  spawnSync('mkdir', [bin]);
  // apt-get notes whether services were forbidden to start while it ran
  stub(
    bin,
    'apt-get',
    `if [ -x "${policy}" ]; then "${policy}" named start; p="policy-rc.d exits $?"; else p="no policy-rc.d"; fi\necho "apt-get $* ($p)" >>"${log}"`,
  );
  stub(bin, 'pip3', `echo "pip3 $*" >>"${log}"; exit 1`);
  // `npm pack node-linux-<arch>@24` gives a tarball whose package/bin/node says it is v24 (the
  // registry's Node build); nodePack: false, as when the registry cannot be reached
  const pack =
    opts.nodePack === false
      ? 'exit 1'
      : `mkdir -p package/bin && printf '#!/bin/sh\\necho v24.0.0\\n' >package/bin/node && chmod +x package/bin/node && tar -czf node-stub.tgz package && rm -rf package && echo node-stub.tgz`;
  stub(bin, 'npm', `echo "npm $* CI=$CI" >>"${log}"\nif [ "$1" = pack ]; then ${pack}; fi`);
  if (opts.moto) stub(bin, 'moto_server', 'exit 0');
  if (opts.pyenvMoto) {
    spawnSync('mkdir', ['-p', join(dir, '.pyenv/shims')]);
    stub(join(dir, '.pyenv/shims'), 'moto_server', 'exit 0');
  }
  const r = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ZONEGUARD_CI_POLICY_RC_D: policy },
    timeout: 60_000,
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { ...r, calls, policyLeft: existsSync(policy) };
}

describe('.ci/run', () => {
  it('stops no process by name', () => {
    const text = readFileSync(SCRIPT, 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    expect(text).not.toMatch(/\b(pkill|killall|kill)\b/);
  });

  it('installs the servers with services forbidden to start, removes its policy-rc.d, runs every check with CI=true', () => {
    const r = runCi({ moto: true });
    expect(r.status, r.stderr).toBe(0);
    const apt = r.calls.filter((c) => c.startsWith('apt-get install'));
    expect(apt).toHaveLength(1);
    expect(apt[0]).toMatch(/bind9 .*pdns-server/);
    expect(apt[0]).toContain('(policy-rc.d exits 101)');
    expect(r.policyLeft).toBe(false);
    expect(r.stdout).toMatch(/ci: moto_server at .*\/bin\/moto_server/);
    expect(r.stdout).toContain("ci: the image's Node for the bundle tests: v24.0.0");
    expect(r.calls.filter((c) => c.startsWith('npm'))).toEqual([
      'npm ci --no-audit --no-fund CI=true',
      // the Dockerfile's NODE_IMAGE line, for test/deploy/dockerfile.test.ts
      expect.stringMatching(/^npm pack --silent node-linux-(x64|arm64)@24 CI=true$/),
      'npm run typecheck CI=true',
      'npm run lint CI=true',
      'npm run format:check CI=true',
      'npm run check:boundaries CI=true',
      expect.stringMatching(/^npm test -- --reporter=default --reporter=json --outputFile.json=\S+ CI=true$/),
    ]);
  });

  it("moto_server in pyenv's shims (set up by ~/.bashrc, which CI's shell does not read): put on PATH", () => {
    const r = runCi({ moto: false, pyenvMoto: true });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ci: moto_server at .*\/\.pyenv\/shims\/moto_server/);
    expect(r.calls.some((c) => c.startsWith('pip3'))).toBe(false);
  });

  it("without the image's Node from the npm registry: fails before any check with the reason", () => {
    const r = runCi({ moto: true, nodePack: false });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ci: could not fetch Node 24');
    expect(r.calls.filter((c) => c.startsWith('npm run') || c.startsWith('npm test'))).toEqual([]);
  });

  it('without moto_server on PATH: tries pip, then fails before any test with the reason', () => {
    const r = runCi({ moto: false });
    expect(r.status).toBe(1);
    expect(
      r.calls.some((c) => c.startsWith('pip3 install --quiet --retries 1 --timeout 20 moto[server]')),
    ).toBe(true);
    expect(r.stderr).toContain('moto_server is not on PATH and could not be installed');
    expect(r.calls.filter((c) => c.startsWith('npm'))).toEqual([]);
    expect(r.policyLeft).toBe(false);
  });
});
