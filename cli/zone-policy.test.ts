/**
 * `zoneguard validate -f` over a directory holding Namespaces, ZonePolicies and workloads
 * (cli/fixtures/zone-policies), the same files split between -f and --zone-policy-file, and
 * --require-zone-policy.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { runCli } from '../test/cli-run.js';

const dir = join(packageRoot(), 'cli', 'fixtures', 'zone-policies');
const invalid = join(packageRoot(), 'core', 'policy', 'fixtures', 'invalid-policies.yaml');

const run = (args: string[]) => runCli(args);

const EXPECTED_LINES = [
  'DENY Ingress sandbox/demo: demo.a.example.com: zone-policy: no ZonePolicy selects namespace "sandbox"',
  'ALLOW Ingress team-a/shop: shop.a.example.com',
  'DENY Ingress team-a/admin: admin.a.example.com: zone-policy: not delegated to namespace "team-a" (ZonePolicy team-a: excluded by admin.a.example.com)',
  'DENY Ingress team-a/steal: shop.b.example.com: zone-policy: not delegated to namespace "team-a" (ZonePolicy team-a: not in [a.example.com])',
  'DENY DNSEndpoint team-a/takeover: www.a.example.com: zone-policy: not delegated to namespace "team-a" (ZonePolicy team-a: CNAME target old-app.herokuapp.com is under denied suffix herokuapp.com)',
  'ALLOW Service team-b/api: api.b.example.com',
  'WARN Service team-b/apex: b.example.com: zone-policy: not delegated to namespace "team-b" (ZonePolicy team-b: not in [*.b.example.com])',
];

describe('zoneguard validate with ZonePolicies', () => {
  it('a directory of Namespaces, ZonePolicies and workloads: the verdict of each workload', async () => {
    const r = await run(['validate', '-f', dir]);
    expect(r.code).toBe(1);
    for (const line of EXPECTED_LINES) expect(r.out).toContain(`${line}\n`);
    expect(r.out).toContain('violations by rule: zone-policy 4');
    // Namespaces and ZonePolicies are read as policy, not listed as kinds zoneguard does not read
    expect(r.err).not.toContain('not checked');
  });

  it('the same verdicts with the policies given by --zone-policy-file', async () => {
    const r = await run(['validate', '-f', join(dir, 'workloads'), '--zone-policy-file', join(dir, 'teams')]);
    expect(r.code).toBe(1);
    for (const line of EXPECTED_LINES) expect(r.out).toContain(`${line}\n`);
  });

  it('without any ZonePolicy the rule does not apply', async () => {
    const r = await run(['validate', '-f', join(dir, 'workloads')]);
    expect(r.out).not.toContain('zone-policy');
    expect(r.code).toBe(0);
  });

  it('--require-zone-policy: no ZonePolicy selects any namespace', async () => {
    const r = await run(['validate', '-f', join(dir, 'workloads'), '--require-zone-policy']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'DENY Ingress team-a/shop: shop.a.example.com: zone-policy: no ZonePolicy selects namespace "team-a"',
    );
  });

  it('--output json carries the finding, its policy and its fix', async () => {
    const r = await run(['validate', '-f', dir, '-o', 'json']);
    const doc = JSON.parse(r.out) as { results: { name: string; violations: Record<string, unknown>[] }[] };
    expect(doc.results.find((x) => x.name === 'steal')!.violations).toEqual([
      expect.objectContaining({
        hostname: 'shop.b.example.com',
        rule: 'zone-policy',
        fix: expect.stringContaining('have ZonePolicy team-a changed to delegate it'),
      }),
    ]);
  });

  it('an invalid ZonePolicy among the inputs is denied, naming its field', async () => {
    const r = await run(['validate', '-f', join(dir, 'workloads'), '--zone-policy-file', invalid]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'DENY ZonePolicy bad-cidr: zone-policy: spec.targets.allowCIDRs[0] "203.0.113.0/33" is not a CIDR',
    );
    expect(r.out).toContain(
      'DENY ZonePolicy team-a/namespaced: zone-policy: metadata.namespace must be empty',
    );
    // a broken policy allows nothing
    expect(r.out).toContain('(ZonePolicies no-domains, bad-operator, in-without-values');
  });
});
