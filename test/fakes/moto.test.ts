/** moto_server is found on PATH and nowhere else, so a test run uses the moto the person chose. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findMoto } from './moto.js';

const dir = mkdtempSync(join(tmpdir(), 'zoneguard-moto-path-'));
const fake = join(dir, 'moto_server');
writeFileSync(fake, '#!/bin/sh\nexit 0\n');
chmodSync(fake, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findMoto', () => {
  const rows: { name: string; path: string; found?: string }[] = [
    { name: 'a moto_server on PATH is the one used', path: `${dir}:/usr/bin:/bin`, found: fake },
    // no fallback to a place some machine once had it (a pyenv shim): PATH decides
    { name: 'none on PATH: not found, with the reason', path: '/usr/bin:/bin' },
  ];
  for (const row of rows)
    it(row.name, () => {
      const got = findMoto({ PATH: row.path });
      if (row.found) {
        expect(got).toEqual({ path: row.found });
      } else {
        expect(got.path).toBeUndefined();
        expect(got.reason).toMatch(/moto_server is not on PATH \(pip install "moto\[server\]"/);
        expect(got.reason).toContain('PATH=/usr/bin:/bin');
      }
    });
});
