/**
 * `zoneguard plan` and `validate` over routes attached to a ListenerSet (cli/fixtures/listener-sets):
 * with --gateway-listener-sets the records external-dns v0.22 publishes with the same flag
 * (docs/sources/gateway-api.md: the ListenerSet's listener hostname, the parent Gateway's
 * addresses); without it the same names are checked and nothing is published for them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/cli-run.js';
import { packageRoot } from './paths.js';

const dir = join(packageRoot(), 'cli', 'fixtures', 'listener-sets');
const common = ['--domain-filter', 'example.com', '--txt-owner-id', 'cluster-a'];
const plan = (extra: string[]) =>
  runCli([
    'plan',
    '-f',
    dir,
    '--provider',
    'inmemory',
    '--inmemory-zone',
    'example.com',
    ...common,
    ...extra,
  ]);

describe('routes attached to a ListenerSet', () => {
  it('plan --gateway-listener-sets creates the record on the parent Gateway address; the out-of-filter listener is denied', async () => {
    const r = await plan(['--gateway-listener-sets']);
    expect(r.out).toMatch(
      /^CREATE shop\.team\.example\.com A 203\.0\.113\.40 owner=cluster-a resource=httproute\/team-a\/shop$/m,
    );
    expect(r.out).toMatch(/^DENY HTTPRoute team-a\/out-shop: shop\.team\.example\.org: domain-filter: /m);
    expect(r.out).toMatch(/plan: 1 to create/);
    expect(r.err).not.toMatch(/ListenerSet/);
  });

  it('plan without the flag checks the same names and publishes none of them', async () => {
    const r = await plan([]);
    expect(r.out).not.toMatch(/^CREATE /m);
    expect(r.out).toMatch(/^DENY HTTPRoute team-a\/out-shop: shop\.team\.example\.org: domain-filter: /m);
    expect(r.out).toMatch(/published by zoneguard only with --gateway-listener-sets/);
  });

  it('validate -f gives the same verdicts, and does not call a ListenerSet a kind it does not read', async () => {
    const r = await runCli(['validate', '-f', dir, ...common, '--gateway-listener-sets']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ALLOW HTTPRoute team-a/shop: shop.team.example.com');
    expect(r.out).toMatch(/DENY HTTPRoute team-a\/out-shop: shop\.team\.example\.org: domain-filter: /);
    expect(r.err).not.toMatch(/ListenerSet/);
  });
});
