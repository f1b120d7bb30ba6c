/**
 * The launcher as a shell runs it: `zoneguard validate … | head` closes the pipe early. The rest of
 * the output is dropped without a stack trace and the exit code is still the command's own.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const why = built ? undefined : 'dist/ is not built (npm ci builds it; or npm run build)';
if (why && process.env.CI) throw new Error(`the launcher test needs dist/: ${why}`);

/** Runs the launcher with its stdout's reading end closed before it writes anything. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/zoneguard.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout.destroy();
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stderr }));
  });
}

describe.skipIf(!built)(`a reader that stops early${why ? ` (skipped: ${why})` : ''}`, () => {
  const rows: { name: string; args: string[]; code: number }[] = [
    {
      name: 'validate with denials: exit 1, no stack trace',
      args: ['validate', '-f', 'examples/manifests', '--domain-filter', 'example.com'],
      code: 1,
    },
    { name: 'demo: exit 0, no stack trace', args: ['demo'], code: 0 },
  ];
  for (const row of rows)
    it(row.name, async () => {
      const r = await runWithClosedStdout(row.args);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
      expect(r.code).toBe(row.code);
    });
});
