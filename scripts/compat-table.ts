// Rewrites README.md's external-dns compatibility table from cli/external-dns.ts.
//   npm run docs:compat
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../cli/paths.js';
import { withCompatTable } from '../cli/compat-table.js';

const file = join(packageRoot(), 'README.md');
const before = readFileSync(file, 'utf8');
const after = withCompatTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(
  after === before
    ? 'README.md: compatibility table up to date\n'
    : 'README.md: compatibility table rewritten\n',
);
