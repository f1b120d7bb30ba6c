/**
 * The commands README.md and docs/operations.md tell a newcomer to run, checked where a test can
 * see them: every `npm run` script exists, every `zoneguard <command>` is a command, every file or
 * folder of this repository they name exists, every path given to a flag exists or is made by an
 * earlier step of the same page, and no `certs --out` points at a folder of the source tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands, main } from '../cli/main.js';
import { certDirProblem } from '../certs/index.js';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const COMMANDS = new Set([...commands.map((c) => c.name), 'help']);

/** Paths the pages make in an earlier step (or the reader brings), not in the repository. */
const MADE_BY_A_STEP: Record<string, RegExp> = {
  'README.md': /^(zoneguard-certs\/|\.dev-bind\/)/,
  'docs/operations.md': /^(dump\/|tsig\.secret$|k8s\/$|config\.yaml$)/,
};

/** Shell lines of the page's bash (or unmarked) code blocks, continuation lines joined, comments dropped. */
function shellLines(text: string): string[] {
  const lines: string[] = [];
  let block: string[] | undefined;
  let shell = false;
  for (const raw of text.split('\n')) {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence && !block) {
      block = [];
      shell = fence[1] === '' || fence[1] === 'bash' || fence[1] === 'sh';
      continue;
    }
    if (fence && block) {
      if (shell)
        for (const l of block
          .join('\n')
          .replace(/\\\n\s*/g, ' ')
          .split('\n')) {
          const line = l
            .trim()
            .replace(/^\$ /, '')
            .replace(/\s#\s.*$/, '');
          if (line && !line.startsWith('#')) lines.push(line);
        }
      block = undefined;
      continue;
    }
    block?.push(raw);
  }
  return lines;
}

/** Inline code spans of the page's prose. */
const spans = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

for (const page of ['README.md', 'docs/operations.md']) {
  describe(page, () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const lines = shellLines(text);

    it('every `npm run` script exists', () => {
      const used = [...text.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1]);
      expect(used.filter((s) => !(s in pkg.scripts))).toEqual([]);
    });

    it('every `zoneguard <command>` is a command', () => {
      const used = [...lines, ...spans(text)].flatMap((l) =>
        [...l.matchAll(/^(?:.*\s)?(?:npx )?zoneguard ([a-z][a-z-]+)/g)].map((m) => m[1]),
      );
      expect(used.length).toBeGreaterThan(0);
      expect([...new Set(used.filter((c) => !COMMANDS.has(c)))]).toEqual([]);
    });

    it('every repository path it names exists', () => {
      const named = [
        ...[...lines, ...spans(text)]
          .join('\n')
          .matchAll(
            /(?<![\w./-])((?:examples|deploy|scripts|test|docs|core|cli|webhook|reconciler|certs|doctor|kube)\/[\w./-]*[\w/])/g,
          ),
      ]
        .map((m) => m[1])
        // kubectl's resource names (deploy/NAME, job/NAME) are not paths
        .filter((p) => !p.includes('…') && !/^deploy\/[\w-]*zoneguard-/.test(p));
      expect(named.length).toBeGreaterThan(0);
      expect([...new Set(named.filter((p) => !existsSync(join(ROOT, p))))]).toEqual([]);
    });

    it('every path given to a flag of a command exists, or an earlier step makes it', () => {
      const missing: string[] = [];
      for (const line of lines) {
        if (!/\bzoneguard\b/.test(line)) continue;
        for (const m of line.matchAll(
          /(?:^|\s)(?:(?:-f|--config|--tls-cert-file|--tls-private-key-file|--rfc2136-tsig-secret-file|--cacert)[\s=]+|--inmemory-zone-file [\w.-]+=|-d @)([^\s'"]+)/g,
        )) {
          const path = m[1].replace(/^\.\//, '');
          if (path === '-' || MADE_BY_A_STEP[page]?.test(path)) continue; // - is stdin
          if (!existsSync(join(ROOT, path))) missing.push(`${path} (in: ${line})`);
        }
      }
      expect(missing).toEqual([]);
    });

    it('no `certs --out` into a folder of the source tree', () => {
      const outs = lines.flatMap((l) =>
        [...l.matchAll(/zoneguard certs\b.*--out[ =](\S+)/g)].map((m) => m[1]),
      );
      expect(outs.map((o) => certDirProblem(join(ROOT, o))).filter(Boolean)).toEqual([]);
    });
  });
}

it("README's CI example prints what README says it prints", async () => {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await main(
    [
      'node',
      'zoneguard',
      'validate',
      '-f',
      join(ROOT, 'examples/manifests/'),
      '--domain-filter',
      'example.com',
      '--txt-owner-id',
      'cluster-a',
      '--provider',
      'inmemory',
      '--inmemory-zone-file',
      `example.com=${join(ROOT, 'examples/zones/example.com.zone')}`,
    ],
    { stdout: sink, stderr: quiet, env: {} },
  );
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const lines = out.trim().split('\n');
  expect(code).toBe(1);
  expect(readme).toContain(`# ${lines[0]}\n`);
  const summary = lines[lines.length - 1].split(';')[0];
  expect(readme).toContain(`"${summary};`);
});
