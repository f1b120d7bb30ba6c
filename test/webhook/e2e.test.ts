/**
 * End to end over real HTTPS, with certificates made by `zoneguard certs`: the AdmissionReview
 * fixtures (as kube-apiserver sends them) against the examples' zone, owner cluster-a.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnershipIndex } from '../../core/ownership.js';
import type { RuleId } from '../../core/rules/index.js';
import type { Webhook } from '../../webhook/run.js';
import { client, fixture, makeCerts, startTestWebhook, type CertDir } from './harness.js';

interface Case {
  fixture: string;
  allowed: boolean;
  /** Rule ids of the denial, in message order. */
  rules?: RuleId[];
  /** Substrings of status.message. */
  message?: string[];
  /** Substrings, one per expected warning. */
  warnings?: string[];
}

const CASES: Case[] = [
  { fixture: 'allowed-ingress.json', allowed: true },
  { fixture: 'allowed-service.json', allowed: true },
  { fixture: 'allowed-httproute.json', allowed: true, warnings: ['parent Gateway not found'] },
  { fixture: 'allowed-owned-by-us.json', allowed: true },
  { fixture: 'ignored-kind.json', allowed: true },
  { fixture: 'delete.json', allowed: true },
  {
    fixture: 'denied-domain-filter.json',
    allowed: false,
    rules: ['domain-filter'],
    message: [
      'Ingress default/outside denied by zoneguard',
      'app.example.org: domain-filter: not in [example.com]',
      'fix: use a hostname under [example.com]',
    ],
  },
  {
    fixture: 'denied-ownership.json',
    allowed: false,
    rules: ['ownership'],
    message: [
      'Ingress default/shop',
      'shop.example.com: ownership: A record owned by "cluster-b"',
      'fix: pick another hostname',
    ],
  },
  {
    fixture: 'denied-ownership-unowned.json',
    allowed: false,
    rules: ['ownership'],
    message: ['Service default/www', 'www.example.com: ownership: A record exists with no ownership record'],
  },
  {
    fixture: 'denied-hostname.json',
    allowed: false,
    rules: ['hostname', 'hostname'],
    message: [
      'DNSEndpoint default/bad-names',
      'my_app.example.com: hostname:',
      'foo.*.example.com: hostname:',
      'fix: use an RFC 1123 name',
    ],
  },
  {
    fixture: 'denied-target.json',
    allowed: false,
    rules: ['target'],
    message: ['ip.example.com: target: A record target "not-an-ip" is not an IPv4 address'],
  },
  {
    fixture: 'denied-ttl.json',
    allowed: false,
    rules: ['ttl'],
    message: ['ttl.example.com: ttl: ', 'recordTTL -5'],
  },
  {
    fixture: 'denied-record-type.json',
    allowed: false,
    rules: ['record-type'],
    message: ['mx.example.com: record-type: record type MX is not managed'],
  },
  {
    fixture: 'denied-public-private.json',
    allowed: false,
    rules: ['public-private'],
    message: ['internal-api.example.com: public-private: private address 10.1.2.3'],
  },
  {
    fixture: 'denied-object.json',
    allowed: false,
    rules: ['object'],
    message: ['DNSEndpoint default/broken', 'spec.endpoints must be a list'],
  },
  {
    fixture: 'denied-several.json',
    allowed: false,
    rules: ['domain-filter', 'ownership'],
    message: ['one.example.org: domain-filter', 'shop.example.com: ownership'],
  },
  {
    fixture: 'warning-no-address.json',
    allowed: true,
    warnings: ['pending.example.com: Service has no load-balancer address yet'],
  },
  {
    fixture: 'warning-low-ttl.json',
    allowed: true,
    warnings: ['fast.example.com: ttl: 10s is below the provider minimum of 60s'],
  },
  // UPDATE: only hostnames new compared with oldObject can be denied
  {
    fixture: 'update-unchanged-bad-name.json',
    allowed: true,
    warnings: [
      'shop.example.com: ownership: A record owned by "cluster-b" (ingress/shop/storefront), not "cluster-a" (not denied: the object already had this hostname',
    ],
  },
  {
    fixture: 'update-new-bad-name.json',
    allowed: false,
    rules: ['domain-filter'],
    message: ['new.example.org: domain-filter'],
    warnings: ['shop.example.com: ownership'],
  },
  { fixture: 'update-allowed.json', allowed: true },
  // dryRun: the same verdicts (the webhook has no side effects to skip)
  {
    fixture: 'dry-run-denied.json',
    allowed: false,
    rules: ['domain-filter'],
    message: ['app.example.org: domain-filter'],
  },
  { fixture: 'dry-run-allowed.json', allowed: true },
];

describe('webhook over HTTPS (zoneguard certs)', () => {
  let certs: CertDir;
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    certs = makeCerts();
    wh = await startTestWebhook(certs);
    await wh.refreshNow();
    c = client(wh.url, certs.ca);
  });
  afterAll(async () => {
    c.close();
    await wh.close();
  });

  it.each(CASES)('$fixture', async (tc) => {
    const review = fixture(tc.fixture);
    const r = await c.review(review);
    expect(r.status).toBe(200);
    expect(r.review.apiVersion).toBe('admission.k8s.io/v1');
    expect(r.review.kind).toBe('AdmissionReview');
    const res = r.review.response!;
    expect(res.uid).toBe(review.request.uid);
    expect(res.allowed, JSON.stringify(res)).toBe(tc.allowed);
    if (tc.allowed) expect(res.status).toBeUndefined();
    else {
      expect(res.status?.code).toBe(403);
      const msg = res.status?.message ?? '';
      for (const m of tc.message ?? []) expect(msg).toContain(m);
      // every violation in one message, in order, each with its fix
      const rules = [...msg.matchAll(/: ([a-z-]+): /g)].map((m) => m[1]);
      expect(rules).toEqual(tc.rules);
      expect(msg.match(/\(fix: /g)?.length).toBe(tc.rules?.length);
    }
    expect(res.warnings ?? []).toHaveLength(tc.warnings?.length ?? 0);
    for (const [i, w] of (tc.warnings ?? []).entries()) expect(res.warnings?.[i]).toContain(w);
  });

  it('answers every review of a burst with its own verdict (many read in one loop turn)', async () => {
    // 16 connections at once: the first review read in a turn is answered at once, the others in
    // the turn's check phase; each must still get its own uid and verdict, and be counted once
    const count = async () =>
      [...(await c.get('/metrics')).text.matchAll(/^zoneguard_admission_reviews_total\{[^}]*\} (\d+)$/gm)]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    const before = await count();
    const burst = Array.from({ length: 4 }, (_, round) =>
      CASES.map((tc, i) => {
        const review = fixture(tc.fixture);
        review.request.uid = `burst-${round}-${i}`;
        return { review, allowed: tc.allowed };
      }),
    ).flat();
    const replies = await Promise.all(burst.map((b) => c.review(b.review)));
    expect(replies.map((r) => [r.status, r.review.response?.uid, r.review.response?.allowed])).toEqual(
      burst.map((b) => [200, b.review.request.uid, b.allowed]),
    );
    expect((await count()) - before).toBe(burst.length);
  });

  it('answers health, readiness and metrics', async () => {
    expect((await c.get('/healthz')).status).toBe(200);
    expect((await c.get('/readyz')).body).toEqual({ status: 'ready' });
    const metrics = (await c.get('/metrics')).text;
    expect(metrics).toMatch(
      /zoneguard_admission_reviews_total\{kind="Ingress",operation="CREATE",verdict="denied"\} \d+/,
    );
    expect(metrics).toMatch(
      /zoneguard_admission_rule_findings_total\{kind="Ingress",operation="CREATE",rule="domain-filter",decision="denied"\} \d+/,
    );
    expect(metrics).toMatch(
      /zoneguard_admission_duration_seconds_bucket\{le="0.001",kind="Ingress",operation="CREATE"\} \d+/,
    );
    expect(metrics).toMatch(/zoneguard_ownership_cache_age_seconds \d/);
    expect(metrics).toMatch(/zoneguard_ownership_cache_names 6/);
    // process metrics for capacity planning, under prom-client's standard names (the names the usual
    // Node.js dashboards query): event-loop lag and GC pauses explain slow reviews
    expect(metrics).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total \d/m);
    expect(metrics).not.toMatch(/zoneguard_(process|nodejs)_/);
    expect(metrics).toMatch(
      /^zoneguard_build_info\{version="\d+\.\d+\.\d+[^"]*",node_version="v\d+\.\d+\.\d+"\} 1$/m,
    );
    // the ownership index was read through the provider: one timed call at least
    expect(metrics).toMatch(
      /^zoneguard_provider_request_duration_seconds_count\{provider="inmemory",operation="records",result="ok"\} [1-9]/m,
    );
  });

  it('refuses TLS below 1.2', async () => {
    const { connect } = await import('node:tls');
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = connect(
        {
          host: '127.0.0.1',
          port: wh.port,
          ca: certs.ca,
          servername: 'localhost',
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        },
        () => resolve(undefined),
      );
      s.on('error', resolve);
    });
    expect(err).toBeDefined();
  });

  describe('requests it cannot answer with a verdict: 4xx naming the problem', () => {
    const good = () => fixture('allowed-ingress.json');
    const CASES_4XX: { name: string; body: () => string; status: number; message: string }[] = [
      {
        name: 'not JSON',
        body: () => '{"kind": "AdmissionReview",',
        status: 400,
        message: 'body is not valid JSON',
      },
      {
        name: 'JSON but not an object',
        body: () => '[1,2]',
        status: 400,
        message: 'body is not a JSON object',
      },
      {
        name: 'v1beta1 review',
        body: () => JSON.stringify({ ...good(), apiVersion: 'admission.k8s.io/v1beta1' }),
        status: 400,
        message: 'apiVersion must be admission.k8s.io/v1, got "admission.k8s.io/v1beta1"',
      },
      {
        name: 'not a review',
        body: () => JSON.stringify({ ...good(), kind: 'ConfigMap' }),
        status: 400,
        message: 'kind must be AdmissionReview, got "ConfigMap"',
      },
      {
        name: 'no request',
        body: () => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
        status: 400,
        message: 'request is missing',
      },
      {
        name: 'no uid',
        body: () => JSON.stringify({ ...good(), request: { ...good().request, uid: undefined } }),
        status: 400,
        message: 'request.uid is missing',
      },
      {
        name: 'unknown operation',
        body: () => JSON.stringify({ ...good(), request: { ...good().request, operation: 'PATCH' } }),
        status: 400,
        message: 'request.operation must be one of CREATE, UPDATE, DELETE, CONNECT',
      },
    ];
    it.each(CASES_4XX)('$name', async (tc) => {
      const r = await c.post('/validate', tc.body());
      expect(r.status).toBe(tc.status);
      expect(r.body).toMatchObject({ kind: 'Status', code: tc.status });
      expect((r.body as { message: string }).message).toContain(tc.message);
    });

    it('denies (naming the problem) a review whose object is not an object', async () => {
      const review = fixture('allowed-ingress.json');
      (review.request as Record<string, unknown>).object = 'app.example.com';
      const r = await c.review(review);
      expect(r.review.response).toMatchObject({
        uid: review.request.uid,
        allowed: false,
        status: { code: 403 },
      });
      expect(r.review.response?.status?.message).toContain('request.object is a string, not an object');
    });

    it('answers 404/405 for other paths and methods', async () => {
      expect((await c.get('/validate')).status).toBe(405);
      expect((await c.get('/nope')).status).toBe(404);
    });
  });

  it('answers 413 to a body over --max-request-bytes, declared or streamed', async () => {
    const small = await startTestWebhook(certs, { 'max-request-bytes': '2048' });
    const sc = client(small.url, certs.ca);
    try {
      const big = JSON.stringify({ ...fixture('allowed-ingress.json'), padding: 'x'.repeat(4096) });
      const declared = await sc.post('/validate', big);
      expect(declared.status).toBe(413);
      expect((declared.body as { message: string }).message).toContain('over --max-request-bytes 2048');
      const chunked = await sc.post('/validate', big, { 'transfer-encoding': 'chunked' });
      expect(chunked.status).toBe(413);
      // the server still answers afterwards
      expect((await sc.review(fixture('allowed-ingress.json'))).review.response?.allowed).toBe(true);
    } finally {
      sc.close();
      await small.close();
    }
  });
});

describe('ownership index', () => {
  let certs: CertDir;
  beforeAll(() => {
    certs = makeCerts();
  });

  it('is not ready until the ownership index has loaded, then is', async () => {
    let release!: (i: OwnershipIndex) => void;
    const wh = await startTestWebhook(certs, {}, { loadOwnership: () => new Promise((r) => (release = r)) });
    const c = client(wh.url, certs.ca);
    try {
      const before = await c.get('/readyz');
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ reasons: ['ownership index not loaded yet'] });
      release(OwnershipIndex.empty());
      await wh.ownership!.whenLoaded();
      expect((await c.get('/readyz')).status).toBe(200);
    } finally {
      c.close();
      await wh.close();
    }
  });

  it('re-reads ownership on refreshNow (as after a reconciler write)', async () => {
    let loads = 0;
    let written = false;
    const owned = new OwnershipIndex({
      records: [
        {
          dnsName: 'late.example.com',
          recordType: 'A',
          targets: ['192.0.2.1'],
          labels: { owner: 'cluster-z' },
        } as never,
      ],
      claims: [],
    });
    const wh = await startTestWebhook(
      certs,
      {},
      { loadOwnership: async () => (loads++, written ? owned : OwnershipIndex.empty()) },
    );
    const c = client(wh.url, certs.ca);
    try {
      await wh.ownership!.whenLoaded();
      const review = fixture('allowed-ingress.json');
      const obj = review.request.object as { spec: { rules: { host: string }[] } };
      obj.spec.rules[0].host = 'late.example.com';
      const n = loads;
      expect((await c.review(review)).review.response?.allowed).toBe(true);
      written = true;
      await wh.refreshNow();
      expect(loads).toBe(n + 1);
      const r = await c.review(review);
      expect(r.review.response?.allowed).toBe(false);
      expect(r.review.response?.status?.message).toContain('owned by "cluster-z"');
    } finally {
      c.close();
      await wh.close();
    }
  });

  it('without --provider skips the ownership rule and is ready at once', async () => {
    const wh = await startTestWebhook(certs, { provider: undefined, 'inmemory-zone-file': undefined });
    const c = client(wh.url, certs.ca);
    try {
      expect((await c.get('/readyz')).status).toBe(200);
      const r = await c.review(fixture('denied-ownership.json'));
      expect(r.review.response).toMatchObject({ allowed: true });
      expect(r.review.response?.warnings).toBeUndefined();
    } finally {
      c.close();
      await wh.close();
    }
  });
});
