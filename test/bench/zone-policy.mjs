/**
 * `npm run bench:zone-policy`: what the `zone-policy` rule costs on the admission path. One
 * Ingress (two hostnames, a load-balancer address) evaluated BENCH_OPS times (default 200,000) per
 * case, best of BENCH_ROUNDS (3) in CPU time, printed as µs per evaluation and as a ratio to the
 * baseline in the same run:
 *   - baseline: every rule but zone-policy (the admission path before ZonePolicies existed);
 *   - no ZonePolicy in the cluster (the rule runs and returns at once);
 *   - 2 ZonePolicies, the name allowed; 50 ZonePolicies over 1,000 namespaces, allowed by the
 *     last one; the same, denied (the message lists every selecting policy's reason);
 *   - admit() per AdmissionReview (webhook/admit.ts) with no ZonePolicy and with 50.
 * Runs on plain node against the build (dist/); `npm run bench:zone-policy` builds first.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'core', 'policy', 'zone-policy.js'))) {
  process.stderr.write('bench:zone-policy: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const { settingsFor } = await import(join(dist, 'cli', 'settings.js'));
const setup = await import(join(dist, 'core', 'setup.js'));
const { extract } = await import(join(dist, 'core', 'hostnames', 'index.js'));
const { evaluate } = await import(join(dist, 'core', 'rules', 'index.js'));
const { zonePolicySetFrom } = await import(join(dist, 'core', 'policy', 'zone-policy.js'));
const { admit } = await import(join(dist, 'webhook', 'admit.js'));

const OPS = Number(process.env.BENCH_OPS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const cfg = settingsFor('webhook', { 'domain-filter': ['example.com'], 'txt-owner-id': 'cluster-a' });
const ingress = (ns, host) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop', namespace: ns },
  spec: { rules: [{ host }, { host: `www.${host}` }] },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
});

function policies(n, namespaces) {
  const objs = [];
  for (let i = 0; i < namespaces; i++)
    objs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${i}`, labels: { team: `t${i % n}` } },
    });
  for (let i = 0; i < n; i++)
    objs.push({
      apiVersion: 'zoneguard.io/v1alpha1',
      kind: 'ZonePolicy',
      metadata: { name: `p${i}` },
      spec: {
        // every policy selects ns-0 (team t0, or the name label), so ns-0 has n policies to try
        namespaceSelector:
          i === 0
            ? { matchLabels: { team: 't0' } }
            : { matchLabels: { 'kubernetes.io/metadata.name': 'ns-0' } },
        domains: [`t${i}.example.com`],
        excludeDomains: [`admin.t${i}.example.com`],
        targets: { allowCIDRs: ['203.0.113.0/24'], denyCNAMESuffixes: ['herokuapp.com'] },
      },
    });
  return zonePolicySetFrom(objs).set;
}

const base = setup.ruleContextFrom(cfg);
const ex = setup.extractContextFrom(cfg);
const none = zonePolicySetFrom([]).set;
const two = policies(2, 2);
const fifty = policies(50, 1000);
const allowedX = extract(ingress('ns-0', 'shop.t0.example.com'), ex);
const lastX = extract(ingress('ns-0', 'shop.t49.example.com'), ex);
const deniedX = extract(ingress('ns-0', 'shop.example.com'), ex);

function cpuMicros(fn) {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < OPS; i++) fn();
    const u = process.cpuUsage(t);
    best = Math.min(best, (u.user + u.system) / OPS);
  }
  return best;
}

const skip = new Set(['zone-policy']);
const review = (ns, host) => ({
  uid: 'u',
  kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  resource: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
  operation: 'CREATE',
  namespace: ns,
  object: ingress(ns, host),
});
// contexts made once, as the webhook does (an object spread per call would cost more than the rule)
const ctxWith = (set) => Object.assign(Object.create(null), base, { zonePolicies: set });
const noneRc = ctxWith(none);
const twoRc = ctxWith(two);
const fiftyRc = ctxWith(fifty);
const admitCtx = (rc) => ({
  ruleContext: () => rc,
  extractContext: () => ex,
  filter: setup.objectFilterFrom(cfg),
  warnOnly: new Set(),
  ownership: () => ({ state: 'none' }),
  stalePolicy: 'deny',
  zonePolicies: () => rc.zonePolicies.policies,
});

const cases = [
  ['baseline: every rule but zone-policy', () => evaluate(allowedX, base, { skip })],
  ['no ZonePolicy exists', () => evaluate(allowedX, noneRc)],
  ['2 ZonePolicies, allowed', () => evaluate(allowedX, twoRc)],
  ['50 ZonePolicies, 1,000 namespaces, allowed by the last', () => evaluate(lastX, fiftyRc)],
  ['50 ZonePolicies, 1,000 namespaces, denied', () => evaluate(deniedX, fiftyRc)],
];
const results = cases.map(([name, fn]) => [name, cpuMicros(fn)]);
const baseline = results[0][1];
process.stdout.write(
  `evaluate() of one Ingress (2 hostnames), CPU µs per evaluation, best of ${ROUNDS} x ${OPS}:\n`,
);
for (const [name, us] of results)
  process.stdout.write(`  ${name.padEnd(58)} ${us.toFixed(3)} µs  ${(us / baseline).toFixed(2)}x\n`);

const noneCtx = admitCtx(noneRc);
const fiftyCtx = admitCtx(fiftyRc);
const r1 = review('ns-0', 'shop.t0.example.com');
const a0 = cpuMicros(() => admit(r1, noneCtx));
const a1 = cpuMicros(() => admit(r1, fiftyCtx));
process.stdout.write(`admit() of one AdmissionReview, CPU µs per review:\n`);
process.stdout.write(`  ${'no ZonePolicy exists'.padEnd(58)} ${a0.toFixed(3)} µs  1.00x\n`);
process.stdout.write(
  `  ${'50 ZonePolicies, 1,000 namespaces, allowed'.padEnd(58)} ${a1.toFixed(3)} µs  ${(a1 / a0).toFixed(2)}x\n`,
);
