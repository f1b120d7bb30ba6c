import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainFilter } from '../../domain-filter.js';
import { newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import { plan } from '../../plan.js';
import { TxtRegistry } from '../../registry/txt-registry.js';
import { emptyChanges } from '../../model/changes.js';
import { findMoto, Moto } from '../../../test/fakes/moto.js';
import { canonicalHostedZone } from './alias.js';
import { Route53Provider, unescapeName, type Route53Options } from './route53.js';

const moto = findMoto();
if (!moto.path && process.env.CI) throw new Error(`CI must run the Route 53 tests: ${moto.reason}`);

describe('canonicalHostedZone', () => {
  const rows: [string, string | undefined][] = [
    ['my-lb-123.us-east-1.elb.amazonaws.com', 'Z35SXDOTRQ7X7K'],
    ['dualstack.my-lb-123.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2'],
    ['my-nlb-abc.elb.us-west-2.amazonaws.com', 'Z18D5FSROUN65G'],
    ['my-lb.cn-north-1.elb.amazonaws.com.cn', 'Z1GDH35T77C1KE'],
    ['d111111abcdef8.cloudfront.net', 'Z2FDTNDATAQYW2'],
    ['app.example.com', undefined],
    ['my-lb.xx-nowhere-9.elb.amazonaws.com', undefined],
  ];
  for (const [host, zone] of rows)
    it(`${host} → ${zone ?? 'none'}`, () => expect(canonicalHostedZone(host)).toBe(zone));
  it('unescapes Route 53 octal escapes', () =>
    expect(unescapeName('\\052.example.com.')).toBe('*.example.com.'));
});

const noSleep = { sleep: async () => {}, random: () => 0 };
const describeMoto = moto.path ? describe : describe.skip;

describeMoto(`Route 53 against moto${moto.path ? '' : ` (skipped: ${moto.reason})`}`, () => {
  let m: Moto;
  beforeAll(async () => {
    m = await Moto.start(moto.path!);
  });
  afterAll(async () => m?.close());
  beforeEach(async () => {
    await m.reset();
    m.resetCalls();
  });

  const make = (o: Partial<Route53Options> = {}) =>
    new Route53Provider({
      endpoint: m.url,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      intervalMs: 0,
      retry: noSleep,
      ...o,
    });

  async function zone(p: Route53Provider, name: string, priv = false): Promise<string> {
    const r = await p.client.send(
      new CreateHostedZoneCommand({
        Name: name,
        CallerReference: `${name}-${Math.random()}`,
        ...(priv
          ? {
              HostedZoneConfig: { PrivateZone: true, Comment: 'private' },
              VPC: { VPCId: 'vpc-12345678', VPCRegion: 'us-east-1' },
            }
          : {}),
      }),
    );
    return r.HostedZone!.Id!.replace('/hostedzone/', '');
  }
  const show = (eps: Endpoint[]) =>
    eps
      .map(
        (e) =>
          `${e.dnsName} ${e.recordType} ${[...e.targets].sort().join(',')}${e.ttl ? ` ${e.ttl}` : ''}${e.providerSpecific?.alias ? ' alias' : ''}`,
      )
      .sort();

  it('discovers zones with zone type, domain, zone id and zone name filters', async () => {
    const p = make();
    const pub = await zone(p, 'example.com');
    await zone(p, 'example.org');
    await zone(p, 'internal.example.com', true);
    const names = async (o: Partial<Route53Options>) =>
      (await make(o).zones()).map((z) => `${z.name}:${z.visibility}`).sort();
    expect(await names({})).toEqual([
      'example.com:public',
      'example.org:public',
      'internal.example.com:private',
    ]);
    expect(await names({ zoneType: 'private' })).toEqual(['internal.example.com:private']);
    expect(
      await names({
        zoneType: 'public',
        selection: { domainFilter: new DomainFilter({ filters: ['example.com'] }) },
      }),
    ).toEqual(['example.com:public']);
    expect(await names({ selection: { zoneIds: [pub] } })).toEqual(['example.com:public']);
    expect(await names({ selection: { zoneNames: ['example.org'] } })).toEqual(['example.org:public']);
  });

  it('creates, updates and deletes A, AAAA, CNAME and TXT record sets, TXT quoted and split, wildcards unescaped', async () => {
    const p = make();
    await zone(p, 'example.com');
    await zone(p, 'sub.example.com');
    const longTxt = `heritage=external-dns,external-dns/owner=default,${'x'.repeat(300)} "quoted"`;
    await p.applyChanges({
      ...emptyChanges(),
      create: [
        newEndpoint('a.example.com', 'A', ['192.0.2.1', '192.0.2.2'], 60),
        newEndpoint('a.example.com', 'AAAA', ['2001:db8::1']),
        newEndpoint('c.sub.example.com', 'CNAME', ['a.example.com']),
        newEndpoint('t.example.com', 'TXT', [longTxt]),
        newEndpoint('*.example.com', 'A', ['192.0.2.9']),
      ],
    });
    const recs = await p.records();
    expect(show(recs)).toEqual([
      '*.example.com A 192.0.2.9 300',
      'a.example.com A 192.0.2.1,192.0.2.2 60',
      'a.example.com AAAA 2001:db8::1 300',
      'c.sub.example.com CNAME a.example.com 300',
      `t.example.com TXT ${longTxt} 300`,
    ]);
    const a = recs.find((r) => r.dnsName === 'a.example.com' && r.recordType === 'A')!;
    const t = recs.find((r) => r.recordType === 'TXT')!;
    await p.applyChanges({
      ...emptyChanges(),
      updateOld: [a],
      updateNew: [newEndpoint('a.example.com', 'A', ['192.0.2.3'], 120)],
      delete: [t],
    });
    expect(show(await p.records())).toEqual([
      '*.example.com A 192.0.2.9 300',
      'a.example.com A 192.0.2.3 120',
      'a.example.com AAAA 2001:db8::1 300',
      'c.sub.example.com CNAME a.example.com 300',
    ]);
  });

  it('turns CNAMEs to load balancers into alias A records that plan back to no changes; --aws-prefer-cname keeps CNAMEs', async () => {
    const p = make();
    await zone(p, 'example.com');
    const desired = p.adjustEndpoints([
      newEndpoint('lb.example.com', 'CNAME', ['my-lb-1.us-east-1.elb.amazonaws.com'], 60),
    ]);
    expect(desired[0]).toMatchObject({
      recordType: 'A',
      providerSpecific: { alias: 'true', 'aws/evaluate-target-health': 'true' },
    });
    expect(desired[0].ttl).toBeUndefined();
    await p.applyChanges({ ...emptyChanges(), create: desired });
    const current = await p.records();
    expect(show(current)).toEqual(['lb.example.com A my-lb-1.us-east-1.elb.amazonaws.com alias']);
    current[0].labels.owner = 'me';
    expect(
      plan({ current, desired: desired.map((d) => ({ ...d, labels: { owner: 'me' } })), ownerId: 'me' })
        .changes,
    ).toEqual(emptyChanges());

    const cname = make({ preferCname: true }).adjustEndpoints([
      newEndpoint('lb.example.com', 'CNAME', ['my-lb-1.us-east-1.elb.amazonaws.com']),
    ]);
    expect(cname[0].recordType).toBe('CNAME');
    expect(cname[0].providerSpecific).toBeUndefined();
  });

  it('publishes routing policies with their ownership records (which Route 53 needs to carry them too) and plans back to no changes', async () => {
    const p = make();
    const zoneId = await zone(p, 'example.com');
    const registry = new TxtRegistry(p, { ownerId: 'me' });
    const routed = (name: string, id: string, ps: Record<string, string>, ip: string) => ({
      ...newEndpoint(name, 'A', [ip], 60, { resource: `service/default/${id}` }),
      setIdentifier: id,
      providerSpecific: ps,
    });
    const desired = p.adjustEndpoints([
      routed('w.example.com', 'w-eu', { 'aws/weight': '70', 'aws/health-check-id': 'hc-1' }, '192.0.2.1'),
      routed('w.example.com', 'w-us', { 'aws/weight': '30' }, '192.0.2.2'),
      routed('l.example.com', 'l-eu', { 'aws/region': 'eu-west-1' }, '192.0.2.3'),
      routed('f.example.com', 'f-a', { 'aws/failover': 'primary' }, '192.0.2.4'),
      routed('g.example.com', 'g-eu', { 'aws/geolocation-continent-code': 'eu' }, '192.0.2.5'),
      routed('g.example.com', 'g-any', { 'aws/geolocation-country-code': '*' }, '192.0.2.6'),
      // not Route 53's: dropped, so it cannot make a difference that never reads back
      {
        ...newEndpoint('c.example.com', 'A', ['192.0.2.7'], 60),
        providerSpecific: { 'external-dns.alpha.kubernetes.io/cloudflare-proxied': 'true' },
      },
    ]);
    expect(desired.find((e) => e.setIdentifier === 'f-a')?.providerSpecific).toEqual({
      'aws/failover': 'PRIMARY',
    });
    expect(desired.find((e) => e.dnsName === 'c.example.com')?.providerSpecific).toBeUndefined();
    const first = plan({ current: await registry.records(), desired, ownerId: 'me' });
    await registry.applyChanges(first.changes);

    const sets =
      (await p.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ??
      [];
    const eu = sets
      .filter((r) => r.SetIdentifier === 'w-eu')
      .map((r) => `${r.Type} ${r.Name} ${r.Weight} ${r.HealthCheckId ?? ''}`.trim());
    expect(eu.sort()).toEqual(['A w.example.com. 70 hc-1', 'TXT a-w.example.com. 70 hc-1']);
    expect(sets.find((r) => r.SetIdentifier === 'l-eu' && r.Type === 'A')?.Region).toBe('eu-west-1');
    expect(sets.find((r) => r.SetIdentifier === 'f-a' && r.Type === 'TXT')?.Failover).toBe('PRIMARY');
    expect(sets.find((r) => r.SetIdentifier === 'g-eu' && r.Type === 'A')?.GeoLocation).toEqual({
      ContinentCode: 'EU',
    });

    const current = await registry.records();
    expect(current.filter((e) => e.recordType === 'A' && e.labels.owner === 'me')).toHaveLength(7);
    expect(plan({ current, desired, ownerId: 'me' }).changes).toEqual(emptyChanges());
  });

  it("takes over and deletes a record external-dns left: both ownership formats, TXT TTLs not the record's", async () => {
    const p = make();
    const zoneId = await zone(p, 'example.com');
    const value = '"heritage=external-dns,external-dns/owner=me,external-dns/resource=service/default/old"';
    await p.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'old.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.60' }],
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'a-old.example.com',
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{ Value: value }],
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'old.example.com',
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{ Value: value }],
              },
            },
          ],
        },
      }),
    );
    const registry = new TxtRegistry(p, { ownerId: 'me' });
    const current = await registry.records();
    expect(current.find((e) => e.dnsName === 'old.example.com' && e.recordType === 'A')?.labels.owner).toBe(
      'me',
    );
    const r = plan({ current, desired: [], ownerId: 'me' });
    const applied = await registry.applyChanges(r.changes);
    expect(applied.delete.map((e) => `${e.dnsName} ${e.recordType} ${e.ttl}`).sort()).toEqual([
      'a-old.example.com TXT 300',
      'old.example.com A 60',
      'old.example.com TXT 300',
    ]);
    expect((await p.records()).filter((e) => e.dnsName.includes('old.example.com'))).toEqual([]);
  });

  it('owns an alias A record through an "a-" ownership record, as external-dns v0.22 writes it (#2903)', async () => {
    const p = make();
    await zone(p, 'example.com');
    const registry = new TxtRegistry(p, { ownerId: 'me' });
    const desired = p.adjustEndpoints([
      newEndpoint('lb.example.com', 'CNAME', ['my-lb-1.us-east-1.elb.amazonaws.com'], 60, {
        resource: 'ingress/default/lb',
      }),
    ]);
    await registry.applyChanges(plan({ current: await registry.records(), desired, ownerId: 'me' }).changes);
    const raw = await p.records();
    expect(raw.filter((e) => e.recordType === 'TXT').map((e) => e.dnsName)).toEqual(['a-lb.example.com']);
    const current = await registry.records();
    expect(current.find((e) => e.dnsName === 'lb.example.com')?.labels.owner).toBe('me');
    expect(plan({ current, desired, ownerId: 'me' }).changes).toEqual(emptyChanges());
  });

  it('takes over an alias external-dns owned through "cname-": writes "a-" once, then no changes; deleting removes both', async () => {
    const p = make();
    const zoneId = await zone(p, 'example.com');
    const value = '"heritage=external-dns,external-dns/owner=me,external-dns/resource=ingress/default/lb"';
    const lbZone = canonicalHostedZone('my-lb-1.us-east-1.elb.amazonaws.com')!;
    await p.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'lb.example.com',
                Type: 'A',
                AliasTarget: {
                  DNSName: 'my-lb-1.us-east-1.elb.amazonaws.com',
                  HostedZoneId: lbZone,
                  EvaluateTargetHealth: true,
                },
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'cname-lb.example.com',
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{ Value: value }],
              },
            },
          ],
        },
      }),
    );
    const registry = new TxtRegistry(p, { ownerId: 'me' });
    const desired = p.adjustEndpoints([
      newEndpoint('lb.example.com', 'CNAME', ['my-lb-1.us-east-1.elb.amazonaws.com'], undefined, {
        resource: 'ingress/default/lb',
      }),
    ]);
    const first = plan({ current: await registry.records(), desired, ownerId: 'me' });
    const applied = await registry.applyChanges(first.changes);
    expect(applied.create.map((e) => `${e.dnsName} ${e.recordType}`)).toEqual(['a-lb.example.com TXT']);
    const txtNames = (await p.records()).filter((e) => e.recordType === 'TXT').map((e) => e.dnsName);
    expect(txtNames.sort()).toEqual(['a-lb.example.com', 'cname-lb.example.com']);
    expect(plan({ current: await registry.records(), desired, ownerId: 'me' }).changes).toEqual(
      emptyChanges(),
    );

    await registry.applyChanges(
      plan({ current: await registry.records(), desired: [], ownerId: 'me' }).changes,
    );
    expect((await p.records()).filter((e) => e.dnsName.includes('lb.example.com'))).toEqual([]);
  });

  it('batches at --aws-batch-change-size, an UPSERT counting twice, and pages through record sets', async () => {
    const p = make({ batchChangeSize: 10, pageSize: 7 });
    await zone(p, 'example.com');
    const creates = Array.from({ length: 25 }, (_, i) =>
      newEndpoint(`r${i}.example.com`, 'A', [`192.0.2.${i}`]),
    );
    m.resetCalls();
    await p.applyChanges({ ...emptyChanges(), create: creates });
    expect(m.callCount('ChangeResourceRecordSets')).toBe(3);
    const recs = await p.records();
    expect(recs).toHaveLength(25);
    // 25 record sets + SOA + NS = 27 at 7 per page
    expect(m.callCount('ListResourceRecordSets')).toBe(4);
    m.resetCalls();
    const olds = recs.slice(0, 10);
    await p.applyChanges({
      ...emptyChanges(),
      updateOld: olds,
      updateNew: olds.map((o) => ({ ...o, ttl: 99 })),
    });
    expect(m.callCount('ChangeResourceRecordSets')).toBe(2);
  });

  it('backs off on Throttling and resumes at the batch where it stopped', async () => {
    const delays: number[] = [];
    const p = make({
      batchChangeSize: 5,
      cacheMs: 60_000,
      retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    });
    await zone(p, 'example.com');
    await p.zones();
    const creates = Array.from({ length: 10 }, (_, i) =>
      newEndpoint(`r${i}.example.com`, 'A', [`192.0.2.${i}`]),
    );
    m.resetCalls();
    // the first batch goes through, the second is throttled twice; re-sending the first would fail (duplicate CREATE)
    m.throttleNext(2, 1);
    await p.applyChanges({ ...emptyChanges(), create: creates });
    expect(m.callCount('ChangeResourceRecordSets')).toBe(4);
    expect(delays).toEqual([100, 200]);
    expect(await p.records()).toHaveLength(10);
  });

  it('reports InvalidChangeBatch (duplicate CREATE) as a non-retryable ProviderError and applies nothing of the batch', async () => {
    const p = make();
    await zone(p, 'example.com');
    await p.applyChanges({ ...emptyChanges(), create: [newEndpoint('a.example.com', 'A', ['192.0.2.1'])] });
    const err = await p
      .applyChanges({
        ...emptyChanges(),
        create: [
          newEndpoint('b.example.com', 'A', ['192.0.2.2']),
          newEndpoint('a.example.com', 'A', ['192.0.2.1']),
        ],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((await p.records()).map((r) => r.dnsName)).toEqual(['a.example.com']);
  });

  it('caches the zone list for --provider-cache-time', async () => {
    const p = make({ cacheMs: 60_000 });
    await zone(p, 'example.com');
    m.resetCalls();
    await p.records();
    await p.records();
    await p.applyChanges({ ...emptyChanges(), create: [newEndpoint('a.example.com', 'A', ['192.0.2.1'])] });
    expect(m.callCount('ListHostedZones')).toBe(1);
  });
});
