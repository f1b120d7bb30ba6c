#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`zoneguard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
