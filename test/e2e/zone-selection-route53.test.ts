/**
 * Zone selection happens in the plan: `--aws-zone-type private` against a public hosted zone (moto),
 * `plan` and `reconcile --once --dry-run` print the record as NOZONE, never CREATE, and the real
 * `reconcile --once` writes nothing and logs no "changes applied" (issue 14: it used to log
 * `"create":1,"msg":"changes applied"` after "no zone for record, skipped").
 */
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { packageRoot } from '../../cli/paths.js';
import { resolveSettings } from '../../cli/settings.js';
import { Route53Provider } from '../../core/providers/aws/route53.js';
import { runReconcile } from '../../reconciler/run.js';
import { findMoto, Moto } from '../fakes/moto.js';
import { captureLogs } from '../logs.js';

const moto = findMoto();
if (!moto.path && process.env.CI) throw new Error(`CI must run the Route 53 tests: ${moto.reason}`);

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

async function run(args: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(['node', 'zoneguard', ...args], { stdout, stderr, env });
  return { code, out: stdout.text, err: stderr.text };
}

describe.skipIf(!moto.path)(
  `zone selection in the plan (Route 53 on moto)${moto.path ? '' : ` (skipped: ${moto.reason})`}`,
  () => {
    let m: Moto;
    let zoneId = '';
    const client = () =>
      new Route53Provider({
        endpoint: m.url,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        intervalMs: 0,
      }).client;
    beforeAll(async () => {
      m = await Moto.start(moto.path!);
      const r = await client().send(
        new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'zone-selection' }),
      );
      zoneId = r.HostedZone!.Id!;
    });
    afterAll(async () => m?.close());

    it('--aws-zone-type private against a public zone: NOZONE in plan and dry-run; the real run writes and counts nothing', async () => {
      // the AWS SDK's credential chain reads the process environment itself
      for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
      const manifests = join(packageRoot(), 'examples', 'manifests', 'good.yaml');
      const flags = {
        provider: 'aws',
        'aws-endpoint-url': m.url,
        'aws-zone-type': 'private',
        'domain-filter': 'example.com',
        'txt-owner-id': 'cluster-a',
      };
      const common = ['-f', manifests, ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])];
      const planned = await run(['plan', ...common]);
      expect(planned.code).toBe(0);
      expect(planned.out).toMatch(
        /^NOZONE app\.example\.com A 203\.0\.113\.7 from ingress\/default\/app: in no zone the provider manages \(zones: none\)$/m,
      );
      expect(planned.out).not.toMatch(/^CREATE /m);
      const dry = await run([
        'reconcile',
        '--once',
        '--dry-run',
        '--kube-api',
        'off',
        '--log-level',
        'error',
        ...common,
      ]);
      expect(dry.out).toBe(planned.out);

      // the real run, with its log captured
      const cfg = resolveSettings('reconcile', {
        cli: {
          ...flags,
          'domain-filter': ['example.com'],
          file: [manifests],
          'kube-api': 'off',
          once: 'true',
        },
        env,
      });
      const { logger, logs } = captureLogs('debug');
      const sink = new Sink();
      expect(await runReconcile(cfg, { logger, env, stdout: sink, stderr: sink })).toBe(0);
      const msgs = logs.map((l) => l.msg);
      expect(msgs).toContain('reconciler started');
      expect(msgs).not.toContain('changes applied');
      expect(msgs).not.toContain('no zone for record, skipped');
      const sets = await client().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
      expect((sets.ResourceRecordSets ?? []).map((s) => s.Type).sort()).toEqual(['NS', 'SOA']);
    });
  },
);
