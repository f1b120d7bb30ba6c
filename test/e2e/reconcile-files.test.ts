/** `zoneguard reconcile` from the command line with the manifest source (-f), no cluster. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../cli/paths.js';
import { runCli } from '../cli-run.js';

const root = packageRoot();
const examples = join(root, 'examples', 'manifests');
const zone = `example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`;
const common = [
  '-f',
  examples,
  '--provider',
  'inmemory',
  '--inmemory-zone-file',
  zone,
  '--domain-filter',
  'example.com',
  '--public-zone',
  'example.com',
  '--txt-owner-id',
  'cluster-a',
  '--log-level',
  'fatal',
];

const run = (args: string[]) => runCli(args);

describe('zoneguard reconcile -f', () => {
  it('--once --dry-run prints what `zoneguard plan` prints', async () => {
    for (const output of ['text', 'json']) {
      const planned = await run(['plan', ...common, '-o', output]);
      const dry = await run([
        'reconcile',
        '--once',
        '--dry-run',
        '--kube-api',
        'off',
        ...common,
        '-o',
        output,
      ]);
      expect(dry.err).toBe('');
      expect(dry.code).toBe(0);
      expect(planned.code).toBe(0);
      expect(dry.out).toBe(planned.out);
    }
  });

  it('--once applies and exits 0', async () => {
    const r = await run(['reconcile', '--once', '--kube-api', 'off', ...common]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  const bad: { name: string; args: string[]; err: RegExp }[] = [
    {
      name: 'no provider',
      args: ['reconcile', '--once', '-f', examples],
      err: /--provider: reconcile needs a provider/,
    },
    {
      name: '--leader-elect with --once',
      args: ['reconcile', '--once', '--leader-elect', ...common],
      err: /--leader-elect: cannot be combined with --once/,
    },
    {
      name: '--kube-api off without -f',
      args: ['reconcile', '--once', '--kube-api', 'off', '--provider', 'inmemory'],
      err: /--kube-api: off leaves no source/,
    },
    {
      name: 'bad --metrics-address',
      args: ['reconcile', ...common, '--metrics-address', 'nonsense'],
      err: /--metrics-address: expects host:port/,
    },
    {
      name: 'renew deadline not below lease duration',
      args: [
        'reconcile',
        ...common,
        '--leader-election-lease-duration',
        '5s',
        '--leader-election-renew-deadline',
        '5s',
      ],
      err: /--leader-election-lease-duration: must be greater/,
    },
    {
      name: 'bad --interval',
      args: ['reconcile', ...common, '--interval', 'soon'],
      err: /--interval: expects a duration/,
    },
  ];
  for (const c of bad) {
    it(`exit 2 naming the flag: ${c.name}`, async () => {
      const r = await run(c.args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(c.err);
    });
  }
});

describe('zoneguard reconcile input errors', () => {
  it('exit 2 for a malformed manifest, before anything is applied', async () => {
    const r = await run([
      'reconcile',
      '--once',
      '--kube-api',
      'off',
      ...common.map((a) => (a === examples ? join(root, 'cli', 'fixtures', 'malformed.yaml') : a)),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/malformed\.yaml:\d+:\d+: malformed YAML/);
  });
});
