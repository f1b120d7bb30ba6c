/**
 * What is running: the package version (read once from the package.json beside the code, whether
 * that code is the sources, dist/ or the image's bundle) and the Node.js version. Printed in SARIF
 * and exported as `zoneguard_build_info`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  nodeVersion: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  if (cached) return cached;
  let version = 'unknown';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      // the first package.json up the tree that is ours (a bundle sits beside zoneguard's own)
      if (pkg.name === 'zoneguard' && typeof pkg.version === 'string') {
        version = pkg.version;
        break;
      }
    }
    dir = dirname(dir);
  }
  cached = { version, nodeVersion: process.version };
  return cached;
}
