/**
 * external-dns's Route 53 flags against moto: --aws-zone-tags (provider/zone_tag_filter.go),
 * --aws-zone-match-parent (provider/aws/aws.go: a parent zone of a filter is kept only with it),
 * --aws-evaluate-target-health (alias records that do not say get the flag's value, default true;
 * the annotation wins), --aws-zones-cache-duration (hosted zones listed once per duration).
 */
import {
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settingsFor } from '../../../cli/settings.js';
import { findMoto, Moto } from '../../../test/fakes/moto.js';
import { silentLogger } from '../../log.js';
import { emptyChanges } from '../../model/changes.js';
import { newEndpoint } from '../../model/endpoint.js';
import { domainFilterFrom } from '../../setup.js';
import { create } from './factory.js';
import { parseZoneTags, zoneTagsMatch, type Route53Provider } from './route53.js';

const moto = findMoto();
if (!moto.path && process.env.CI) throw new Error(`CI must run the Route 53 tests: ${moto.reason}`);

// rows after external-dns provider/zone_tag_filter_test.go
describe('--aws-zone-tags matching', () => {
  const table: { tags: string[]; zone: Record<string, string>; want: boolean }[] = [
    { tags: ['tag1=value1'], zone: { tag1: 'value1' }, want: true },
    { tags: ['tag1=value1', 'tag2=value2'], zone: { tag1: 'value1', tag2: 'value2' }, want: true },
    { tags: ['tag1=value1', 'tag2=value2'], zone: { tag1: 'value1' }, want: false },
    { tags: ['tag1'], zone: { tag1: 'anything' }, want: true },
    { tags: ['tag1'], zone: {}, want: false },
    { tags: ['tag1=value1'], zone: { tag1: 'other' }, want: false },
    { tags: [' tag1 = value1 '], zone: { tag1: 'value1' }, want: true },
    { tags: ['=value'], zone: {}, want: true },
  ];
  for (const c of table)
    it(`[${c.tags.join(' ')}] vs ${JSON.stringify(c.zone)} → ${c.want}`, () =>
      expect(zoneTagsMatch(parseZoneTags(c.tags), new Map(Object.entries(c.zone)))).toBe(c.want));
});

const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

describe.skipIf(!moto.path)(
  `Route 53 flags against moto${moto.path ? '' : ` (skipped: ${moto.reason})`}`,
  () => {
    let m: Moto;
    beforeAll(async () => {
      m = await Moto.start(moto.path!);
    });
    afterAll(async () => m?.close());
    beforeEach(async () => {
      await m.reset();
      m.resetCalls();
    });

    /** A provider from flags, as `--provider aws` builds it. */
    async function provider(flags: Record<string, unknown>): Promise<Route53Provider> {
      const cfg = settingsFor('reconcile', { provider: 'aws', 'aws-endpoint-url': m.url, ...flags });
      for (const [k, v] of Object.entries(env)) process.env[k] ??= v;
      return (await create(cfg, {
        logger: silentLogger(),
        domainFilter: domainFilterFrom(cfg),
        env,
      })) as Route53Provider;
    }

    async function zone(
      p: Route53Provider,
      name: string,
      tags: Record<string, string> = {},
    ): Promise<string> {
      const r = await p.client.send(
        new CreateHostedZoneCommand({ Name: name, CallerReference: `${name}-${Date.now()}` }),
      );
      const id = r.HostedZone!.Id!;
      const keys = Object.entries(tags);
      if (keys.length)
        await p.client.send(
          new ChangeTagsForResourceCommand({
            ResourceType: 'hostedzone',
            ResourceId: id.replace('/hostedzone/', ''),
            AddTags: keys.map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      return id;
    }

    it('--aws-zone-tags keeps the zones with every tag', async () => {
      const setup = await provider({});
      await zone(setup, 'a.example.com', { team: 'a', env: 'prod' });
      await zone(setup, 'b.example.com', { team: 'b', env: 'prod' });
      await zone(setup, 'c.example.com');
      const names = async (tags: string[]) =>
        (await (await provider({ 'aws-zone-tags': tags })).zones()).map((z) => z.name).sort();
      expect(await names([])).toEqual(['a.example.com', 'b.example.com', 'c.example.com']);
      expect(await names(['env=prod'])).toEqual(['a.example.com', 'b.example.com']);
      expect(await names(['team=a', 'env=prod'])).toEqual(['a.example.com']);
      expect(await names(['team'])).toEqual(['a.example.com', 'b.example.com']);
      expect(await names(['team=c'])).toEqual([]);
    });

    it('--aws-zone-match-parent: a parent zone of --domain-filter is managed only with it', async () => {
      const setup = await provider({});
      await zone(setup, 'example.com');
      await zone(setup, 'app.example.com');
      const names = async (flags: Record<string, unknown>) =>
        (await (await provider({ 'domain-filter': ['app.example.com'], ...flags })).zones())
          .map((z) => z.name)
          .sort();
      expect(await names({})).toEqual(['app.example.com']);
      expect(await names({ 'aws-zone-match-parent': 'true' })).toEqual(['app.example.com', 'example.com']);
    });

    it('--aws-evaluate-target-health: alias records get it unless their annotation says otherwise', async () => {
      const setup = await provider({});
      const zoneId = await zone(setup, 'example.com');
      const lb = 'my-lb-1.us-east-1.elb.amazonaws.com';
      const cases: { flags: Record<string, unknown>; annotation?: string; want: boolean }[] = [
        { flags: {}, want: true },
        { flags: { 'aws-evaluate-target-health': false }, want: false },
        { flags: { 'aws-evaluate-target-health': false }, annotation: 'true', want: true },
        { flags: {}, annotation: 'false', want: false },
      ];
      for (const [i, c] of cases.entries()) {
        const p = await provider(c.flags);
        const ep = newEndpoint(`lb${i}.example.com`, 'CNAME', [lb]);
        if (c.annotation) ep.providerSpecific = { 'aws/evaluate-target-health': c.annotation };
        const desired = p.adjustEndpoints([ep]);
        expect(desired[0].providerSpecific?.['aws/evaluate-target-health']).toBe(String(c.want));
        await p.applyChanges({ ...emptyChanges(), create: desired });
      }
      const sets = await setup.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
      const got = Object.fromEntries(
        (sets.ResourceRecordSets ?? [])
          .filter((s) => s.AliasTarget)
          .map((s) => [s.Name, s.AliasTarget!.EvaluateTargetHealth]),
      );
      expect(got).toEqual({
        'lb0.example.com.': true,
        'lb1.example.com.': false,
        'lb2.example.com.': true,
        'lb3.example.com.': false,
      });
    });

    it('--aws-zones-cache-duration: hosted zones are listed once per duration', async () => {
      const setup = await provider({});
      await zone(setup, 'example.com');
      m.resetCalls();
      const uncached = await provider({});
      await uncached.records();
      await uncached.records();
      expect(m.calls.get('ListHostedZones')).toBe(2);
      m.resetCalls();
      const cached = await provider({ 'aws-zones-cache-duration': '1h' });
      await cached.records();
      await cached.records();
      expect(m.calls.get('ListHostedZones')).toBe(1);
    });
  },
);
