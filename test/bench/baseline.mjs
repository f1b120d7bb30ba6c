// The code of a git ref built in a temporary git worktree (node_modules linked from this checkout),
// for benchmarks that print "before" (BENCH_BASELINE_REF=<ref>) beside "now" in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Builds `ref` of the repository at `root`: its dist/ directory, and remove() to delete it. */
export function baselineDist(root, ref) {
  const at = mkdtempSync(join(tmpdir(), 'zoneguard-bench-baseline-'));
  rmSync(at, { recursive: true, force: true });
  const git = (...args) => {
    const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('worktree', 'add', '--detach', at, ref);
  const remove = () => {
    spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', at]);
    rmSync(at, { recursive: true, force: true });
  };
  try {
    symlinkSync(join(root, 'node_modules'), join(at, 'node_modules'));
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(at, 'tsconfig.build.json')],
      { encoding: 'utf8' },
    );
    if (tsc.status !== 0) throw new Error(`building ${ref}: ${tsc.stdout.slice(0, 500)}`);
  } catch (e) {
    remove();
    throw e;
  }
  return { dist: join(at, 'dist'), remove };
}
