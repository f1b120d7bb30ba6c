/**
 * `npm run bench:providers`: plan + apply N records (default 10,000, each with its TXT ownership
 * record) into each cloud provider's local fake, through the real SDK clients, then re-plan the
 * steady state. Prints API calls, batches and time, and the target:
 *   calls = ceil(changes / provider max batch) + list pages, no per-record calls
 * (Azure DNS has no batch API: its max batch is 1 record set, as in external-dns).
 * Route 53 runs against moto when moto_server is installed, with fewer records (moto is slow).
 * Run with vite-node (vitest's TypeScript runner), no build step: vite-node test/bench/providers.ts [N]
 * BENCH_API_LATENCY_MS=20 makes each fake answer 20 ms late, as a real API (moto is not delayed).
 */
import { Agent } from 'node:https';
import { newEndpoint } from '../../core/model/endpoint.js';
import { plan } from '../../core/plan.js';
import { TxtRegistry } from '../../core/registry/txt-registry.js';
import { type Provider } from '../../core/providers/provider.js';
import { changeCount } from '../../core/model/changes.js';
import { AzureProvider } from '../../core/providers/azure/azure.js';
import { CloudflareProvider } from '../../core/providers/cloudflare/cloudflare.js';
import { CloudDnsProvider } from '../../core/providers/google/clouddns.js';
import { Route53Provider } from '../../core/providers/aws/route53.js';
import { AzureDnsFake } from '../fakes/azure-dns.js';
import { CloudflareFake } from '../fakes/cloudflare.js';
import { GoogleDnsFake } from '../fakes/google-dns.js';
import { findMoto, Moto } from '../fakes/moto.js';
import { OAuth2Client } from 'google-auth-library';

interface Counter {
  callCount(op?: string): number;
  resetCalls(): void;
}

interface Case {
  name: string;
  records: number;
  maxBatch: number;
  /** Calls that list (zones or records) vs. calls that change. */
  isList: (op: string) => boolean;
  setup: () => Promise<{
    provider: Provider & { lastBatches: number };
    counter: Counter & { calls: Map<string, number> };
    close: () => Promise<void>;
  }>;
}

const ZONE = 'bench.example.com';
const N = Number(process.argv[2] ?? 10_000);
/** BENCH_API_LATENCY_MS: each fake answers this much later, as a real API over the internet. */
const LATENCY = Number(process.env.BENCH_API_LATENCY_MS ?? 0);
const MOTO_N = Math.min(N, Number(process.env.BENCH_MOTO_RECORDS ?? 2_000));

const cases: Case[] = [
  {
    name: 'cloudflare',
    records: N,
    maxBatch: 200,
    isList: (op) => op.endsWith('.list'),
    setup: async () => {
      const fake = await new CloudflareFake('bench-token').start();
      fake.latencyMs = LATENCY;
      fake.addZone(ZONE);
      const provider = new CloudflareProvider({
        apiToken: 'bench-token',
        baseURL: fake.baseURL,
        intervalMs: 0,
      });
      return { provider, counter: fake, close: () => fake.close() };
    },
  },
  {
    name: 'google',
    records: N,
    maxBatch: 1000,
    isList: (op) => op.endsWith('.list'),
    setup: async () => {
      const fake = await new GoogleDnsFake('bench', 'bench-token').start();
      fake.latencyMs = LATENCY;
      fake.addZone('bench', ZONE);
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: 'bench-token', expiry_date: Date.now() + 3600_000 });
      const provider = new CloudDnsProvider({
        project: 'bench',
        apiEndpoint: fake.url,
        authClient: auth,
        intervalMs: 0,
      });
      return { provider, counter: fake, close: () => fake.close() };
    },
  },
  ...(['public', 'private'] as const).map((kind): Case => ({
    name: kind === 'public' ? 'azure' : 'azure-private-dns',
    records: N,
    maxBatch: 1,
    isList: (op) => op.includes('.list'),
    setup: async () => {
      const fake = await new AzureDnsFake('00000000-0000-0000-0000-000000000001', 'bench-token').start();
      fake.latencyMs = LATENCY;
      // 2 record sets per record: above Azure public DNS's default 10,000 per zone (a raisable limit)
      fake.maxRecordSets = { public: 2 * N + 10, private: 2 * N + 10 };
      fake.addZone(ZONE, 'rg', kind);
      const agent = new Agent({ ca: fake.cert!.cert, keepAlive: true });
      const provider = new AzureProvider({
        private: kind === 'private',
        credential: {
          getToken: async () => ({ token: 'bench-token', expiresOnTimestamp: Date.now() + 3600_000 }),
        },
        subscriptionId: fake.subscription,
        resourceGroup: 'rg',
        endpoint: fake.url,
        agent,
      });
      return {
        provider,
        counter: fake,
        close: async () => {
          agent.destroy();
          await fake.close();
        },
      };
    },
  })),
];

const moto = findMoto();
if (moto.path) {
  cases.push({
    name: 'aws (moto)',
    records: MOTO_N,
    maxBatch: 1000,
    isList: (op) => op.startsWith('List'),
    setup: async () => {
      const m = await Moto.start(moto.path!);
      const provider = new Route53Provider({
        endpoint: m.url,
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        intervalMs: 0,
      });
      const { CreateHostedZoneCommand } = await import('@aws-sdk/client-route-53');
      await provider.client.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: 'bench' }));
      return { provider, counter: m, close: () => m.close() };
    },
  });
}

function sum(counter: { calls: Map<string, number> }, pred: (op: string) => boolean): number {
  let n = 0;
  for (const [op, c] of counter.calls)
    if (pred(op) && !op.startsWith('moto') && op !== 'CreateHostedZone') n += c;
  return n;
}

async function run(c: Case): Promise<string[]> {
  const { provider, counter, close } = await c.setup();
  try {
    const registry = new TxtRegistry(provider, { ownerId: 'bench' });
    const wanted = Array.from({ length: c.records }, (_, i) =>
      newEndpoint(`r${i}.${ZONE}`, 'A', [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], 300),
    );
    const desired = provider.adjustEndpoints ? provider.adjustEndpoints(wanted) : wanted;
    counter.resetCalls();
    const t0 = performance.now();
    const snap = await registry.snapshot();
    const { changes } = plan({ current: snap.records, desired, ownerId: 'bench' });
    const applied = await registry.applyChanges(changes);
    const ms = performance.now() - t0;
    const n = changeCount(applied);
    const writes = sum(counter, (op) => !c.isList(op));
    const lists = sum(counter, c.isList);
    const target = Math.ceil(n / c.maxBatch);
    counter.resetCalls();
    const t1 = performance.now();
    const snap2 = await registry.snapshot();
    const again = plan({ current: snap2.records, desired, ownerId: 'bench' });
    const steadyMs = performance.now() - t1;
    const steadyCalls = sum(counter, () => true);
    return [
      c.name,
      String(c.records),
      String(n),
      String(c.maxBatch),
      String(provider.lastBatches),
      `${writes} (target ${target})`,
      String(lists),
      `${(ms / 1000).toFixed(2)}s`,
      `${changeCount(again.changes)} changes, ${steadyCalls} calls, ${(steadyMs / 1000).toFixed(2)}s`,
    ];
  } finally {
    await close();
  }
}

const header = [
  'provider',
  'records',
  'changes',
  'max batch',
  'batches',
  'write calls',
  'list calls',
  'plan+apply',
  'steady state re-plan',
];
const rows: string[][] = [];
for (const c of cases) {
  process.stderr.write(`bench: ${c.name}...\n`);
  rows.push(await run(c));
}
if (!moto.path) process.stderr.write(`bench: aws skipped: ${moto.reason}\n`);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
