/**
 * `zoneguard doctor` explains a zone-policy denial (issue 15 left doctor blind to ZonePolicies):
 * with the ZonePolicies and Namespaces among -f (or from --zone-policy-file, or the cluster) the
 * rules step names the policy and what it delegates, and the verdict says the name is denied —
 * as the webhook and the reconciler decide. Without them, the same name reads as pending.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../cli/paths.js';
import { runCli } from '../cli-run.js';

const dir = join(packageRoot(), 'cli', 'fixtures', 'zone-policies');
const common = [
  '--domain-filter',
  'example.com',
  '--txt-owner-id',
  'cluster-a',
  '--provider',
  'inmemory',
  '--inmemory-zone',
  'example.com',
];

describe('doctor and ZonePolicies', () => {
  it.each([
    { how: 'ZonePolicies among -f', args: ['-f', dir] },
    {
      how: '--zone-policy-file',
      args: [
        '-f',
        join(dir, 'workloads'),
        '-f',
        join(dir, 'teams', 'namespaces.yaml'),
        '--zone-policy-file',
        join(dir, 'teams', 'zonepolicies.yaml'),
      ],
    },
  ])('names the policy that keeps a name from a namespace ($how)', async ({ args }) => {
    const r = await runCli(['doctor', 'admin.a.example.com', ...args, ...common]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /rules\s+FAIL\s+Ingress team-a\/admin: zone-policy: not delegated to namespace "team-a" \(ZonePolicy team-a: excluded by admin\.a\.example\.com\)/,
    );
    expect(r.out).toMatch(/^verdict: PROBLEM: Ingress team-a\/admin is denied: zone-policy: /m);
  });

  it('a name the namespace is delegated passes the rule', async () => {
    const r = await runCli(['doctor', 'shop.a.example.com', '-f', dir, ...common]);
    expect(r.out).not.toMatch(/zone-policy/);
    expect(r.out).toMatch(/rules\s+ok\s+Ingress team-a\/shop/);
  });

  it('without ZonePolicies the rule does not apply', async () => {
    const r = await runCli(['doctor', 'admin.a.example.com', '-f', join(dir, 'workloads'), ...common]);
    expect(r.out).not.toMatch(/zone-policy/);
    expect(r.out).toMatch(/^verdict: PENDING: /m);
  });
});
