import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { runCli } from '../test/cli-run.js';

const root = packageRoot();
const fx = (f: string) => join(root, 'cli', 'fixtures', f);
const examples = join(root, 'examples', 'manifests');

const run = runCli;

describe('zoneguard validate', () => {
  it('exit 0 when every object is allowed', async () => {
    const r = await run(['validate', '-f', fx('list.json'), '--domain-filter', 'example.com']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ALLOW Ingress default/in-list: listed.example.com');
    expect(r.err).toContain('ownership rule skipped');
    expect(r.err).toContain('not checked (kinds zoneguard does not read): 1 apps/v1 Deployment');
  });

  it('exit 1 with one DENY line per violation, in the documented format', async () => {
    const r = await run(['validate', '-f', examples, '--domain-filter', 'example.com']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'DENY Ingress default/outside: app.example.org: domain-filter: not in [example.com]\n',
    );
    expect(r.out).toMatch(/1[05] object\(s\): \d+ allowed, \d+ denied/);
  });

  it('reads ownership from the configured provider', async () => {
    const r = await run([
      'validate',
      '-f',
      examples,
      '--domain-filter',
      'example.com',
      '--provider',
      'inmemory',
      '--inmemory-zone-file',
      `example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`,
      '--txt-owner-id',
      'cluster-a',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'DENY Ingress default/shop: shop.example.com: ownership: A record owned by "cluster-b"',
    );
    expect(r.err).not.toContain('ownership rule skipped');
  });

  it('--output json has the documented shape', async () => {
    const r = await run(['validate', '-f', examples, '--domain-filter', 'example.com', '-o', 'json']);
    const doc = JSON.parse(r.out) as { results: Record<string, unknown>[] };
    const outside = doc.results.find((x) => x.name === 'outside')!;
    expect(outside).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      namespace: 'default',
      name: 'outside',
      allowed: false,
      warnings: [],
    });
    expect(outside.violations).toEqual([
      expect.objectContaining({
        hostname: 'app.example.org',
        rule: 'domain-filter',
        message: 'not in [example.com]',
      }),
    ]);
  });

  const bad: { name: string; args: string[]; env?: Record<string, string>; err: RegExp }[] = [
    {
      // the error is on line 14 (an unclosed flow sequence ends with the file), its document starts on line 9
      name: 'malformed YAML names file, and the line and column of the error itself',
      args: ['validate', '-f', fx('malformed.yaml')],
      err: /malformed\.yaml:14:1: malformed YAML: Flow sequence/,
    },
    {
      name: 'malformed JSON names the line and column of the error, not of the document',
      args: ['validate', '-f', fx('bad3.json')],
      err: /bad3\.json:3:21: malformed YAML/,
    },
    {
      name: 'an alias to an anchor that does not exist',
      args: ['validate', '-f', fx('unresolved-alias.yaml')],
      err: /unresolved-alias\.yaml:\d+: malformed YAML: Unresolved alias/,
    },
    {
      name: 'object without kind',
      args: ['validate', '-f', fx('nokind.yaml')],
      err: /nokind\.yaml:1: object has no kind/,
    },
    {
      name: 'missing file',
      args: ['validate', '-f', fx('nope.yaml')],
      err: /nope\.yaml: cannot read: ENOENT/,
    },
    { name: 'no -f', args: ['validate'], err: /--file: give at least one manifest/ },
    {
      name: 'unknown flag',
      args: ['validate', '-f', examples, '--domain-filer', 'x'],
      err: /unknown option '--domain-filer'/,
    },
    {
      name: 'bad regex',
      args: ['validate', '-f', examples, '--regex-domain-filter', '(['],
      err: /--regex-domain-filter: invalid regular expression/,
    },
    {
      name: 'prefix and suffix together',
      args: ['validate', '-f', examples, '--txt-prefix', 'a-', '--txt-suffix', '-b'],
      err: /--txt-suffix: cannot be used together with --txt-prefix/,
    },
    { name: 'bad policy', args: ['validate', '-f', examples, '--policy', 'yolo'], err: /--policy.*yolo/ },
    {
      name: 'bad label selector',
      args: ['validate', '-f', examples, '--label-filter', 'a in b'],
      err: /--label-filter/,
    },
    {
      name: 'bad env value',
      args: ['validate', '-f', examples],
      env: { ZONEGUARD_WARN_TTL_BELOW: 'ten' },
      err: /--warn-ttl-below: expects an integer/,
    },
    {
      name: 'config file with unknown key',
      args: ['validate', '-f', examples, '--config', fx('config-bad.yaml')],
      err: /--config: .*config-bad\.yaml: unknown key "no-such-flag"/,
    },
    { name: 'unknown provider', args: ['validate', '-f', examples, '--provider', 'bind'], err: /--provider/ },
  ];
  for (const b of bad) {
    it(`exit 2: ${b.name}`, async () => {
      const r = await run(b.args, b.env);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(b.err);
      expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
    });
  }

  it('-f - reads the manifests from standard input, located as <stdin>', async () => {
    const text = readFileSync(join(examples, 'bad.yaml'), 'utf8');
    const r = await run(
      ['validate', '-f', '-', '--domain-filter', 'example.com', '--output', 'json'],
      {},
      text,
    );
    expect(r.code).toBe(1);
    const results = JSON.parse(r.out).results as { file: string; line: number; name: string }[];
    expect(results.length).toBeGreaterThan(1);
    for (const x of results) expect(x.file).toBe('<stdin>');
    // each object at the line its document starts on in the text that was piped in
    const lines = text.split('\n');
    for (const x of results)
      expect(lines.slice(x.line - 1).join('\n')).toMatch(new RegExp(`name: ${x.name}\\b`));
  });

  it('-f - with malformed input names <stdin> and the line of the error', async () => {
    const r = await run(['validate', '-f', '-'], {}, readFileSync(fx('malformed.yaml'), 'utf8'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/<stdin>:14:1: malformed YAML/);
  });

  it('exit 2 with a plain reason for a document nested too deeply to read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zoneguard-cli-')), 'deep.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec:\n  x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    );
    const r = await run(['validate', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/deep\.yaml:5:\d+: malformed YAML: nested too deeply to read/);
  });

  it('exit 1 naming the field for shapes the API server would refuse', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zoneguard-cli-')), 'shapes.yaml');
    writeFileSync(
      file,
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shapes, namespace: web}\nspec:\n  rules: app.example.com\n',
    );
    const r = await run(['validate', '-f', file, '--domain-filter', 'example.com']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'DENY Ingress web/shapes: object: spec.rules must be a list, not a "app.example.com"',
    );
  });

  it('flags come from the config file, then env, then the command line', async () => {
    const base = [
      'plan',
      '-f',
      fx('list.json'),
      '--provider',
      'inmemory',
      '--inmemory-zone',
      'example.com',
      '-o',
      'json',
    ];
    const fromFile = JSON.parse((await run([...base, '--config', fx('config.yaml')])).out);
    expect(fromFile.create[0].labels.owner).toBe('from-file');
    const fromEnv = JSON.parse(
      (await run([...base, '--config', fx('config.yaml')], { ZONEGUARD_TXT_OWNER_ID: 'from-env' })).out,
    );
    expect(fromEnv.create[0].labels.owner).toBe('from-env');
    const fromCli = JSON.parse(
      (
        await run([...base, '--config', fx('config.yaml'), '--txt-owner-id', 'from-cli'], {
          ZONEGUARD_TXT_OWNER_ID: 'from-env',
        })
      ).out,
    );
    expect(fromCli.create[0].labels.owner).toBe('from-cli');
  });

  it('--domain-filter is repeatable and comma-separated', async () => {
    const r = await run([
      'validate',
      '-f',
      examples,
      '--domain-filter',
      'example.org,example.net',
      '--domain-filter',
      'example.com',
      '-o',
      'json',
    ]);
    const doc = JSON.parse(r.out) as { results: { name: string; allowed: boolean }[] };
    expect(doc.results.find((x) => x.name === 'outside')!.allowed).toBe(true);
  });
});

describe('zoneguard plan and demo', () => {
  it('plan --output json prints the record changes and what was left out (none here)', async () => {
    const r = await run([
      'plan',
      '-f',
      fx('list.json'),
      '--provider',
      'inmemory',
      '--inmemory-zone',
      'example.com',
      '-o',
      'json',
      '--txt-owner-id',
      'ci',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      create: [
        {
          dnsName: 'listed.example.com',
          recordType: 'A',
          targets: ['203.0.113.20'],
          ttl: 0,
          labels: { owner: 'ci', resource: 'ingress/default/in-list' },
        },
      ],
      updateOld: [],
      updateNew: [],
      delete: [],
      conflicts: [],
      warned: [],
      denied: [],
      skipped: [],
      noZone: [],
      hold: null,
    });
  });

  it('demo shows verdicts and the records it would publish', async () => {
    const r = await run(['demo']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('DENY Ingress default/shop: shop.example.com: ownership');
    expect(r.out).toContain(
      'CREATE app.example.com A 203.0.113.7 ttl=300 owner=cluster-a resource=ingress/default/app',
    );
  });

  it.skipIf(!existsSync(join(root, 'dist', 'cli', 'main.js')))(
    'the installed launcher runs with plain node (README command)',
    () => {
      const out = execFileSync('node', [join(root, 'bin', 'zoneguard.js'), 'demo'], { encoding: 'utf8' });
      expect(out).toContain('== Records the reconciler would publish');
      let code = 0;
      try {
        execFileSync(
          'node',
          [join(root, 'bin', 'zoneguard.js'), 'validate', '-f', examples, '--domain-filter', 'example.com'],
          { encoding: 'utf8' },
        );
      } catch (e) {
        code = (e as { status: number }).status;
      }
      expect(code).toBe(1);
    },
  );
});

describe('each command lists only the flags it uses', () => {
  const table: { command: string; has: string[]; hasNot: string[] }[] = [
    {
      command: 'certs',
      has: ['--out', '--cert-validity', '--ca-validity', '--patch-webhook', '--kubeconfig'],
      hasNot: ['--aws-region', '--rfc2136-host', '--domain-filter', '--provider', '--listen-address'],
    },
    {
      command: 'certs-in-cluster',
      has: ['--webhook-config', '--cert-validity', '--renew-before', '--kubeconfig'],
      hasNot: ['--pdns-server', '--domain-filter', '--out'],
    },
    {
      command: 'webhook',
      has: ['--listen-address', '--tls-cert-file', '--domain-filter', '--provider', '--rfc2136-host'],
      hasNot: ['--out', '--once', '--leader-elect', '--nameserver'],
    },
    {
      command: 'reconcile',
      has: ['--interval', '--once', '--leader-elect', '--provider', '--aws-zone-type', '--kubeconfig'],
      hasNot: ['--listen-address', '--out', '--nameserver', '--webhook-config'],
    },
    {
      command: 'validate',
      has: ['--file', '--domain-filter', '--output', '--provider'],
      hasNot: ['--interval', '--listen-address', '--out', '--kubeconfig'],
    },
    {
      command: 'doctor',
      has: ['--nameserver', '--dns-timeout', '--kubeconfig', '--domain-filter'],
      hasNot: ['--interval', '--out', '--listen-address'],
    },
  ];
  for (const t of table)
    it(`${t.command} --help`, async () => {
      const r = await run([t.command, '--help']);
      expect(r.code).toBe(0);
      const flags = new Set(r.out.match(/--[a-z0-9-]+/g));
      for (const f of t.has) expect(flags, `${t.command} should take ${f}`).toContain(f);
      for (const f of t.hasNot) expect(flags, `${t.command} should not list ${f}`).not.toContain(f);
    });
});
