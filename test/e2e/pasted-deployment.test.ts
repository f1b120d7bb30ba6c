/**
 * A team switching from external-dns pastes its Deployment's arguments: the lists the official Helm
 * chart renders for an rfc2136 and an aws setup (written down, with the chart template and values
 * they come from, in fixtures/pasted-deployment/*.yaml) go to `zoneguard reconcile --once --dry-run`
 * unchanged, plus only where zoneguard finds the cluster (--kubeconfig) and the local DNS server
 * (--rfc2136-host/-port for BIND, --aws-endpoint-url for moto). Each exits 0 and plans the same
 * records as zoneguard's own flags do; logs come as logrus text lines, as --log-format=text asks.
 */
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { packageRoot } from '../../cli/paths.js';
import { Route53Provider } from '../../core/providers/aws/route53.js';
import type { KubeObject } from '../../core/model/objects.js';
import { findMoto, Moto } from '../fakes/moto.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';
import { runCli } from '../cli-run.js';

const noBind = bindUnavailable();
const moto = findMoto();
if (process.env.CI && noBind) throw new Error(`BIND9 is required in CI: ${noBind}`);
if (process.env.CI && !moto.path) throw new Error(`CI must run the Route 53 tests: ${moto.reason}`);

const PORT = 15373;
const fixtures = join(packageRoot(), 'test', 'e2e', 'fixtures', 'pasted-deployment');
interface Rendered {
  args: string[];
  env: string[];
}
const rendered = (name: string) =>
  YAML.parse(readFileSync(join(fixtures, `${name}.yaml`), 'utf8')) as Rendered;
const objects = () =>
  YAML.parseAllDocuments(readFileSync(join(fixtures, 'objects.yaml'), 'utf8')).map(
    (d) => d.toJS() as KubeObject,
  );

const run = (args: string[], env: Record<string, string>) => runCli(args, env);

/** Every log line as logrus's TextFormatter prints it. */
function expectLogrusText(stderr: string) {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^time="[^"]+" level=(trace|debug|info|warning) msg=/);
}

let api: FakeApiServer;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  api = await start();
  for (const obj of objects()) api.apply(obj);
  dir = mkdtempSync(join(tmpdir(), 'zoneguard-pasted-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfigYaml());
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!noBind)(
  `rfc2136: the chart's arguments against BIND${noBind ? ` (skipped: ${noBind})` : ''}`,
  () => {
    let bind: BindServer;
    beforeAll(async () => {
      bind = await startBind({ port: PORT, zones: ['example.com'] });
      // a name another owner holds: neither run may touch it
      await bind.nsupdate('example.com', [
        'update add shop.example.com. 300 A 198.51.100.20',
        'update add a-shop.example.com. 300 TXT "heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/shop/storefront"',
      ]);
    });
    afterAll(async () => bind?.stop());

    it('exits 0 and plans what zoneguard plans with its own flags', async () => {
      const chart = rendered('rfc2136');
      // what the chart's env gives the container, from the Secret
      const env = {
        EXTERNAL_DNS_RFC2136_TSIG_SECRET: bind.tsig.secret,
        EXTERNAL_DNS_RFC2136_TSIG_KEYNAME: bind.tsig.name,
      };
      expect(Object.keys(env).sort()).toEqual([...chart.env].sort());
      const here = ['--rfc2136-host=127.0.0.1', `--rfc2136-port=${PORT}`, `--kubeconfig=${kubeconfig}`];
      const pasted = await run(['reconcile', ...chart.args, ...here, '--once', '--dry-run'], env);
      expect(pasted.err).not.toMatch(/level=(error|fatal)/);
      expect(pasted.code).toBe(0);
      expectLogrusText(pasted.err);
      // the appended endpoint replaces the chart's, and says so
      expect(pasted.err).toMatch(
        /level=warning msg="flag given more than once: it takes one value, the last one is used" flag=--rfc2136-host value=127\.0\.0\.1/,
      );

      const secretFile = join(dir, 'tsig.secret');
      writeFileSync(secretFile, bind.tsig.secret);
      const own = await run(
        [
          'reconcile',
          '--provider',
          'rfc2136',
          '--rfc2136-host',
          '127.0.0.1',
          '--rfc2136-port',
          String(PORT),
          '--rfc2136-zone',
          'example.com',
          '--rfc2136-tsig-keyname',
          bind.tsig.name,
          '--rfc2136-tsig-secret-file',
          secretFile,
          '--txt-owner-id',
          'cluster-a',
          '--domain-filter',
          'example.com',
          '--source',
          'service,ingress,crd',
          '--policy',
          'sync',
          '--kubeconfig',
          kubeconfig,
          '--once',
          '--dry-run',
          '--log-level',
          'error',
        ],
        {},
      );
      expect(own.code).toBe(0);
      expect(pasted.out).toBe(own.out);
      expect(pasted.out).toMatch(/^CREATE web\.example\.com A 203\.0\.113\.10 .*owner=cluster-a/m);
      expect(pasted.out).toMatch(/^CREATE app\.example\.com A 203\.0\.113\.7 /m);
      expect(pasted.out).toMatch(/^CREATE static\.example\.com A 203\.0\.113\.20 ttl=600 /m);
      expect(pasted.out).toMatch(/^CREATE elb\.example\.com CNAME my-lb-1\.us-east-1\.elb\.amazonaws\.com /m);
      expect(pasted.out).not.toMatch(/^(CREATE|UPDATE|DELETE) shop\.example\.com/m);
      // dry run: BIND still holds only what it had
      expect(await bind.dig('web.example.com', 'A')).toEqual([]);
    });

    it("the chart's PTR example (docs/snippets/tutorials/rfc2136) is refused in one line: zoneguard makes no PTR records", async () => {
      const r = await run(
        ['reconcile', ...rendered('rfc2136').args, '--create-ptr', '--once', '--dry-run'],
        {},
      );
      expect(r.code).toBe(2);
      expect(r.err).toBe('zoneguard: --create-ptr: not supported: PTR records are not created\n');
    });
  },
);

describe.skipIf(!moto.path)(
  `aws: the chart's arguments against moto${moto.path ? '' : ` (skipped: ${moto.reason})`}`,
  () => {
    let m: Moto;
    let zoneId = '';
    const awsEnv = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'foo-fake',
      AWS_SECRET_ACCESS_KEY: 'bar-fake',
    };
    beforeAll(async () => {
      m = await Moto.start(moto.path!);
      const client = new Route53Provider({
        endpoint: m.url,
        credentials: { accessKeyId: 't', secretAccessKey: 't' },
      }).client;
      zoneId = (
        await client.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'pasted' }))
      ).HostedZone!.Id!;
    });
    afterAll(async () => {
      vi.unstubAllEnvs();
      await m?.close();
    });

    it('exits 0, plans what zoneguard plans with its own flags, and publishes alias records without target health', async () => {
      // the AWS SDK's credential chain reads the process environment itself
      for (const [k, v] of Object.entries(awsEnv)) vi.stubEnv(k, v);
      const chart = rendered('aws');
      expect(Object.keys(awsEnv).sort()).toEqual([...chart.env].sort());
      const here = [`--aws-endpoint-url=${m.url}`, `--kubeconfig=${kubeconfig}`];
      const pasted = await run(['reconcile', ...chart.args, ...here, '--once', '--dry-run'], awsEnv);
      expect(pasted.err).not.toMatch(/level=(error|fatal)/);
      expect(pasted.code).toBe(0);
      expectLogrusText(pasted.err);

      const own = await run(
        [
          'reconcile',
          '--provider=aws',
          `--aws-endpoint-url=${m.url}`,
          '--aws-zone-type=public',
          '--aws-evaluate-target-health=false',
          '--txt-owner-id=cluster-a',
          '--domain-filter=example.com,local.tld',
          '--source=service,ingress,crd',
          `--kubeconfig=${kubeconfig}`,
          '--once',
          '--dry-run',
          '--log-level=error',
        ],
        awsEnv,
      );
      expect(own.code).toBe(0);
      expect(pasted.out).toBe(own.out);
      expect(pasted.out).toMatch(/^CREATE web\.example\.com A 203\.0\.113\.10 /m);
      // a CNAME to a load balancer is a Route 53 alias A record
      expect(pasted.out).toMatch(/^CREATE elb\.example\.com A my-lb-1\.us-east-1\.elb\.amazonaws\.com /m);

      // the same arguments without --dry-run: the records, and the alias without EvaluateTargetHealth
      const applied = await run(['reconcile', ...chart.args, ...here, '--once'], awsEnv);
      expect(applied.code).toBe(0);
      const client = new Route53Provider({
        endpoint: m.url,
        credentials: { accessKeyId: 't', secretAccessKey: 't' },
      }).client;
      const sets =
        (await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ??
        [];
      const elb = sets.find((s) => s.Name === 'elb.example.com.' && s.Type === 'A');
      expect(elb?.AliasTarget).toMatchObject({
        DNSName: expect.stringContaining('my-lb-1.us-east-1.elb.amazonaws.com') as string,
        EvaluateTargetHealth: false,
      });
      expect(sets.map((s) => `${s.Name} ${s.Type}`)).toEqual(
        expect.arrayContaining(['web.example.com. A', 'a-web.example.com. TXT', 'static.example.com. A']),
      );
    });
  },
);
