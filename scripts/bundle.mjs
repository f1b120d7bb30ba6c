#!/usr/bin/env node
// Bundles zoneguard for the image: the launcher (bin/zoneguard.js) and everything it imports,
// dependencies included, into <outdir>/zoneguard.js plus chunks. Code behind a dynamic import()
// (each provider's SDK, the Kubernetes client, the reconciler) stays in its own chunk and is read
// only when a command needs it, as with node_modules. No node_modules is needed at run time.
//   node scripts/bundle.mjs [outdir]          default: bundle/
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `outdir` (emptied first); returns esbuild's metafile. */
export async function bundle(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { zoneguard: 'bin/zoneguard.js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // the oldest Node the package supports (engines): no syntax a supported Node cannot run
    target: 'node20',
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies call require(); ESM output has none, so each file makes one
    banner: {
      js: "import { createRequire as __zgRequire } from 'node:module'; const require = __zgRequire(import.meta.url);",
    },
    plugins: [
      {
        // the launcher imports the tsc output (../dist/cli/main.js); bundle the sources instead
        name: 'sources-not-dist',
        setup(build) {
          build.onResolve({ filter: /^\.\.\/dist\/cli\/main\.js$/ }, () => ({
            path: join(root, 'cli/main.ts'),
          }));
        },
      },
    ],
  });
  // buildInfo() reads the version from the package.json beside the code; examples/ for `demo`
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(
    join(outdir, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', license: pkg.license }, null, 2) +
      '\n',
  );
  cpSync(join(root, 'examples'), join(outdir, 'examples'), { recursive: true });
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(root, 'bundle'));
  const meta = await bundle(outdir);
  const bytes = Object.values(meta.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(
    `bundle: ${outdir} (${(bytes / 1e6).toFixed(1)} MB of JavaScript in ${Object.keys(meta.outputs).length} files)`,
  );
}
