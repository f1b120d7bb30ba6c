/**
 * A throw-away authoritative BIND 9 on 127.0.0.1 for tests, after the verified recipe in
 * shared/recipes/bind: everything named writes lives in a temp dir, no rndc channel, IPv4 loopback
 * only, the zones take dynamic updates and AXFR only with the TSIG key, queries from anyone.
 * `kill()` + `restart()` keep the zone files and journals, as a real server restart does.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NAMED_BIN = ['/usr/sbin/named', '/usr/bin/named'].find((p) => existsSync(p));

/** Why BIND tests cannot run here, or undefined when they can. */
export function bindUnavailable(): string | undefined {
  if (!NAMED_BIN) return 'named not installed (apt-get install bind9 bind9-dnsutils)';
  for (const tool of ['dig', 'nsupdate']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} not installed (apt-get install bind9-dnsutils)`;
    }
  }
  return undefined;
}

export interface TsigSpec {
  name: string;
  /** base64 */
  secret: string;
  algorithm: string;
}

export interface BindServer {
  port: number;
  zones: string[];
  tsig: TsigSpec;
  dir: string;
  /** `hmac-sha256:name:secret`, for dig -y and nsupdate -y. */
  keyArg: string;
  /** Answers of dig +short (sorted). */
  dig(name: string, type: string): Promise<string[]>;
  /** The zone by AXFR with the key: one line per record, comments and the TSIG dropped, sorted. */
  axfr(zone: string): Promise<string[]>;
  /** Runs nsupdate lines ("update add ...") against a zone, signed with the key. */
  nsupdate(zone: string, lines: string[]): Promise<void>;
  /** SIGKILL: the zone files and journals stay for restart(). */
  kill(): Promise<void>;
  /** Starts named again on the same port, dir and zones. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_TSIG: TsigSpec = {
  name: 'zoneguard-key',
  secret: 'c2VjcmV0LXRlc3Qta2V5LWZvci1leHRlcm5hbC1kbnM=',
  algorithm: 'hmac-sha256',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answersSoa(port: number, zone: string): Promise<boolean> {
  try {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      '+time=1',
      '+tries=1',
      '+norec',
      zone,
      'SOA',
    ]);
    return stdout.includes('status: NOERROR');
  } catch {
    return false;
  }
}

export async function startBind(opts: {
  port: number;
  zones?: string[];
  tsig?: Partial<TsigSpec>;
}): Promise<BindServer> {
  const why = bindUnavailable();
  if (why) throw new Error(why);
  const zones = opts.zones ?? ['example.com'];
  const tsig = { ...TEST_TSIG, ...opts.tsig };
  if (await answersSoa(opts.port, zones[0]))
    throw new Error(`something already answers DNS on 127.0.0.1:${opts.port}`);
  const dir = mkdtempSync(join(tmpdir(), 'zoneguard-bind-'));
  const conf = join(dir, 'named.conf');
  const keyBlock = `key "${tsig.name}" {\n  algorithm ${tsig.algorithm};\n  secret "${tsig.secret}";\n};\n`;
  const lines = [
    keyBlock,
    'controls { };',
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${join(dir, 'named.pid')}";`,
    `  session-keyfile "${join(dir, 'session.key')}";`,
    `  managed-keys-directory "${dir}";`,
    `  dump-file "${join(dir, 'named_dump.db')}";`,
    `  statistics-file "${join(dir, 'named.stats')}";`,
    `  listen-on port ${opts.port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    '  notify no;',
    '  allow-query { any; };',
    '  allow-transfer { none; };',
    '  allow-update { none; };',
    '  minimal-responses no;',
    '};',
  ];
  for (const zone of zones) {
    writeFileSync(
      join(dir, `db.${zone}`),
      `$TTL 300\n@ IN SOA ns1.${zone}. hostmaster.${zone}. ( 1 3600 600 86400 60 )\n@ IN NS ns1.${zone}.\nns1 IN A 127.0.0.1\n`,
    );
    lines.push(
      `zone "${zone}" {\n  type primary;\n  file "${join(dir, `db.${zone}`)}";\n  allow-update { key "${tsig.name}"; };\n  allow-transfer { key "${tsig.name}"; };\n};`,
    );
  }
  writeFileSync(conf, lines.join('\n') + '\n');
  writeFileSync(join(dir, 'tsig.key'), keyBlock);
  const log = join(dir, 'named.log');
  let proc: ChildProcess | undefined;

  const launch = async () => {
    const fd = openSync(log, 'a');
    proc = spawn(NAMED_BIN!, ['-g', '-4', '-c', conf], { stdio: ['ignore', fd, fd] });
    const deadline = Date.now() + 20_000;
    while (!(await answersSoa(opts.port, zones[0]))) {
      if (proc.exitCode !== null)
        throw new Error(`named exited during startup:\n${readFileSync(log, 'utf8')}`);
      if (Date.now() > deadline)
        throw new Error(`named did not answer within 20 s:\n${readFileSync(log, 'utf8')}`);
      await sleep(50);
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await Promise.race([exited, sleep(5000)]);
    if (p.exitCode === null && !p.signalCode) p.kill('SIGKILL');
  };
  try {
    await launch();
  } catch (e) {
    await halt('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const keyArg = `${tsig.algorithm}:${tsig.name}:${tsig.secret}`;
  const digArgs = ['@127.0.0.1', '-p', String(opts.port), '+time=2', '+tries=1'];
  return {
    port: opts.port,
    zones,
    tsig,
    dir,
    keyArg,
    async dig(name, type) {
      const { stdout } = await run('dig', [...digArgs, '+short', name, type]);
      return stdout.split('\n').filter(Boolean).sort();
    },
    async axfr(zone) {
      const { stdout } = await run('dig', [
        ...digArgs,
        '-y',
        keyArg,
        '+nocomments',
        '+nostats',
        '+nocmd',
        zone,
        'AXFR',
      ]);
      if (stdout.includes('Transfer failed')) throw new Error(`AXFR ${zone} failed`);
      const records = stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(';') && !/\sTSIG\s/.test(l))
        .map((l) => l.split(/\s+/).join(' '));
      // the SOA opens and closes a transfer: keep it once
      return [...new Set(records)].sort();
    },
    async nsupdate(zone, updates) {
      const script = [`server 127.0.0.1 ${opts.port}`, `zone ${zone}`, ...updates, 'send', ''].join('\n');
      await new Promise<void>((resolve, reject) => {
        const child = execFile('nsupdate', ['-y', keyArg], (err, _out, stderr) =>
          err ? reject(new Error(`nsupdate: ${stderr || err.message}`)) : resolve(),
        );
        child.stdin?.end(script);
      });
    },
    kill: () => halt('SIGKILL'),
    restart: launch,
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
