/**
 * Every secret-valued flag (`secret: true` in cli/flags.ts), given on the command line with a
 * unique random value, against a real server that needs it: BIND for the TSIG secret, PowerDNS for
 * the API key, BIND with encrypted TXT ownership records for the AES key. Each command the flag
 * serves — reconcile --once, reconcile --once --dry-run, doctor, the webhook (/readyz, /metrics, a
 * review) and the long-running reconciler (/readyz, /metrics) — works with it, logs the one
 * command-line warning, and prints the value nowhere: stdout, stderr (every log line, at debug
 * level), metrics, /readyz. The table is keyed by flag: a new secret flag without a row fails here.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { main } from '../../cli/main.js';
import { FLAGS } from '../../cli/flags.js';
import type { FlagSpec } from '../../cli/flag-spec.js';
import { TxtEncryption } from '../../core/registry/txt-crypto.js';
import type { KubeObject } from '../../core/model/objects.js';
import { queryDns } from '../../doctor/dns-query.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';
import { pdnsUnavailable, startPdns, type PdnsServer } from '../servers/pdns.js';
import { freeTcpUdpPort as freePort } from '../servers/ports.js';
import { client, makeCerts, reviewOf, type CertDir } from '../webhook/harness.js';

const why = bindUnavailable() ?? pdnsUnavailable();
if (why && process.env.CI) throw new Error(`BIND and PowerDNS are required in CI: ${why}`);

const SECRET_FLAGS = (FLAGS as readonly FlagSpec[]).filter((f) => f.secret).map((f) => f.name);
const FIXTURES = join(__dirname, 'fixtures/secret-flags');
const OWNER = 'zg-secrets';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

interface Run {
  code: Promise<number>;
  out: Sink;
  err: Sink;
}

function start(args: string[], env: Record<string, string>): Run {
  const out = new Sink();
  const err = new Sink();
  const code = main(['node', 'zoneguard', ...args], { stdout: out, stderr: err, env: { ...env } });
  return { code, out, err };
}

async function run(args: string[], env: Record<string, string>) {
  const r = start(args, env);
  const code = await r.code;
  return { code, out: r.out.text, err: r.err.text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The field of the first log line with this msg, once it is written. */
async function logged(err: Sink, msg: string, field: string, running: Run): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const line of err.text.split('\n')) {
      if (!line.startsWith('{')) continue;
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (rec.msg === msg) return String(rec[field]);
    }
    let exited: number | undefined;
    void running.code.then((c) => (exited = c));
    await sleep(20);
    if (exited !== undefined) throw new Error(`exited ${exited} before "${msg}":\n${err.text}`);
    if (Date.now() > deadline) throw new Error(`no "${msg}" in 30 s:\n${err.text}`);
  }
}

async function until(what: string, pred: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await pred().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not in 30 s`);
    await sleep(100);
  }
}

/** Stops a long-running command as a pod's SIGTERM does; its exit code. */
async function stop(r: Run, before: number): Promise<number> {
  while (process.listenerCount('SIGTERM') === before) await sleep(5);
  process.emit('SIGTERM');
  return r.code;
}

const WARNING = 'secret given on the command line';

interface Row {
  zone: string;
  /** The secret: the server's own key, so the command works only if the flag's value is used. */
  secret: () => string;
  /** Flags that reach the provider, the secret left out. */
  provider: () => string[];
  /** Other secrets the provider needs, from the environment. */
  env: () => Record<string, string>;
  nameserver: () => string;
  /** The published A record of app.<zone>, and a check of its ownership record. */
  published: () => Promise<boolean>;
  /** A wrong value of the same shape, and the exit code of reconcile --once with it. */
  wrong: () => string;
  wrongCode: number;
}

describe.skipIf(why)('every secret flag on the command line: works, warns once, printed nowhere', () => {
  let bind: BindServer;
  let pdns: PdnsServer;
  let certs: CertDir;
  const tsigSecret = randomBytes(32).toString('base64');
  const pdnsKey = randomBytes(16).toString('hex');
  const aesKey = randomBytes(16).toString('hex'); // 32 characters: a 32-byte key as text
  const ALL_SECRETS = [tsigSecret, pdnsKey, aesKey];

  beforeAll(async () => {
    [bind, pdns] = await Promise.all([
      startBind({
        port: await freePort(),
        zones: ['tsig.example.com', 'aes.example.com'],
        tsig: { secret: tsigSecret },
      }),
      startPdns({
        port: await freePort(),
        apiPort: await freePort(),
        zones: ['pdns.example.com'],
        apiKey: pdnsKey,
      }),
    ]);
    certs = makeCerts();
  });
  afterAll(async () => {
    await Promise.all([bind?.stop(), pdns?.stop()]);
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  const rfc2136 = (zone: string) => [
    '--provider',
    'rfc2136',
    '--rfc2136-host',
    '127.0.0.1',
    '--rfc2136-port',
    String(bind.port),
    '--rfc2136-zone',
    zone,
    '--rfc2136-tsig-keyname',
    bind.tsig.name,
  ];
  const digA = async (server: { port: number }, name: string) =>
    (
      await queryDns({ host: '127.0.0.1', port: server.port }, name, 'A', { timeoutMs: 1000, tries: 2 })
    ).records
      .filter((r) => r.type === 'A')
      .map((r) => r.data);

  const ROWS: Record<string, Row> = {
    'rfc2136-tsig-secret': {
      zone: 'tsig.example.com',
      secret: () => tsigSecret,
      provider: () => rfc2136('tsig.example.com'),
      env: () => ({}),
      nameserver: () => `127.0.0.1:${bind.port}`,
      published: async () => (await bind.dig('app.tsig.example.com', 'A')).join() === '203.0.113.7',
      wrong: () => randomBytes(32).toString('base64'),
      wrongCode: 1,
    },
    'pdns-api-key': {
      zone: 'pdns.example.com',
      secret: () => pdnsKey,
      provider: () => ['--provider', 'pdns', '--pdns-server', pdns.server],
      env: () => ({}),
      nameserver: () => `127.0.0.1:${pdns.port}`,
      published: async () => (await digA(pdns, 'app.pdns.example.com')).join() === '203.0.113.7',
      wrong: () => randomBytes(16).toString('hex'),
      wrongCode: 1,
    },
    'txt-encrypt-aes-key': {
      zone: 'aes.example.com',
      secret: () => aesKey,
      provider: () => [...rfc2136('aes.example.com'), '--txt-encrypt-enabled'],
      env: () => ({ ZONEGUARD_RFC2136_TSIG_SECRET: tsigSecret }),
      nameserver: () => `127.0.0.1:${bind.port}`,
      published: async () => {
        if ((await bind.dig('app.aes.example.com', 'A')).join() !== '203.0.113.7') return false;
        // the ownership record is encrypted with the key given, as external-dns writes it
        const [txt] = await bind.dig('a-app.aes.example.com', 'TXT');
        const opened = new TxtEncryption(Buffer.from(aesKey)).decrypt(String(txt).replace(/"/g, ''));
        return opened?.text.includes(`external-dns/owner=${OWNER}`) === true;
      },
      wrong: () => randomBytes(16).toString('hex'),
      // the records it wrote cannot be opened: not ours, left alone (a conflict, not a failure)
      wrongCode: 0,
    },
  };

  it('has a row for every secret flag of cli/flags.ts', () => {
    expect(Object.keys(ROWS).sort()).toEqual([...SECRET_FLAGS].sort());
  });

  /** Nothing a user or a scraper sees holds any secret, whole or cut. */
  const expectNoSecret = (where: string, text: string) => {
    for (const s of ALL_SECRETS)
      for (const part of [s, s.slice(0, 12), s.slice(-12)])
        expect(text.includes(part), `${where} holds a secret`).toBe(false);
  };
  /** The command-line warning, once, for this flag only. */
  const expectOneWarning = (err: string, flag: string) => {
    const warnings = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => String(l.msg).startsWith(WARNING));
    expect(warnings.map((w) => w.flag)).toEqual([`--${flag}`]);
  };

  describe.each(SECRET_FLAGS)('--%s', (flag) => {
    const row = () => ROWS[flag]!;
    const common = () => [
      '-f',
      join(FIXTURES, `${row().zone.split('.')[0]}.yaml`),
      '--domain-filter',
      row().zone,
      '--txt-owner-id',
      OWNER,
      ...row().provider(),
      `--${flag}`,
      row().secret(),
      '--log-level',
      'debug',
    ];

    it('reconcile --once --dry-run and reconcile --once: published with it', async () => {
      const dry = await run(
        ['reconcile', '--once', '--dry-run', '--kube-api', 'off', ...common()],
        row().env(),
      );
      expect(dry.code, dry.err).toBe(0);
      expect(dry.out).toContain(`app.${row().zone}`);
      expectOneWarning(dry.err, flag);
      expectNoSecret('dry-run stdout', dry.out);
      expectNoSecret('dry-run stderr', dry.err);

      const once = await run(['reconcile', '--once', '--kube-api', 'off', ...common()], row().env());
      expect(once.code, once.err).toBe(0);
      expect(await row().published()).toBe(true);
      expectOneWarning(once.err, flag);
      expectNoSecret('reconcile stdout', once.out);
      expectNoSecret('reconcile stderr', once.err);
    });

    it('a wrong value: the failure is reported without it', async () => {
      const wrong = row().wrong();
      const args = common();
      args[args.indexOf(`--${flag}`) + 1] = wrong;
      const r = await run(['reconcile', '--once', '--kube-api', 'off', ...args], row().env());
      expect(r.code, r.err).toBe(row().wrongCode);
      expectOneWarning(r.err, flag);
      for (const part of [wrong, wrong.slice(0, 12), wrong.slice(-12)])
        expect(r.out + r.err, 'the wrong value is printed').not.toContain(part);
      expectNoSecret('reconcile with a wrong value', r.out + r.err);
    });

    it('doctor: reads the ownership record with it', async () => {
      const r = await run(
        ['doctor', `app.${row().zone}`, ...common(), '--nameserver', row().nameserver(), '--output', 'json'],
        row().env(),
      );
      expect(r.code, r.err).not.toBe(2);
      const report = JSON.parse(r.out) as { ownership: { txt: { owner: string }[] } };
      expect(report.ownership.txt.map((t) => t.owner)).toEqual([OWNER]);
      expectOneWarning(r.err, flag);
      expectNoSecret('doctor stdout', r.out);
      expectNoSecret('doctor stderr', r.err);
      const text = await run(
        ['doctor', `app.${row().zone}`, ...common(), '--nameserver', row().nameserver()],
        row().env(),
      );
      expectNoSecret('doctor text', text.out + text.err);
    });

    it("webhook: ready (ownership read with it), admits the owner's object; /readyz and /metrics hold no secret", async () => {
      const before = process.listenerCount('SIGTERM');
      const hook = start(
        [
          'webhook',
          ...common().slice(2), // no -f: the webhook reviews what it is sent
          '--listen-address',
          '127.0.0.1:0',
          '--metrics-address',
          '127.0.0.1:0',
          '--tls-cert-file',
          join(certs.dir, 'tls.crt'),
          '--tls-private-key-file',
          join(certs.dir, 'tls.key'),
          '--shutdown-delay',
          '0s',
        ],
        row().env(),
      );
      try {
        const address = await logged(hook.err, 'webhook listening', 'address', hook);
        const metricsUrl = (await logged(hook.err, 'metrics served', 'url', hook)).replace(/\/metrics$/, '');
        const https = client(`https://${address}`, readFileSync(join(certs.dir, 'ca.crt'), 'utf8'));
        try {
          await until('webhook /readyz 200', async () => (await https.get('/readyz')).status === 200);
          const obj = YAML.parse(
            readFileSync(join(FIXTURES, `${row().zone.split('.')[0]}.yaml`), 'utf8'),
          ) as KubeObject;
          const reply = await https.review(reviewOf(obj));
          expect(reply.review.response?.allowed, reply.text).toBe(true);
          const readyz = await https.get('/readyz');
          const metrics = await https.get('/metrics');
          const plain = await (await fetch(`${metricsUrl}/metrics`)).text();
          expect(metrics.text).toMatch(/^zoneguard_/m);
          expectNoSecret('webhook /readyz', readyz.text);
          expectNoSecret('webhook /metrics', metrics.text);
          expectNoSecret('webhook --metrics-address /metrics', plain);
          expectNoSecret('webhook review reply', reply.text);
        } finally {
          https.close();
        }
      } finally {
        expect(await stop(hook, before)).toBe(0);
      }
      expectOneWarning(hook.err.text, flag);
      expectNoSecret('webhook stdout', hook.out.text);
      expectNoSecret('webhook stderr', hook.err.text);
    });

    it('reconciler: ready after a sync with it; /readyz and /metrics hold no secret', async () => {
      const before = process.listenerCount('SIGTERM');
      const rec = start(
        [
          'reconcile',
          '--kube-api',
          'off',
          ...common(),
          '--metrics-address',
          '127.0.0.1:0',
          '--interval',
          '1m',
        ],
        row().env(),
      );
      try {
        const base = (await logged(rec.err, 'metrics served', 'url', rec)).replace(/\/metrics$/, '');
        await until('reconciler /readyz 200', async () => (await fetch(`${base}/readyz`)).status === 200);
        expectNoSecret('reconciler /readyz', await (await fetch(`${base}/readyz`)).text());
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toMatch(/^zoneguard_/m);
        expectNoSecret('reconciler /metrics', metrics);
      } finally {
        expect(await stop(rec, before)).toBe(0);
      }
      expectOneWarning(rec.err.text, flag);
      expectNoSecret('reconciler stdout', rec.out.text);
      expectNoSecret('reconciler stderr', rec.err.text);
    });
  });
});
