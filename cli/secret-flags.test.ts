/**
 * Secret-valued flags: which flags are secret (a rule on the name, so a new flag cannot slip), the
 * one warning for a secret on the command line, --strict-secrets, and no secret value in any message.
 * The end-to-end table (every secret flag through reconcile, webhook and doctor against real servers)
 * is test/e2e/secret-flags.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/cli-run.js';
import { packageRoot } from './paths.js';
import { FLAGS } from './flags.js';
import type { FlagSpec } from './flag-spec.js';
import { compatStatus, EXTERNAL_DNS_FLAGS, externalDnsEnvName } from './external-dns.js';
import { envName, flagsFor } from './settings.js';
import { looksSecret } from './secret-flags.js';

const ALL = FLAGS as readonly FlagSpec[];
const SECRET = ALL.filter((f) => f.secret);
const root = packageRoot();
const dir = mkdtempSync(join(tmpdir(), 'zoneguard-secret-flags-'));

/** 32 random hex characters: a valid AES key (32 bytes of text), valid base64, unique in any output. */
const marker = () => randomBytes(16).toString('hex');

/** Every form in which a secret could leak: whole, or its start or end cut off. */
function expectAbsent(text: string, secret: string): void {
  for (const part of [secret, secret.slice(0, 12), secret.slice(-12)]) expect(text).not.toContain(part);
}

function logLines(err: string): Record<string, unknown>[] {
  return err
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const WARNING = /secret given on the command line/;

describe('which flags are secret', () => {
  it.each([
    ['rfc2136-tsig-secret', true],
    ['pdns-api-key', true],
    ['txt-encrypt-aes-key', true],
    ['godaddy-api-key', true],
    ['godaddy-api-secret', true],
    ['exoscale-apikey', true],
    ['exoscale-apisecret', true],
    ['pihole-password', true],
    ['rfc2136-kerberos-password', true],
    ['some-api-token', true],
    ['some-credentials', true],
    ['rfc2136-tsig-secret-file', false],
    ['pdns-api-key-file', false],
    ['cloudflare-api-token-file', false],
    ['tls-private-key-file', false],
    ['rfc2136-tsig-keyname', false],
    ['rfc2136-tsig-secret-alg', false],
    ['secret-name', false],
    ['secret-namespace', false],
    ['tls-client-cert-key', false],
    ['cloudflare-region-key', false],
    ['domain-filter', false],
  ] as const)('%s: %s', (name, secret) => expect(looksSecret(name)).toBe(secret));

  it('a boolean flag never carries a secret (--strict-secrets, --rfc2136-gss-tsig)', () => {
    expect(looksSecret('strict-secrets', true)).toBe(false);
    expect(looksSecret('strict-secrets')).toBe(true);
  });

  it('every flag whose name looks secret is marked secret, and no other', () => {
    const looks = (f: FlagSpec) => looksSecret(f.name, f.type === 'boolean');
    expect(ALL.filter((f) => looks(f) && !f.secret).map((f) => f.name)).toEqual([]);
    expect(ALL.filter((f) => f.secret && !looks(f)).map((f) => f.name)).toEqual([]);
    expect(SECRET.length).toBeGreaterThan(0);
  });

  it('every secret flag has a -file flag for the same commands, and those commands take --strict-secrets', () => {
    for (const f of SECRET) {
      const file = ALL.find((g) => g.name === `${f.name}-file`);
      expect(file, `--${f.name}-file`).toBeDefined();
      expect(file?.commands).toEqual(f.commands);
      for (const command of f.commands ?? [])
        expect(flagsFor(command).map((g) => g.name)).toContain('strict-secrets');
    }
  });

  it("every external-dns flag whose name looks secret is one of zoneguard's secret flags or refused", () => {
    const slipped = EXTERNAL_DNS_FLAGS.filter((f) => looksSecret(f.name, f.bool)).filter((f) => {
      const st = compatStatus(f.name);
      return !(st?.kind === 'refused' || (st?.kind === 'supported' && st.flag.secret));
    });
    expect(slipped.map((f) => f.name)).toEqual([]);
  });
});

/** A command that takes every secret flag and reads no server: validate against an in-memory zone. */
const VALIDATE = [
  'validate',
  '-f',
  join(root, 'examples/manifests/good.yaml'),
  '--provider',
  'inmemory',
  '--inmemory-zone-file',
  `example.com=${join(root, 'examples/zones/example.com.zone')}`,
  '--domain-filter',
  'example.com',
  '--txt-owner-id',
  'cluster-a',
];

describe.each(SECRET.map((f) => ({ flag: f.name, spec: f })))('--$flag', ({ flag }) => {
  const secret = marker();
  const file = join(dir, `${flag}.secret`);
  writeFileSync(file, `${secret}\n`);

  it('on the command line: works as from the environment, with one warning naming the flag and its alternatives', async () => {
    const fromEnv = await runCli(VALIDATE, { [envName(flag)]: secret });
    const fromArgv = await runCli([...VALIDATE, `--${flag}`, secret]);
    expect(fromArgv.code).toBe(fromEnv.code);
    expect(fromArgv.out).toBe(fromEnv.out);
    expect(fromEnv.err).not.toMatch(WARNING);
    const warnings = logLines(fromArgv.err).filter((l) => WARNING.test(String(l.msg)));
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warning',
        flag: `--${flag}`,
        file: `--${flag}-file`,
        env: `${envName(flag)}, ${externalDnsEnvName(flag)}`,
      }),
    ]);
    expectAbsent(fromArgv.out + fromArgv.err, secret);
  });

  it.each([
    ['its -file flag', [`--${flag}-file`, file], {}],
    ['ZONEGUARD_ environment', [], { [envName(flag)]: secret }],
    ['EXTERNAL_DNS_ environment', [], { [externalDnsEnvName(flag)]: secret }],
  ] as const)('from %s: no warning, and --strict-secrets takes it', async (_, args, env) => {
    const r = await runCli([...VALIDATE, ...args, '--strict-secrets'], env);
    expect(r.code).toBe((await runCli(VALIDATE)).code);
    expect(r.err).not.toMatch(WARNING);
    expectAbsent(r.out + r.err, secret);
  });

  it.each([
    ['--strict-secrets', ['--strict-secrets'], {}],
    ['ZONEGUARD_STRICT_SECRETS=true', [], { ZONEGUARD_STRICT_SECRETS: 'true' }],
  ] as const)(
    'refused with %s: exit 2 naming the flag and its alternatives, never the value',
    async (_, args, env) => {
      for (const form of [[`--${flag}`, secret], [`--${flag}=${secret}`]]) {
        const r = await runCli([...VALIDATE, ...form, ...args], env);
        expect(r.code).toBe(2);
        expect(r.out).toBe('');
        expect(r.err).toContain(`--${flag}: a secret on the command line is refused (--strict-secrets)`);
        expect(r.err).toContain(`--${flag}-file or ${envName(flag)}`);
        expectAbsent(r.err, secret);
      }
    },
  );

  it('given twice: the "more than once" warning leaves the value out', async () => {
    const r = await runCli([...VALIDATE, `--${flag}`, secret, `--${flag}=${secret}`]);
    expect(r.err).toMatch(/flag given more than once/);
    expectAbsent(r.out + r.err, secret);
  });

  it('--help shows neither a value from argv nor one from the environment', async () => {
    const r = await runCli(['reconcile', `--${flag}`, secret, '--help'], { [envName(flag)]: secret });
    expect(r.out).toContain(`--${flag} <value>`);
    expectAbsent(r.out + r.err, secret);
  });

  it('given to a command that does not take it: the unknown-option error leaves the value out', async () => {
    const r = await runCli(['certs', `--${flag}=${secret}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`unknown option '--${flag}'`);
    expectAbsent(r.err, secret);
  });
});

describe('external-dns secret flags zoneguard refuses', () => {
  const refused = EXTERNAL_DNS_FLAGS.filter(
    (f) => looksSecret(f.name, f.bool) && compatStatus(f.name)?.kind === 'refused',
  ).map((f) => f.name);
  it('are the ones of providers zoneguard does not support', () =>
    expect(refused.sort()).toEqual([
      'exoscale-apikey',
      'exoscale-apisecret',
      'godaddy-api-key',
      'godaddy-api-secret',
      'pihole-password',
      'rfc2136-kerberos-password',
    ]));

  it.each(refused)(
    '--%s: exit 2 naming the flag, never the value (argument, inline or environment)',
    async (flag) => {
      const secret = marker();
      for (const [args, env] of [
        [[`--${flag}`, secret], {}],
        [[`--${flag}=${secret}`], {}],
        [[], { [externalDnsEnvName(flag)]: secret }],
      ] as const) {
        const r = await runCli([...VALIDATE, ...args], env);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`--${flag}: `);
        expectAbsent(r.err, secret);
      }
    },
  );
});

describe('a malformed secret: the error names the flag, never the value', () => {
  const rfc2136 = [
    'validate',
    '-f',
    join(root, 'examples/manifests/good.yaml'),
    '--domain-filter',
    'example.com',
    '--provider',
    'rfc2136',
    '--rfc2136-host',
    '127.0.0.1',
    '--rfc2136-zone',
    'example.com',
    '--rfc2136-tsig-keyname',
    'zoneguard-key',
  ];
  const cases: {
    name: string;
    args: (s: string) => string[];
    env?: (s: string) => Record<string, string>;
    err: string;
  }[] = [
    {
      name: 'TSIG secret not base64, on the command line',
      args: (s) => [...rfc2136, '--rfc2136-tsig-secret', `${s}*not-base64*`],
      err: '--rfc2136-tsig-secret: is not base64',
    },
    {
      name: 'TSIG secret not base64, from the environment',
      args: () => rfc2136,
      env: (s) => ({ ZONEGUARD_RFC2136_TSIG_SECRET: `${s}*not-base64*` }),
      err: '--rfc2136-tsig-secret: is not base64',
    },
    {
      name: 'AES key of the wrong length',
      args: (s) => [...VALIDATE, '--txt-encrypt-aes-key', `${s}x`],
      err: '--txt-encrypt-aes-key: must be 32 bytes long',
    },
    {
      name: 'AES key of the wrong length, from EXTERNAL_DNS_TXT_ENCRYPT_AES_KEY',
      args: () => VALIDATE,
      env: (s) => ({ EXTERNAL_DNS_TXT_ENCRYPT_AES_KEY: `${s}x` }),
      err: '--txt-encrypt-aes-key: must be 32 bytes long',
    },
  ];
  it.each(cases)('$name', async ({ args, env, err }) => {
    const secret = marker();
    const r = await runCli(args(secret), env?.(secret));
    expect(r.code).toBe(2);
    expect(r.err).toContain(err);
    expectAbsent(r.out + r.err, secret);
  });
});
