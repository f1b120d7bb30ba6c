/**
 * Fuzz: mutated and random AdmissionReviews against the real HTTPS server. Every reply is a valid
 * AdmissionReview (uid echoed, allowed, a 403 status with a message on denial) or a 4xx Status —
 * never a 5xx, a dropped connection or a hang. FUZZ_RUNS sets the number (CI: 10,000; `npm run
 * fuzz`: 100,000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Webhook } from '../../webhook/run.js';
import { client, fixture, fixtureNames, makeCerts, startTestWebhook } from '../webhook/harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (list of keys) inside a JSON value. */
function paths(
  v: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (at.length > 40) return out; // deep nests made by 'nest' are mutated at their top only
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

type Mutation =
  | { pick: number; action: 'replace'; value: Json }
  | { pick: number; action: 'delete' }
  | { pick: number; action: 'stringify' }
  | { pick: number; action: 'nest'; depth: number };

function mutate(doc: Json, muts: Mutation[]): Json {
  let root = structuredClone(doc);
  for (const m of muts) {
    const all = paths(root);
    const path = all[m.pick % all.length];
    const replace = (f: (old: Json) => Json | undefined) => {
      if (path.length === 0) {
        const r = f(root);
        root = r === undefined ? null : r;
        return;
      }
      let parent: Json = root;
      for (const k of path.slice(0, -1)) parent = (parent as Record<string, Json>)[k as string];
      const key = path[path.length - 1];
      const next = f((parent as Record<string, Json>)[key as string]);
      if (next === undefined) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as Record<string, Json>)[key as string];
      } else (parent as Record<string, Json>)[key as string] = next;
    };
    if (m.action === 'replace') replace(() => m.value);
    else if (m.action === 'delete') replace(() => undefined);
    else if (m.action === 'stringify') replace((old) => JSON.stringify(old ?? null));
    else
      replace((old) => {
        let v: Json = old ?? null;
        for (let i = 0; i < m.depth; i++) v = i % 2 ? [v] : { v };
        return v;
      });
  }
  return root;
}

const FIXTURES = fixtureNames().map((f) => fixture(f) as unknown as Json);

const hostname = fc.oneof(
  fc.domain(),
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '*.example.com',
    'a..example.com',
    '-a.example.com',
    'x'.repeat(70) + '.example.com',
    'example.com.',
    'ünï.example.com',
    '',
    '.',
    '*',
  ),
  fc.domain().map((d) => `${d}.example.com`),
);
const target = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.domain(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '999.1.1.1'),
);
const annotations = fc.dictionary(
  fc.constantFrom(
    'external-dns.kubernetes.io/hostname',
    'external-dns.kubernetes.io/ttl',
    'external-dns.kubernetes.io/target',
    'external-dns.kubernetes.io/controller',
    'external-dns.kubernetes.io/internal-hostname',
    'external-dns.kubernetes.io/set-identifier',
    'external-dns.kubernetes.io/endpoints-type',
    'external-dns.kubernetes.io/access',
    'external-dns.kubernetes.io/gateway-hostname-source',
    'external-dns.alpha.kubernetes.io/hostname',
    'external-dns.alpha.kubernetes.io/ttl',
    'external-dns.alpha.kubernetes.io/target',
    'external-dns.alpha.kubernetes.io/controller',
    'external-dns.alpha.kubernetes.io/aws-weight',
    'kubernetes.io/ingress.class',
  ),
  fc.oneof(
    hostname,
    fc.array(hostname, { maxLength: 4 }).map((a) => a.join(',')),
    fc.integer().map(String),
    fc.string({ maxLength: 20 }),
  ),
);
const lbStatus = fc.oneof(
  fc.constant({}),
  fc.record({
    loadBalancer: fc.record({
      ingress: fc.array(fc.oneof(fc.record({ ip: target }), fc.record({ hostname }), fc.jsonValue()), {
        maxLength: 3,
      }),
    }),
  }),
);
const meta = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 30 }), fc.domain()),
    namespace: fc.oneof(fc.constant('default'), fc.string({ maxLength: 20 })),
    annotations,
  },
  { requiredKeys: ['name'] },
);

const object = fc.oneof(
  fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Service'),
    metadata: meta,
    spec: fc.record(
      {
        type: fc.constantFrom('LoadBalancer', 'ClusterIP', 'NodePort', 'ExternalName', 'Nope'),
        clusterIP: fc.oneof(target, fc.constant('None')),
        externalName: hostname,
      },
      { requiredKeys: [] },
    ),
    status: lbStatus,
  }),
  fc.record({
    apiVersion: fc.constant('networking.k8s.io/v1'),
    kind: fc.constant('Ingress'),
    metadata: meta,
    spec: fc.record(
      {
        ingressClassName: fc.string({ maxLength: 10 }),
        rules: fc.array(fc.record({ host: hostname }, { requiredKeys: [] }), { maxLength: 4 }),
        tls: fc.array(fc.record({ hosts: fc.array(hostname, { maxLength: 3 }) }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    status: lbStatus,
  }),
  fc.record({
    apiVersion: fc.constant('externaldns.k8s.io/v1alpha1'),
    kind: fc.constant('DNSEndpoint'),
    metadata: meta,
    spec: fc.record(
      {
        endpoints: fc.array(
          fc.record(
            {
              dnsName: hostname,
              recordType: fc.constantFrom('A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'NS', 'a', ''),
              targets: fc.array(target, { maxLength: 3 }),
              recordTTL: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
              setIdentifier: fc.string({ maxLength: 5 }),
              labels: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
              providerSpecific: fc.array(
                fc.record({ name: fc.string({ maxLength: 8 }), value: fc.string({ maxLength: 8 }) }),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    apiVersion: fc.constant('gateway.networking.k8s.io/v1'),
    kind: fc.constant('HTTPRoute'),
    metadata: meta,
    spec: fc.record(
      {
        hostnames: fc.array(hostname, { maxLength: 4 }),
        parentRefs: fc.array(
          fc.record(
            {
              name: fc.string({ maxLength: 10 }),
              namespace: fc.string({ maxLength: 10 }),
              sectionName: fc.string({ maxLength: 5 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.jsonValue({ maxDepth: 4 }),
);

const review = fc.record({
  apiVersion: fc.constant('admission.k8s.io/v1'),
  kind: fc.constant('AdmissionReview'),
  request: fc.record(
    {
      uid: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 })),
      kind: fc.record({
        group: fc.constantFrom(
          '',
          'networking.k8s.io',
          'externaldns.k8s.io',
          'gateway.networking.k8s.io',
          'apps',
        ),
        version: fc.constantFrom('v1', 'v1alpha1', 'v1beta1'),
        kind: fc.constantFrom('Service', 'Ingress', 'DNSEndpoint', 'HTTPRoute', 'Deployment'),
      }),
      operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'),
      namespace: fc.string({ maxLength: 12 }),
      name: fc.string({ maxLength: 12 }),
      object,
      oldObject: object,
      dryRun: fc.boolean(),
      subResource: fc.constantFrom('status', 'scale'),
    },
    { requiredKeys: ['uid', 'kind', 'operation'] },
  ),
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    pick: fc.nat(),
    action: fc.constant('replace' as const),
    value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  }),
  fc.record({ pick: fc.nat(), action: fc.constant('delete' as const) }),
  fc.record({ pick: fc.nat(), action: fc.constant('stringify' as const) }),
  fc.record({
    pick: fc.nat(),
    action: fc.constant('nest' as const),
    depth: fc.integer({ min: 1, max: 500 }),
  }),
);

/** A body: mostly reviews (mutated fixtures, random), some raw junk. */
const body: fc.Arbitrary<string | Buffer> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ f: fc.nat(FIXTURES.length - 1), muts: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
      .map(({ f, muts }) => JSON.stringify(mutate(FIXTURES[f], muts))),
  },
  { weight: 4, arbitrary: review.map((r) => JSON.stringify(r)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.constantFrom(
        '',
        '{',
        'null',
        '[]',
        '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Ingress"},"operation":"CREATE","object":' +
          '['.repeat(100_000) +
          '}}',
      ),
    ),
  },
);

function uidOf(text: string | Buffer): unknown {
  try {
    return (JSON.parse(text.toString()) as { request?: { uid?: unknown } }).request?.uid;
  } catch {
    return undefined;
  }
}

describe('fuzz: AdmissionReviews over HTTPS', () => {
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  let certs: ReturnType<typeof makeCerts>;
  beforeAll(async () => {
    certs = makeCerts();
    wh = await startTestWebhook(certs, { 'max-request-bytes': String(256 * 1024) });
    await wh.ownership!.whenLoaded();
    c = client(wh.url, certs.ca);
  });
  afterAll(async () => {
    c.close();
    await wh.close();
  });

  it(
    `answers ${RUNS} mutated and random reviews with a review or a 4xx`,
    async () => {
      let reviews = 0;
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const r = await c.post('/validate', b);
          if (r.status !== 200) {
            expect(r.status, r.text).toBeGreaterThanOrEqual(400);
            expect(r.status, r.text).toBeLessThan(500);
            expect(r.body, r.text).toMatchObject({
              kind: 'Status',
              code: r.status,
              message: expect.any(String),
            });
            rejected++;
            return;
          }
          reviews++;
          const res = r.body as { apiVersion: string; kind: string; response: Record<string, unknown> };
          expect(res.apiVersion).toBe('admission.k8s.io/v1');
          expect(res.kind).toBe('AdmissionReview');
          expect(res.response.uid).toBe(uidOf(b));
          expect(typeof res.response.allowed).toBe('boolean');
          if (res.response.allowed === false) {
            expect(res.response.status).toMatchObject({
              code: 403,
              message: expect.stringMatching(/denied by zoneguard: .+/),
            });
          }
          if (res.response.warnings !== undefined) {
            expect(Array.isArray(res.response.warnings)).toBe(true);
            // eslint-disable-next-line no-control-regex -- warnings must carry no control characters
            for (const w of res.response.warnings as unknown[]) expect(w).toMatch(/^[^\u0000-\u001f]*$/);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // both paths were exercised, and the server is still well
      expect(reviews).toBeGreaterThan(RUNS / 3);
      expect(rejected).toBeGreaterThan(RUNS / 50);
      expect((await c.get('/healthz')).status).toBe(200);
      const metrics = await wh.metrics.registry.metrics();
      expect(metrics).not.toMatch(/verdict="error"/);
    },
    Math.max(120_000, RUNS * 3),
  );
});
