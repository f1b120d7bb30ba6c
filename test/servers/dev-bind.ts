/**
 * `npm run dev:bind`: a local BIND 9 for trying the reconciler (the same throw-away server the
 * tests use): zone example.com on 127.0.0.1:15353, updates and AXFR with the TSIG key
 * zoneguard-key, whose secret is written to .dev-bind/tsig.secret (at the repository root, or
 * DEV_BIND_DIR) for --rfc2136-tsig-secret-file.
 * Runs until Ctrl-C. Needs `apt-get install bind9 bind9-dnsutils`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindUnavailable, startBind } from './bind.js';
import { DEV_BIND_DIR } from './dev-bind-dir.js';

const port = Number(process.env.PORT ?? 15353);
const why = bindUnavailable();
if (why) {
  console.error(`dev:bind: ${why}`);
  process.exit(1);
}
const bind = await startBind({ port, zones: ['example.com'] });
const dir = DEV_BIND_DIR;
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'tsig.secret'), `${bind.tsig.secret}\n`, { mode: 0o600 });
console.log(
  `BIND 9 answers for example.com on 127.0.0.1:${port} (TSIG key ${bind.tsig.name}, ${bind.tsig.algorithm}; secret in .dev-bind/tsig.secret)`,
);
console.log(
  `  see the zone: dig @127.0.0.1 -p ${port} -y ${bind.tsig.algorithm}:${bind.tsig.name}:$(cat .dev-bind/tsig.secret) example.com AXFR`,
);
console.log('Ctrl-C stops it.');
const stop = () => void bind.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
