/**
 * One plan, told truthfully: every fixture through `zoneguard plan` and through
 * `zoneguard reconcile --once --dry-run` (manifest source, same provider, same flags) prints the
 * same text and the same JSON, and the lines that matter are there: denied and skipped objects with
 * their reasons, records kept for denied objects (fail safe), records in no zone, the deletion hold.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { runCli } from '../test/cli-run.js';

const root = packageRoot();
const plan = (f: string) => join(root, 'cli', 'fixtures', 'plan', f);

const run = (args: string[]) => runCli(args);

interface Case {
  name: string;
  files: string[];
  args: string[];
  /** Lines the plan must print. */
  has?: (string | RegExp)[];
  /** Lines it must not print. */
  hasNot?: (string | RegExp)[];
}

const owner = ['--txt-owner-id', 'cluster-a', '--domain-filter', 'example.com'];
const examplesZone = [
  '--provider',
  'inmemory',
  '--inmemory-zone-file',
  `example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`,
];
const zone = (file: string) => [
  '--provider',
  'inmemory',
  '--inmemory-zone-file',
  `example.com=${plan(file)}`,
];

const cases: Case[] = [
  {
    name: 'examples/manifests/good.yaml against the example zone',
    files: [join(root, 'examples', 'manifests', 'good.yaml')],
    args: [...examplesZone, ...owner],
    has: [/^CREATE app\.example\.com A 203\.0\.113\.7 ttl=300 owner=cluster-a/m],
  },
  {
    name: 'examples/manifests/bad.yaml: every denied object listed with its rule, none counted as 0',
    files: [join(root, 'examples', 'manifests', 'bad.yaml')],
    args: [...examplesZone, ...owner],
    has: [/^DENY Ingress default\/outside: app\.example\.org: domain-filter: /m, / 9 denied, /],
  },
  {
    name: 'examples/manifests (both files)',
    files: [join(root, 'examples', 'manifests')],
    args: [...examplesZone, ...owner],
  },
  ...['services.yaml', 'ingresses.yaml', 'dnsendpoints.yaml', 'gateway.yaml'].map((f) => ({
    name: `core/hostnames/fixtures/${f}`,
    files: [join(root, 'core', 'hostnames', 'fixtures', f)],
    args: ['--provider', 'inmemory', '--inmemory-zone', 'example.com', '--txt-owner-id', 'cluster-a'],
  })),
  {
    name: 'cli/fixtures/list.json, --namespace leaves objects out: SKIP with the reason',
    files: [join(root, 'cli', 'fixtures', 'list.json')],
    args: ['--provider', 'inmemory', '--inmemory-zone', 'example.com', '--namespace', 'other'],
    has: [/^SKIP Ingress default\/in-list: namespace "default" is not --namespace "other"$/m, / 1 skipped,/],
  },
  {
    name: 'published, then invalid or conflicting: nothing published is deleted or changed',
    files: [plan('published.yaml')],
    args: [...zone('published.zone'), ...owner],
    has: [
      // published names cannot be denied (as the webhook on UPDATE): the finding is a warning
      /^WARN Ingress default\/mig: mig\.example\.com: ttl: TTL annotation "forever"/m,
      /^DENY Ingress default\/moved: moved\.example\.org: domain-filter: /m,
      'KEEP moved.example.com A 203.0.113.51: published record kept unchanged while Ingress default/moved is denied',
      /^DENY Ingress team-b\/dup-other: dup\.example\.com: duplicate: also claimed by Ingress team-a\/dup-keeper/m,
      /^DENY Ingress team-b\/taker: held\.example\.com: /m,
      'plan: 0 to create, 0 to update, 0 to delete',
    ],
    hasNot: [/^(DELETE|UPDATE|CREATE) /m],
  },
  {
    name: 'records in no zone the provider manages are NOZONE, never CREATE',
    files: [join(root, 'examples', 'manifests', 'good.yaml')],
    args: ['--provider', 'inmemory', '--inmemory-zone', 'example.org', ...owner],
    has: [
      /^NOZONE app\.example\.com A 203\.0\.113\.7 from ingress\/default\/app: in no zone the provider manages \(zones: none\)$/m,
      /^plan: 0 to create, /m,
    ],
    hasNot: [/^CREATE /m],
  },
  {
    name: 'a source that suddenly yields nothing: the 40 deletions are held',
    files: [plan('storm.yaml')],
    args: [...zone('storm.zone'), ...owner],
    has: [
      /^HOLD held back 40 deletion\(s\): 40 of 40 owned records \(100%\) is more than --max-deletion-ratio=0\.5; largest zones: example\.com 40; largest resources: service\/storm\/svc0 1,/m,
      /^plan: 0 to create, 0 to update, 0 to delete, 40 deletions held,/m,
    ],
    hasNot: [/^DELETE /m],
  },
  {
    name: 'the same storm with --release-deletions: the deletes are in the plan',
    files: [plan('storm.yaml')],
    args: [...zone('storm.zone'), ...owner, '--release-deletions'],
    has: [
      /^DELETE svc0\.example\.com A 203\.0\.113\.1 ttl=300 owner=cluster-a/m,
      /^HOLD released 40 deletion/m,
    ],
  },
];

describe('plan = reconcile --once --dry-run, for every fixture', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const files = c.files.flatMap((f) => ['-f', f]);
      const p = await run(['plan', ...files, ...c.args]);
      const r = await run([
        'reconcile',
        '--once',
        '--dry-run',
        '--kube-api',
        'off',
        '--log-level',
        'error',
        ...files,
        ...c.args,
      ]);
      expect(p.err).not.toMatch(/error/i);
      expect(p.code).toBe(0);
      expect(r.code).toBe(0);
      expect(r.out).toBe(p.out);
      for (const h of c.has ?? []) {
        if (typeof h === 'string') expect(p.out).toContain(h);
        else expect(p.out).toMatch(h);
      }
      for (const h of c.hasNot ?? []) expect(p.out).not.toMatch(h);
      const pj = await run(['plan', ...files, ...c.args, '-o', 'json']);
      const rj = await run([
        'reconcile',
        '--once',
        '--dry-run',
        '--kube-api',
        'off',
        '--log-level',
        'error',
        ...files,
        ...c.args,
        '-o',
        'json',
      ]);
      expect(JSON.parse(rj.out)).toEqual(JSON.parse(pj.out));
    });
  }
});
