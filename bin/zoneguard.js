#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/cli/main.js';

// A reader that stops early (`zoneguard validate … | head`) closes the pipe: the rest of the output
// is dropped quietly, as Unix tools do, instead of a stack trace, and the command still finishes
// and exits with its own code (a denial stays exit 1 under `set -o pipefail`).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`zoneguard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
