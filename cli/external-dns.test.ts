import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { FLAGS } from './flags.js';
import type { FlagSpec } from './flag-spec.js';
import { COMPAT, EXTERNAL_DNS_FLAGS, compatStatus, externalDnsEnvValues } from './external-dns.js';
import { normalizeArgs } from './program.js';
import { packageRoot } from './paths.js';
import { flagsFor, resolveSettings } from './settings.js';
import { runCli } from '../test/cli-run.js';

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

describe('every flag of external-dns docs/flags.md has a status', () => {
  const own = new Set((FLAGS as readonly FlagSpec[]).map((f) => f.name));
  it('the list is the doc (v0.22 + HEAD of 2026-08-22: 180 flags)', () => {
    expect(EXTERNAL_DNS_FLAGS).toHaveLength(180);
    expect(new Set(EXTERNAL_DNS_FLAGS.map((f) => f.name)).size).toBe(180);
  });
  for (const f of EXTERNAL_DNS_FLAGS.filter((x) => x.name !== 'version'))
    it(`--${f.name}`, () => {
      const st = compatStatus(f.name);
      expect(st, 'supported, alias or refused').toBeDefined();
      const entry = COMPAT[f.name];
      // a refusal for a flag zoneguard has is a contradiction (pending ones are lifted by the flag)
      if (own.has(f.name) && entry?.refused) expect(entry.pending).toBe(true);
      if (st?.kind === 'refused') expect(st.reason).not.toContain('\n');
      if (st?.kind === 'supported' && f.bool) expect(st.flag.type).toBe('boolean');
    });
  it('COMPAT names only external-dns flags', () => {
    const names = new Set(EXTERNAL_DNS_FLAGS.map((f) => f.name));
    expect(Object.keys(COMPAT).filter((n) => !names.has(n))).toEqual([]);
  });
});

describe('kingpin argument forms', () => {
  const specs = flagsFor('reconcile');
  const table: { name: string; args: string[]; want?: string[]; err?: RegExp }[] = [
    { name: 'bare boolean', args: ['--once'], want: ['--once'] },
    { name: '--x=true', args: ['--once=true'], want: ['--once'] },
    { name: '--x=false', args: ['--events=false'], want: ['--no-events'] },
    { name: 'ParseBool words', args: ['--dry-run=T', '--events=0'], want: ['--dry-run', '--no-events'] },
    { name: '--no-x', args: ['--no-events'], want: ['--no-events'] },
    { name: 'bad boolean', args: ['--once=maybe'], err: /--once: expects true or false, got "maybe"/ },
    { name: '--no-x=value', args: ['--no-once=true'], err: /--no-once takes no value/ },
    { name: 'value inline', args: ['--registry=txt'], want: ['--registry=txt'] },
    { name: 'value apart', args: ['--policy', 'sync'], want: ['--policy=sync'] },
    { name: 'value starting with a dash', args: ['--txt-prefix=-x'], want: ['--txt-prefix=-x'] },
    {
      name: 'alias',
      args: ['--aws-batch-change-interval=2s'],
      want: ['--batch-change-interval=2s'],
    },
    {
      name: 'refused',
      args: ['--create-ptr'],
      err: /--create-ptr: not supported: PTR records are not created/,
    },
    {
      name: 'refused value apart',
      args: ['--pod-source-domain', 'x'],
      err: /--pod-source-domain: the pod source/,
    },
    {
      name: 'refused, asking for what zoneguard does',
      args: ['--no-create-ptr', '--once'],
      want: ['--once'],
    },
    { name: 'refused, default value', args: ['--crd-source-kind=DNSEndpoint'], want: [] },
    {
      name: 'refused, other value',
      args: ['--crd-source-kind=Foo'],
      err: /--crd-source-kind: not supported/,
    },
    {
      name: 'zoneguard flag untouched',
      args: ['-f', 'x.yaml', '--kube-api=off'],
      want: ['-f', 'x.yaml', '--kube-api=off'],
    },
    {
      name: 'a one-value flag given twice: both passed on (the last wins), reported',
      args: ['--rfc2136-host=a', '--rfc2136-host', 'b'],
      want: ['--rfc2136-host=a', '--rfc2136-host=b'],
    },
    { name: 'after --', args: ['--', '--create-ptr'], want: ['--', '--create-ptr'] },
  ];
  for (const c of table)
    it(c.name, () => {
      if (c.err) expect(() => normalizeArgs(c.args, specs)).toThrow(c.err);
      else expect(normalizeArgs(c.args, specs).args).toEqual(c.want);
    });
  it('repeats of one-value flags are reported, of repeatable ones not', () => {
    expect(
      normalizeArgs(['--rfc2136-host=a', '--rfc2136-host=b', '--domain-filter=x', '--domain-filter=y'], specs)
        .repeated,
    ).toEqual(['rfc2136-host']);
  });
});

describe('EXTERNAL_DNS_<FLAG> variables, as kingpin reads them', () => {
  const specs = flagsFor('reconcile');
  it('repeatable flags one value a line; booleans by ParseBool; aliases', () => {
    expect(
      externalDnsEnvValues(
        {
          EXTERNAL_DNS_DOMAIN_FILTER: 'a.example\nb.example\n',
          EXTERNAL_DNS_EVENTS: 'False',
          EXTERNAL_DNS_AWS_BATCH_CHANGE_INTERVAL: '3s',
          EXTERNAL_DNS_REGISTRY: 'txt',
          EXTERNAL_DNS_NO_SUCH: 'x',
        },
        specs,
      ),
    ).toEqual({
      'domain-filter': ['a.example', 'b.example'],
      events: 'false',
      'batch-change-interval': '3s',
      registry: 'txt',
    });
  });
  it('a refused flag in the environment is refused too', () => {
    expect(() => externalDnsEnvValues({ EXTERNAL_DNS_CREATE_PTR: 'true' }, specs)).toThrow(ConfigError);
    expect(() => externalDnsEnvValues({ EXTERNAL_DNS_CREATE_PTR: 'true' }, specs)).toThrow(
      /EXTERNAL_DNS_CREATE_PTR/,
    );
    expect(externalDnsEnvValues({ EXTERNAL_DNS_CREATE_PTR: 'false' }, specs)).toEqual({});
  });
});

describe('the command line', () => {
  const demo = ['demo'];
  it('--version prints the version, before or after the command', async () => {
    for (const args of [['--version'], ['reconcile', '--version', '--registry=txt']]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^zoneguard \d+\.\d+\.\d+ \(node v\d+/);
    }
  });
  it('a refused flag exits 2 with one line naming it and why', async () => {
    const r = await run(['reconcile', '--provider=inmemory', '--registry=dynamodb']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'zoneguard: --registry: the dynamodb registry is not supported (zoneguard: txt, noop)\n',
    );
    const q = await run(['reconcile', '--provider', 'ns1']);
    expect(q.err).toMatch(/^zoneguard: --provider: the ns1 provider is not supported \(zoneguard: aws, /);
    const p = await run(['reconcile', '--provider=inmemory', '--dynamodb-table=t']);
    expect(p.code).toBe(2);
    expect(p.err.trim().split('\n')).toEqual([
      'zoneguard: --dynamodb-table: the dynamodb registry is not supported (zoneguard: txt, noop)',
    ]);
  });
  it('EXTERNAL_DNS_ variables are read below the command line and ZONEGUARD_ ones', () => {
    const env = {
      EXTERNAL_DNS_TXT_OWNER_ID: 'from-external-dns',
      EXTERNAL_DNS_POLICY: 'upsert-only',
      EXTERNAL_DNS_ONCE: 'true',
      ZONEGUARD_POLICY: 'create-only',
    };
    const resolve = (cli: Record<string, unknown>) =>
      resolveSettings('reconcile', {
        cli,
        env,
        externalDnsEnv: externalDnsEnvValues(env, flagsFor('reconcile')),
      });
    expect(resolve({})).toMatchObject({ txtOwnerId: 'from-external-dns', policy: 'create-only', once: true });
    expect(resolve({ 'txt-owner-id': 'cli' }).txtOwnerId).toBe('cli');
  });
  it('a refused flag in a --config file is refused with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoneguard-compat-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'create-ptr: true\n');
    const r = await run(['demo', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `zoneguard: --create-ptr: not supported: PTR records are not created (key in ${file})\n`,
    );
  });
  it('a refused EXTERNAL_DNS_ variable exits 2', async () => {
    const s = await run([...demo], { EXTERNAL_DNS_CREATE_PTR: 'true' });
    expect(s.code).toBe(2);
    expect(s.err).toContain('--create-ptr: not supported');
  });
});

describe('--registry', () => {
  const root = packageRoot();
  const args = (registry: string) => [
    'reconcile',
    '--once',
    '--dry-run',
    '--kube-api=off',
    '--log-level=error',
    '-f',
    join(root, 'examples', 'manifests', 'good.yaml'),
    '--provider=inmemory',
    `--inmemory-zone-file=example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`,
    '--txt-owner-id=cluster-a',
    '--domain-filter=example.com',
    `--registry=${registry}`,
  ];
  it('txt: records without an ownership record, or of another owner, are left alone', async () => {
    const r = await run(args('txt'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^CREATE app\.example\.com A 203\.0\.113\.7 /m);
    expect(r.out).not.toMatch(/^DELETE /m);
  });
  it('noop (external-dns semantics): no ownership records, every record in the filters is ours', async () => {
    const r = await run(args('noop'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^CREATE app\.example\.com A 203\.0\.113\.7 /m);
    // unowned (www) and another owner's (shop) records are this instance's under noop: --policy=sync deletes them
    expect(r.out).toMatch(/^DELETE www\.example\.com A 192\.0\.2\.80 /m);
    expect(r.out).toMatch(/^DELETE shop\.example\.com A 198\.51\.100\.20 /m);
    const upsert = await run([...args('noop'), '--policy=upsert-only']);
    expect(upsert.out).not.toMatch(/^DELETE /m);
  });
});

describe('--target-net-filter, --exclude-target-net, --exclude-record-types (plan)', () => {
  const fixture = join(packageRoot(), 'cli', 'fixtures', 'external-dns', 'targets.yaml');
  const plan = (...extra: string[]) =>
    run(['plan', '-f', fixture, '--provider=inmemory', '--inmemory-zone=example.com', ...extra]);
  const table: { name: string; args: string[]; has: RegExp[]; hasNot: RegExp[] }[] = [
    {
      name: 'no filter: every record',
      args: [],
      has: [
        /^CREATE mixed\.example\.com A 10\.0\.0\.5,203\.0\.113\.7,203\.0\.113\.8 /m,
        /^CREATE alias\.example\.com CNAME/m,
      ],
      hasNot: [],
    },
    {
      name: '--exclude-target-net drops private targets, and the record left with none',
      args: ['--exclude-target-net=10.0.0.0/8'],
      has: [
        /^CREATE mixed\.example\.com A 203\.0\.113\.7,203\.0\.113\.8 /m,
        /^CREATE alias\.example\.com CNAME/m,
        /^CREATE v6\.example\.com AAAA/m,
      ],
      hasNot: [/^CREATE private\.example\.com/m],
    },
    {
      name: '--target-net-filter keeps only targets inside, names dropped',
      args: ['--target-net-filter', '203.0.113.0/24', '--target-net-filter=2001:db8::/32'],
      has: [
        /^CREATE mixed\.example\.com A 203\.0\.113\.7,203\.0\.113\.8 /m,
        /^CREATE v6\.example\.com AAAA/m,
      ],
      hasNot: [/^CREATE private\.example\.com/m, /^CREATE alias\.example\.com/m],
    },
    {
      // an object asking for an unmanaged type is denied (the record-type rule), as for a type
      // outside --managed-record-types; external-dns leaves such records out without a word
      name: '--exclude-record-types takes a type out of the managed ones',
      args: ['--exclude-record-types=AAAA', '--exclude-record-types', 'CNAME'],
      has: [
        /^DENY DNSEndpoint default\/mixed: v6\.example\.com: record-type: record type AAAA is excluded by --exclude-record-types \[AAAA, CNAME\]/m,
      ],
      hasNot: [/^CREATE v6\.example\.com/m, /^CREATE alias\.example\.com/m],
    },
    {
      name: '--exclude-record-types: the types left are published',
      args: ['--exclude-record-types=AAAA', '--managed-record-types=A,AAAA'],
      has: [/^DENY DNSEndpoint default\/mixed: v6\.example\.com: record-type: record type AAAA is excluded/m],
      hasNot: [/^CREATE v6\.example\.com/m],
    },
  ];
  for (const c of table)
    it(c.name, async () => {
      const r = await plan(...c.args);
      for (const h of c.has) expect(r.out).toMatch(h);
      for (const h of c.hasNot) expect(r.out).not.toMatch(h);
    });
  it('--min-ttl (external-dns: the TTL of records whose source sets none; 72, 72s, 1m12s)', async () => {
    for (const v of ['72', '72s', '1m12s']) {
      const r = await plan(`--min-ttl=${v}`);
      expect(r.out).toMatch(/^CREATE mixed\.example\.com A \S+ ttl=72 /m);
      expect(r.out).toMatch(/^CREATE ttl\.example\.com A 203\.0\.113\.30 ttl=300 /m);
    }
    const none = await plan();
    expect(none.out).toMatch(/^CREATE mixed\.example\.com A \S+ owner=/m);
  });
  it('--default-targets fills a DNSEndpoint endpoint that has no targets, typed by them', async () => {
    const file = join(packageRoot(), 'cli', 'fixtures', 'external-dns', 'default-targets.yaml');
    const p = (...extra: string[]) =>
      run(['plan', '-f', file, '--provider=inmemory', '--inmemory-zone=example.com', ...extra]);
    const none = await p();
    expect(none.out).not.toMatch(/^CREATE empty\.example\.com/m);
    const ip = await p('--default-targets=203.0.113.99', '--default-targets=2001:db8::99');
    expect(ip.out).toMatch(/^CREATE empty\.example\.com A 203\.0\.113\.99 ttl=120 /m);
    expect(ip.out).toMatch(/^CREATE empty\.example\.com AAAA 2001:db8::99 ttl=120 /m);
    // an endpoint with targets of its own keeps them
    expect(ip.out).toMatch(/^CREATE full\.example\.com A 203\.0\.113\.5 /m);
    const name = await p('--default-targets=lb.example.net');
    expect(name.out).toMatch(/^CREATE empty\.example\.com CNAME lb\.example\.net /m);
  });
  it('a net that is not CIDR exits 2 naming the flag', async () => {
    const r = await plan('--target-net-filter=10.0.0.1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--target-net-filter: "10.0.0.1" is not a network in CIDR notation');
  });
});
