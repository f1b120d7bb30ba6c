/**
 * A throw-away PowerDNS Authoritative (gsqlite3 backend) on 127.0.0.1 for tests, after the verified
 * recipe in shared/recipes/pdns: own config dir (nothing from /etc/powerdns is read), no network
 * traffic (no security poll, no NOTIFY/AXFR), caches off so changes are visible at once.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PDNS_BIN = ['/usr/sbin/pdns_server', '/usr/bin/pdns_server'].find((p) => existsSync(p));
const SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

/** Why PowerDNS tests cannot run here, or undefined when they can. */
export function pdnsUnavailable(): string | undefined {
  if (!PDNS_BIN) return 'pdns_server not installed (apt-get install pdns-server pdns-backend-sqlite3)';
  if (!existsSync(SCHEMA))
    return 'pdns-backend-sqlite3 schema missing (apt-get install pdns-backend-sqlite3)';
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
  } catch {
    return 'sqlite3 not installed (apt-get install sqlite3)';
  }
  return undefined;
}

export interface PdnsServer {
  port: number;
  apiPort: number;
  apiKey: string;
  /** http://127.0.0.1:PORT (the --pdns-server value). */
  server: string;
  /** .../api/v1/servers/localhost */
  apiUrl: string;
  dir: string;
  stop(): Promise<void>;
  /** Stops the daemon but keeps its database, so start() brings the same zones back. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(
  apiUrl: string,
  apiKey: string,
  proc: { exitCode: number | null },
  log: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(apiUrl, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (proc.exitCode !== null)
      throw new Error(`pdns_server exited during startup:\n${readFileSync(log, 'utf8')}`);
    if (Date.now() > deadline)
      throw new Error(`pdns_server not ready in ${timeoutMs} ms:\n${readFileSync(log, 'utf8')}`);
    await sleep(50);
  }
}

export async function startPdns(opts: {
  port: number;
  apiPort: number;
  zones?: string[];
  apiKey?: string;
}): Promise<PdnsServer> {
  const why = pdnsUnavailable();
  if (why) throw new Error(why);
  const apiKey = opts.apiKey ?? 'test-api-key';
  const dir = mkdtempSync(join(tmpdir(), 'zoneguard-pdns-'));
  const db = join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [db], { input: readFileSync(SCHEMA) });
  writeFileSync(
    join(dir, 'pdns.conf'),
    [
      'launch=gsqlite3',
      `gsqlite3-database=${db}`,
      'gsqlite3-dnssec=no',
      'local-address=127.0.0.1',
      `local-port=${opts.port}`,
      'query-local-address=127.0.0.1',
      'default-soa-content=ns1.@ hostmaster.@ 0 10800 3600 604800 3600',
      `socket-dir=${dir}`,
      'daemon=no',
      'guardian=no',
      'disable-syslog=yes',
      'loglevel=4',
      'api=yes',
      `api-key=${apiKey}`,
      'webserver=yes',
      'webserver-address=127.0.0.1',
      `webserver-port=${opts.apiPort}`,
      'webserver-allow-from=127.0.0.0/8',
      // no network: never write an empty resolver= (pdns 4.7 segfaults)
      'security-poll-suffix=',
      'primary=no',
      'secondary=no',
      'only-notify=',
      'cache-ttl=0',
      'negquery-cache-ttl=0',
      'query-cache-ttl=0',
      'receiver-threads=1',
      'distributor-threads=1',
      '',
    ].join('\n'),
  );
  const log = join(dir, 'pdns.log');
  const apiUrl = `http://127.0.0.1:${opts.apiPort}/api/v1/servers/localhost`;
  let proc: ReturnType<typeof spawn>;
  const launch = async () => {
    const fd = openSync(log, 'a');
    proc = spawn(PDNS_BIN!, [`--config-dir=${dir}`], { stdio: ['ignore', fd, fd], detached: false });
    await waitReady(apiUrl, apiKey, proc, log);
  };
  const halt = async () => {
    if (!proc || proc.exitCode !== null || proc.signalCode) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    if (proc.exitCode === null && !proc.signalCode) proc.kill('SIGKILL');
  };
  await launch();
  for (const zone of opts.zones ?? ['example.com']) {
    const r = await fetch(`${apiUrl}/zones`, {
      method: 'POST',
      headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `${zone}.`, kind: 'Native', nameservers: [`ns1.${zone}.`] }),
    });
    if (r.status !== 201) throw new Error(`creating zone ${zone}: HTTP ${r.status} ${await r.text()}`);
  }
  return {
    port: opts.port,
    apiPort: opts.apiPort,
    apiKey,
    server: `http://127.0.0.1:${opts.apiPort}`,
    apiUrl,
    dir,
    kill: halt,
    restart: launch,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
