import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCompatTable, withCompatTable } from './compat-table.js';
import { EXTERNAL_DNS_FLAGS } from './external-dns.js';
import { packageRoot } from './paths.js';

describe("README's external-dns compatibility table", () => {
  it('lists every external-dns flag with a decided status', () => {
    const table = renderCompatTable();
    for (const f of EXTERNAL_DNS_FLAGS) expect(table).toContain(`--${f.bool ? '[no-]' : ''}${f.name}\``);
    expect(table).not.toContain('UNDECIDED');
    expect(table.split('\n')).toHaveLength(EXTERNAL_DNS_FLAGS.length + 2);
  });
  it('README.md is in step with cli/external-dns.ts (run `npm run docs:compat` if not)', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    expect(
      withCompatTable(readme) === readme,
      'README.md compatibility table is stale: npm run docs:compat',
    ).toBe(true);
  });
});
