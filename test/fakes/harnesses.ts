/**
 * Contract-test harnesses for the cloud providers: each starts its fake (or moto), builds the real
 * provider with a small page size and batch limit so that pagination and batch splitting show up
 * with a handful of records, and exposes the fake's call counter and throttling.
 * Shape: { provider, zone, seed(records), pageSize, maxBatch, apiCalls(), throttleNext(n), close() }.
 */
import { Agent } from 'node:https';
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { OAuth2Client } from 'google-auth-library';
import type { Endpoint } from '../../core/model/endpoint.js';
import { type Provider } from '../../core/providers/provider.js';
import { emptyChanges } from '../../core/model/changes.js';
import { AzureProvider } from '../../core/providers/azure/azure.js';
import { CloudflareProvider } from '../../core/providers/cloudflare/cloudflare.js';
import { CloudDnsProvider } from '../../core/providers/google/clouddns.js';
import { Route53Provider } from '../../core/providers/aws/route53.js';
import { AzureDnsFake } from './azure-dns.js';
import { CloudflareFake } from './cloudflare.js';
import { GoogleDnsFake } from './google-dns.js';
import { Moto } from './moto.js';

export interface CloudHarness {
  provider: Provider;
  zone: string;
  seed(records: Endpoint[]): Promise<void>;
  pageSize: number;
  maxBatch: number;
  apiCalls(): number;
  throttleNext(n: number): void;
  close(): Promise<void>;
}

export const PAGE_SIZE = 5;
export const MAX_BATCH = 10;
const noSleep = { sleep: async () => {}, random: () => 0 };

async function seedThrough(p: Provider, records: Endpoint[], reset: () => void): Promise<void> {
  if (records.length)
    await p.applyChanges({
      ...emptyChanges(),
      create: p.adjustEndpoints ? p.adjustEndpoints(records) : records,
    });
  reset();
}

export async function cloudflareHarness(zone = 'example.com'): Promise<CloudHarness> {
  const fake = await new CloudflareFake('contract-token').start();
  fake.addZone(zone);
  fake.maxBatch = MAX_BATCH;
  const provider = new CloudflareProvider({
    apiToken: 'contract-token',
    baseURL: fake.baseURL,
    batchSize: MAX_BATCH,
    perPage: PAGE_SIZE,
    intervalMs: 0,
    retry: noSleep,
  });
  return harness(provider, zone, fake, () => fake.close());
}

export async function googleHarness(zone = 'example.com'): Promise<CloudHarness> {
  const fake = await new GoogleDnsFake('contract', 'contract-token').start();
  fake.addZone('contract-zone', zone);
  fake.maxAdditions = MAX_BATCH;
  fake.maxDeletions = MAX_BATCH;
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'contract-token', expiry_date: Date.now() + 3600_000 });
  const provider = new CloudDnsProvider({
    project: 'contract',
    apiEndpoint: fake.url,
    authClient: auth,
    batchSize: MAX_BATCH,
    pageSize: PAGE_SIZE,
    intervalMs: 0,
    retry: noSleep,
  });
  return harness(provider, zone, fake, () => fake.close());
}

export async function azureHarness(
  zone = 'example.com',
  kind: 'public' | 'private' = 'public',
): Promise<CloudHarness> {
  const fake = await new AzureDnsFake('00000000-0000-0000-0000-0000000000c0', 'contract-token').start();
  fake.addZone(zone, 'rg', kind);
  const agent = new Agent({ ca: fake.cert!.cert, keepAlive: true });
  const provider = new AzureProvider({
    private: kind === 'private',
    credential: {
      getToken: async () => ({ token: 'contract-token', expiresOnTimestamp: Date.now() + 3600_000 }),
    },
    subscriptionId: fake.subscription,
    resourceGroup: 'rg',
    endpoint: fake.url,
    agent,
    pageSize: PAGE_SIZE,
    retry: noSleep,
  });
  // ARM has no batch API: one record set per call
  return {
    ...harness(provider, zone, fake, async () => {
      agent.destroy();
      await fake.close();
    }),
    maxBatch: 1,
  };
}

/** Route 53 against moto; the caller checks findMoto() first. */
export async function route53Harness(motoPath: string, zone = 'example.com'): Promise<CloudHarness> {
  const m = await Moto.start(motoPath);
  const provider = new Route53Provider({
    endpoint: m.url,
    credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
    batchChangeSize: MAX_BATCH,
    pageSize: PAGE_SIZE,
    intervalMs: 0,
    retry: noSleep,
  });
  await provider.client.send(
    new CreateHostedZoneCommand({ Name: zone, CallerReference: `contract-${zone}` }),
  );
  const h = harness(provider, zone, m, () => m.close());
  m.resetCalls();
  return h;
}

function harness(
  provider: Provider,
  zone: string,
  counter: { callCount(op?: string): number; resetCalls(): void; throttleNext(n: number): void },
  close: () => Promise<void>,
): CloudHarness {
  return {
    provider,
    zone,
    seed: (records) => seedThrough(provider, records, () => counter.resetCalls()),
    pageSize: PAGE_SIZE,
    maxBatch: MAX_BATCH,
    apiCalls: () => counter.callCount(),
    throttleNext: (n) => counter.throttleNext(n),
    close: async () => {
      await provider.close?.();
      await close();
    },
  };
}
