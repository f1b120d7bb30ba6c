/**
 * The name flags through the commands: `validate` and `plan` read the names --fqdn-template,
 * --combine-fqdn-annotation and --ignore-* give (the same extraction context as the webhook and the
 * reconciler, core/setup.ts extractContextFrom), and a template that cannot be read exits 2 naming
 * the flag and the construct.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { runCli } from '../test/cli-run.js';

const dir = join(packageRoot(), 'cli', 'fixtures', 'names');

const run = (args: string[]) => runCli(args);

const tmpl = '{{ .Name }}.{{ .Labels.env }}.example.com';

describe('name flags in validate and plan', () => {
  it('validate: a templated name outside the filter is denied', async () => {
    const r = await run([
      'validate',
      '-f',
      dir,
      '--domain-filter',
      'prod.example.com',
      '--fqdn-template',
      tmpl,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ALLOW Service shop/api: api.prod.example.com');
    expect(r.out).toContain(
      'DENY Ingress shop/web: web.example.com: domain-filter: not in [prod.example.com]',
    );
  });

  it('validate: --combine-fqdn-annotation adds the template name to an object that has names', async () => {
    const r = await run([
      'validate',
      '-f',
      dir,
      '--domain-filter',
      'example.com',
      '--fqdn-template',
      tmpl,
      '--combine-fqdn-annotation',
      '--exclude-domains',
      'staging.example.com',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('web.staging.example.com: domain-filter');
  });

  it('plan: records for the templated names, with the object targets; --ignore-ingress-tls-spec drops a TLS host', async () => {
    const r = await run([
      'plan',
      '-f',
      dir,
      '--domain-filter',
      'example.com',
      '--provider',
      'inmemory',
      '--inmemory-zone',
      'example.com',
      '--fqdn-template',
      tmpl,
      '--ignore-ingress-tls-spec',
    ]);
    expect(r.err).toBe('');
    expect(r.out).toContain(
      'CREATE api.prod.example.com A 203.0.113.90 owner=default resource=service/shop/api',
    );
    expect(r.out).toContain('CREATE web.example.com A 203.0.113.91');
    expect(r.out).not.toContain('web-tls.example.com');
  });

  it('a template that cannot be read exits 2 naming the flag and the construct', async () => {
    const r = await run(['validate', '-f', dir, '--fqdn-template', '{{ template "x" }}.example.com']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--fqdn-template.*\{\{template\}\} is not supported by zoneguard's --fqdn-template/,
    );
  });

  it('a template with a comma inside an action stays one value', async () => {
    const r = await run([
      'validate',
      '-f',
      dir,
      '--domain-filter',
      'example.com',
      '--fqdn-template',
      '{{ .Name }}.example.com{{ printf "," }}{{ .Name }}.example.org',
      '--ignore-ingress-rules-spec',
      '--ignore-ingress-tls-spec',
    ]);
    expect(r.out).toContain('DENY Service shop/api: api.example.org: domain-filter');
    expect(r.out).toContain('DENY Ingress shop/web: web.example.org: domain-filter');
  });
});
