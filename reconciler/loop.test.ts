/** The control loop against the inmemory provider: publish, steady state, rules, flows, failures. */
import { describe, expect, it } from 'vitest';
import { DomainFilter } from '../core/domain-filter.js';
import { silentLogger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import { InMemoryProvider } from '../core/providers/inmemory/index.js';
import { TxtRegistry } from '../core/registry/txt-registry.js';
import { Reconciler, type ReconcilerOptions, type SyncResult } from './loop.js';
import { createReconcilerMetrics } from './metrics.js';
import { Feedback } from '../kube/events.js';
import { RecordingSink, StaticSource, SwitchableProvider } from './testing.js';
import { OneRunRelease } from '../core/deletion-guard.js';
import { captureLogs } from '../test/logs.js';

const ingress = (
  name: string,
  host: string,
  ip: string,
  extra: { created?: string; annotations?: Record<string, string> } = {},
): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    generation: 1,
    ...(extra.created ? { creationTimestamp: extra.created } : {}),
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  },
  spec: { rules: [{ host }] },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

const dnsEndpoint = (
  name: string,
  host: string,
  ip: string,
  generation = 1,
  status?: unknown,
): KubeObject => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, generation },
  spec: { endpoints: [{ dnsName: host, recordType: 'A', targets: [ip] }] },
  ...(status ? { status } : {}),
});

function setup(
  objects: KubeObject[],
  opts: {
    zoneFile?: string;
    owner?: string;
    publicZone?: boolean;
    policy?: ReconcilerOptions['policy'];
  } = {},
) {
  const inmem = new InMemoryProvider({ zones: ['example.com'] });
  if (opts.zoneFile) inmem.loadZoneFile('example.com', opts.zoneFile);
  const provider = new SwitchableProvider(inmem);
  const owner = opts.owner ?? 'cluster-a';
  const registry = new TxtRegistry(provider, { ownerId: owner });
  const source = new StaticSource(objects);
  const sink = new RecordingSink();
  const metrics = createReconcilerMetrics();
  const domainFilter = new DomainFilter({ filters: ['example.com'] });
  const reconciler = new Reconciler({
    registry,
    sources: [source],
    ruleCtx: {
      ownerId: owner,
      domainFilter,
      managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      ...(opts.publicZone ? { publicZones: new DomainFilter({ filters: ['example.com'] }) } : {}),
    },
    extractCtx: { ingressClasses: [], defaultTargets: [] },
    policy: opts.policy ?? 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    domainFilter,
    logger: silentLogger(),
    metrics,
    feedback: new Feedback(sink, silentLogger()),
    minEventSyncIntervalMs: 0,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
  });
  const records = async () =>
    (await inmem.records()).map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`).sort();
  return { inmem, provider, registry, source, sink, metrics, reconciler, records };
}

const TXT = (name: string, owner: string, resource: string) =>
  `a-${name} TXT heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}`;

describe('reconciler loop', () => {
  it('publishes records with TXT ownership, then makes no write in steady state', async () => {
    const t = setup([ingress('app', 'app.example.com', '203.0.113.7')]);
    const first = await t.reconciler.sync();
    expect(first.ok).toBe(true);
    expect(await t.records()).toEqual(
      ['app.example.com A 203.0.113.7', TXT('app.example.com', 'cluster-a', 'ingress/default/app')].sort(),
    );
    expect(t.inmem.writes).toBe(1);
    for (let i = 0; i < 3; i++) {
      const r = await t.reconciler.sync();
      expect(r.ok).toBe(true);
      expect(r.applied.create.length + r.applied.updateNew.length + r.applied.delete.length).toBe(0);
    }
    expect(t.inmem.writes).toBe(1);
    expect(t.provider.calls.apply).toBe(1);
    expect(t.sink.events).toEqual([
      {
        object: 'Ingress default/app',
        type: 'Normal',
        reason: 'DNSRecordPublished',
        message: 'published app.example.com A 203.0.113.7',
      },
    ]);
    const text = await t.metrics.registry.metrics();
    expect(text).toMatch(/zoneguard_changes_applied_total\{change="create",record_type="A"\} 1/);
    expect(text).toMatch(/zoneguard_changes_applied_total\{change="create",record_type="TXT"\} 1/);
    expect(text).toMatch(/zoneguard_records_managed\{record_type="A"\} 1/);
  });

  it('follows updates and deletes, TXT records with them', async () => {
    const t = setup([
      ingress('app', 'app.example.com', '203.0.113.7'),
      ingress('old', 'old.example.com', '203.0.113.8'),
    ]);
    await t.reconciler.sync();
    t.source.set([ingress('app', 'app.example.com', '203.0.113.9')]);
    const r = await t.reconciler.sync();
    expect(r.ok).toBe(true);
    expect(await t.records()).toEqual(
      ['app.example.com A 203.0.113.9', TXT('app.example.com', 'cluster-a', 'ingress/default/app')].sort(),
    );
    expect(t.sink.events.map((e) => e.message)).toContain(
      'updated app.example.com A 203.0.113.9 (was 203.0.113.7)',
    );
  });

  const rejections: {
    name: string;
    objects: KubeObject[];
    zoneFile?: string;
    publicZone?: boolean;
    rule: string;
    published: string[];
    rejected?: number;
  }[] = [
    {
      name: 'outside the domain filter',
      objects: [ingress('x', 'app.example.org', '203.0.113.7')],
      rule: 'domain-filter',
      published: [],
    },
    {
      name: 'private address in a public zone',
      objects: [ingress('x', 'app.example.com', '10.0.0.1')],
      publicZone: true,
      rule: 'public-private',
      published: [],
    },
    {
      name: 'name owned by another owner',
      objects: [ingress('x', 'shop.example.com', '203.0.113.7')],
      zoneFile:
        'shop 300 IN A 198.51.100.20\na-shop 300 IN TXT "heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/shop/storefront"\n',
      rule: 'ownership',
      published: [
        'a-shop.example.com TXT heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/shop/storefront',
        'shop.example.com A 198.51.100.20',
      ],
    },
    {
      name: 'unowned record',
      objects: [ingress('x', 'www.example.com', '203.0.113.7')],
      zoneFile: 'www 300 IN A 192.0.2.80\n',
      rule: 'ownership',
      published: ['www.example.com A 192.0.2.80'],
    },
    {
      name: 'duplicate: the younger object loses',
      objects: [
        ingress('young', 'dup.example.com', '203.0.113.2', { created: '2026-01-02T00:00:00Z' }),
        ingress('old', 'dup.example.com', '203.0.113.1', { created: '2026-01-01T00:00:00Z' }),
      ],
      rule: 'duplicate',
      published: [
        'dup.example.com A 203.0.113.1',
        TXT('dup.example.com', 'cluster-a', 'ingress/default/old'),
      ],
    },
    {
      name: 'duplicate with no known order (manifests): both lose, as validate says',
      objects: [
        ingress('one', 'dup.example.com', '203.0.113.1'),
        ingress('two', 'dup.example.com', '203.0.113.2'),
      ],
      rule: 'duplicate',
      published: [],
      rejected: 2,
    },
  ];
  for (const c of rejections) {
    it(`skips an object the webhook would deny: ${c.name}`, async () => {
      const t = setup(c.objects, { zoneFile: c.zoneFile, publicZone: c.publicZone });
      const r = await t.reconciler.sync();
      expect(r.ok).toBe(true);
      expect(await t.records()).toEqual(c.published.sort());
      const rejected = r.desired!.outcomes.filter((o) => o.outcome === 'rejected');
      expect(rejected).toHaveLength(c.rejected ?? 1);
      expect(rejected[0].verdict.violations.map((v) => v.rule)).toContain(c.rule);
      const warnings = t.sink.events.filter((e) => e.type === 'Warning');
      expect(warnings).toHaveLength(c.rejected ?? 1);
      expect(warnings[0]).toMatchObject({ reason: 'DNSRecordRejected' });
      expect(warnings[0].message).toContain(`: ${c.rule}: `);
      // the same rejection is not reported again on the next sync
      await t.reconciler.sync();
      expect(t.sink.events.filter((e) => e.type === 'Warning')).toHaveLength(c.rejected ?? 1);
      expect(await t.metrics.registry.metrics()).toMatch(
        new RegExp(`zoneguard_objects_rejected\\{rule="${c.rule}"\\} ${c.rejected ?? 1}`),
      );
    });
  }

  it('keeps the incumbent of a name when a newer object claims it, and its records when it is denied', async () => {
    const t = setup([
      ingress('first', 'app.example.com', '203.0.113.1', { created: '2026-01-02T00:00:00Z' }),
    ]);
    await t.reconciler.sync();
    // an older object (created earlier) appears claiming the same name: the publisher keeps it
    t.source.set([
      ingress('first', 'app.example.com', '203.0.113.1', { created: '2026-01-02T00:00:00Z' }),
      ingress('second', 'app.example.com', '203.0.113.2', { created: '2026-01-01T00:00:00Z' }),
    ]);
    await t.reconciler.sync();
    expect(await t.records()).toEqual(
      ['app.example.com A 203.0.113.1', TXT('app.example.com', 'cluster-a', 'ingress/default/first')].sort(),
    );
    // the publisher changes to add a name outside the domain filter: denied as a whole, old records stay
    const changed = ingress('first', 'app.example.com', '203.0.113.1', { created: '2026-01-02T00:00:00Z' });
    (changed.spec as { rules: { host: string }[] }).rules.push({ host: 'evil.example.org' });
    t.source.set([changed]);
    const r = await t.reconciler.sync();
    expect(r.desired!.outcomes[0].outcome).toBe('rejected');
    expect(await t.records()).toEqual(
      ['app.example.com A 203.0.113.1', TXT('app.example.com', 'cluster-a', 'ingress/default/first')].sort(),
    );
  });

  it('writes DNSEndpoint status: observedGeneration and Ready, only when it changes', async () => {
    const t = setup([dnsEndpoint('static', 'static.example.com', '203.0.113.10')]);
    await t.reconciler.sync();
    expect(t.sink.statuses).toHaveLength(1);
    expect(t.sink.statuses[0].status).toMatchObject({
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Published', observedGeneration: 1 }],
    });
    await t.reconciler.sync();
    expect(t.sink.statuses).toHaveLength(1);
    // the object as the API server now has it (status written): still nothing to write
    t.source.set([dnsEndpoint('static', 'static.example.com', '203.0.113.10', 1, t.sink.statuses[0].status)]);
    await t.reconciler.sync();
    expect(t.sink.statuses).toHaveLength(1);
    t.source.set([dnsEndpoint('static', 'static.example.org', '203.0.113.10', 2, t.sink.statuses[0].status)]);
    await t.reconciler.sync();
    expect(t.sink.statuses).toHaveLength(2);
    expect(t.sink.statuses[1].status).toMatchObject({
      observedGeneration: 2,
      conditions: [{ type: 'Ready', status: 'False', reason: 'Rejected' }],
    });
  });

  it('a rejected DNSEndpoint\'s status lists ten violations, then "and K more"', async () => {
    const many = dnsEndpoint('many', 'app-0.example.org', '203.0.113.10');
    (many.spec as { endpoints: unknown[] }).endpoints = Array.from({ length: 50 }, (_, i) => ({
      dnsName: `app-${i}.example.org`,
      recordType: 'A',
      targets: ['203.0.113.10'],
    }));
    const t = setup([many]);
    await t.reconciler.sync();
    const status = t.sink.statuses[0].status as { conditions: { reason: string; message: string }[] };
    const message = status.conditions[0].message;
    expect(status.conditions[0].reason).toBe('Rejected');
    expect(message).toMatch(/^app-0\.example\.org: domain-filter: not in \[example\.com\]/);
    expect(message).toContain('app-9.example.org');
    expect(message).not.toContain('app-10.example.org');
    expect(message.endsWith('; and 40 more')).toBe(true);
  });

  it('never deletes under upsert-only and create-only', async () => {
    for (const policy of ['upsert-only', 'create-only'] as const) {
      const t = setup([ingress('app', 'app.example.com', '203.0.113.7')], { policy });
      await t.reconciler.sync();
      t.source.set([]);
      await t.reconciler.sync();
      expect(await t.records()).toEqual(
        ['app.example.com A 203.0.113.7', TXT('app.example.com', 'cluster-a', 'ingress/default/app')].sort(),
      );
    }
  });

  it('does not write in dry-run and reports the plan', async () => {
    const t = setup([ingress('app', 'app.example.com', '203.0.113.7')]);
    const plans: number[] = [];
    const r = new Reconciler({
      ...(t.reconciler as unknown as { o: ReconcilerOptions }).o,
      dryRun: true,
      onPlan: (p) => plans.push(p.changes.create.length),
    });
    const res = await r.sync();
    expect(res.ok).toBe(true);
    expect(plans).toEqual([1]);
    expect(t.inmem.writes).toBe(0);
    expect(t.sink.events).toEqual([]);
  });

  it('survives provider failures: logs a metric per failure, backs off, recovers', async () => {
    const t = setup([ingress('app', 'app.example.com', '203.0.113.7')]);
    t.provider.down = true;
    const results: SyncResult[] = [];
    let resolveRecovered: () => void;
    const recovered = new Promise<void>((r) => (resolveRecovered = r));
    t.reconciler.onSync((r) => {
      results.push(r);
      if (results.length === 3) t.provider.down = false;
      if (r.ok) resolveRecovered();
    });
    t.reconciler.start();
    await recovered;
    await t.reconciler.stop();
    expect(results.slice(0, 3).map((r) => r.ok)).toEqual([false, false, false]);
    expect(results[3].ok).toBe(true);
    expect(await t.records()).toEqual(
      ['app.example.com A 203.0.113.7', TXT('app.example.com', 'cluster-a', 'ingress/default/app')].sort(),
    );
    expect(await t.metrics.registry.metrics()).toMatch(
      /zoneguard_provider_errors_total\{provider="inmemory",kind="records"\} 3/,
    );
  });

  it('syncs when a source changes (debounced), and not after stop', async () => {
    const t = setup([]);
    const synced: SyncResult[] = [];
    const waiters: (() => void)[] = [];
    t.reconciler.onSync((r) => {
      synced.push(r);
      waiters.splice(0).forEach((w) => w());
    });
    const nextSync = () => new Promise<void>((r) => waiters.push(r));
    let s = nextSync();
    t.reconciler.start();
    await s;
    s = nextSync();
    t.source.set([ingress('app', 'app.example.com', '203.0.113.7')]);
    await s;
    expect(await t.records()).toContain('app.example.com A 203.0.113.7');
    await t.reconciler.stop();
    const n = synced.length;
    t.source.set([]);
    expect(synced.length).toBe(n);
  });

  it('resyncs every interval; with events off a change waits for the next resync', async () => {
    const t = setup([]);
    const r = new Reconciler({
      ...(t.reconciler as unknown as { o: ReconcilerOptions }).o,
      intervalMs: 30,
      events: false,
    });
    const stamps: number[] = [];
    let done!: () => void;
    const three = new Promise<void>((res) => (done = res));
    r.onSync(() => {
      stamps.push(Date.now());
      if (stamps.length === 1) t.source.set([ingress('app', 'app.example.com', '203.0.113.7')]);
      if (stamps.length === 3) done();
    });
    r.start();
    await three;
    await r.stop();
    expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(25);
    expect(await t.records()).toContain('app.example.com A 203.0.113.7');
  });

  it('a sync called while the loop runs does not stall the schedule', async () => {
    const t = setup([]);
    const r = new Reconciler({ ...(t.reconciler as unknown as { o: ReconcilerOptions }).o, intervalMs: 20 });
    let n = 0;
    let done!: () => void;
    const enough = new Promise<void>((res) => (done = res));
    r.onSync(() => ++n >= 6 && done());
    r.start();
    for (let i = 0; i < 3; i++) await r.sync();
    await enough;
    await r.stop();
    expect(n).toBeGreaterThanOrEqual(6);
  });
});

describe('deletion guard in the loop', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ingress(`app${i}`, `app${i}.example.com`, '203.0.113.7'));

  it('holds the deletes of a storm, keeps creating, reports the hold; --release-deletions releases the first hold only', async () => {
    const t = setup(many(12));
    await t.reconciler.sync();
    const guarded = (release?: ReconcilerOptions['release']) =>
      new Reconciler({
        ...(t.reconciler as unknown as { o: ReconcilerOptions }).o,
        guard: { maxDeletions: 100, maxDeletionRatio: 0.5 },
        release,
      });
    const before = await t.records();
    // the source loses every object but one, and gains a new one
    t.source.set([...many(1), ingress('new', 'new.example.com', '203.0.113.8')]);
    const r = guarded();
    r.start();
    await r.stop();
    const held = await r.sync();
    expect(held.plan?.hold).toMatchObject({ count: 11, owned: 12, released: false });
    expect(held.applied.delete).toEqual([]);
    expect(await t.records()).toEqual(
      [
        ...before,
        'new.example.com A 203.0.113.8',
        TXT('new.example.com', 'cluster-a', 'ingress/default/new'),
      ].sort(),
    );
    expect(await t.metrics.registry.getSingleMetricAsString('zoneguard_deletions_held')).toMatch(/ 11$/m);
    expect(r.heldDeletions?.count).toBe(11);

    const released = guarded(new OneRunRelease());
    const first = await released.sync();
    expect(first.plan?.hold?.released).toBe(true);
    expect(first.applied.delete.filter((ep) => ep.recordType === 'A')).toHaveLength(11);
    expect(await released.sync().then((s) => s.plan?.hold)).toBeUndefined();
    // a second storm in the same run is held again: the flag released one hold
    t.source.set(many(12).slice(1));
    await t.reconciler.sync();
    t.source.set([]);
    const again = await released.sync();
    expect(again.plan?.hold).toMatchObject({ count: 11, released: false });
    expect(again.applied.delete).toEqual([]);
  });

  it('/readyz: not ready before the first sync and while deletes are held, ready on a standby replica', async () => {
    const t = setup(many(12));
    await t.reconciler.sync();
    const r = new Reconciler({
      ...(t.reconciler as unknown as { o: ReconcilerOptions }).o,
      guard: { maxDeletions: 5, maxDeletionRatio: 0 },
      intervalMs: 60_000,
    });
    expect(r.readiness()).toEqual({ ready: true, message: 'standby: not leading' });
    const synced = new Promise<void>((res) => r.onSync(() => res()));
    r.start();
    await synced;
    await new Promise((res) => setImmediate(res)); // the listener runs before the sync is done
    expect(r.readiness()).toEqual({ ready: true, message: 'ok' });
    t.source.set([]);
    await r.sync();
    expect(r.readiness()).toMatchObject({ ready: false });
    expect(r.readiness().message).toMatch(
      /^deletion guard: held back 12 deletion\(s\): 12 deletions is more than --max-deletions=5;/,
    );
    await r.stop();
  });
});

describe('fail safe in the loop', () => {
  it('a published object turned invalid keeps its record; the log names the rule and what is kept', async () => {
    const t = setup([
      ingress('mig', 'mig.example.com', '203.0.113.50'),
      ingress('moved', 'moved.example.com', '203.0.113.51'),
    ]);
    await t.reconciler.sync();
    const before = await t.records();
    const { logger, logs } = captureLogs('debug');
    const r = new Reconciler({ ...(t.reconciler as unknown as { o: ReconcilerOptions }).o, logger });
    t.source.set([
      ingress('mig', 'mig.example.com', '203.0.113.50', {
        annotations: { 'external-dns.kubernetes.io/ttl': 'forever' },
      }),
      ingress('moved', 'moved.example.org', '203.0.113.51'),
    ]);
    const s = await r.sync();
    expect(s.ok).toBe(true);
    expect(s.applied).toEqual({ create: [], updateOld: [], updateNew: [], delete: [] });
    expect(await t.records()).toEqual(before);
    expect(logs.find((l) => l.msg === 'object warning')).toMatchObject({
      object: 'Ingress default/mig',
      warning: expect.stringMatching(/^mig\.example\.com: ttl: TTL annotation "forever" .*\(not denied: /),
    });
    expect(logs.find((l) => l.msg === 'object skipped')).toMatchObject({
      object: 'Ingress default/moved',
      rule: 'domain-filter',
      hostname: 'moved.example.org',
      kept: ['moved.example.com A 203.0.113.51'],
    });
  });
});
