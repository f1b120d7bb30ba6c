/**
 * --kube-api-request-timeout, --kube-api-qps and --kube-api-burst (external-dns docs/flags.md;
 * client-go's rest.Config Timeout, QPS and Burst): a hung API server fails a request within the
 * timeout instead of holding a sync or a start forever; requests are paced by a token bucket;
 * watches are neither paced nor cut.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/log.js';
import { start, type FakeApiServer } from '../test/kube/fake-apiserver.js';
import { loadKubeConfig, TokenBucket, type KubeClientTuning } from './client.js';
import { kubeApi } from './rest.js';
import { KubernetesSource } from './watch.js';

describe('TokenBucket (client-go token bucket: burst at once, then qps a second)', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it.each([
    { qps: 2, burst: 3, n: 6, want: [0, 0, 0, 500, 1000, 1500] },
    { qps: 10, burst: 1, n: 4, want: [0, 100, 200, 300] },
    { qps: 1, burst: 5, n: 5, want: [0, 0, 0, 0, 0] },
  ])('qps $qps burst $burst: $n requests go at $want ms', async ({ qps, burst, n, want }) => {
    const t0 = Date.now();
    const bucket = new TokenBucket(qps, burst, () => Date.now());
    const at: number[] = [];
    const all = Array.from({ length: n }, () => bucket.take().then(() => at.push(Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(all);
    expect(at).toEqual(want);
  });
});

describe('a tuned client against a hung API server', () => {
  let api: FakeApiServer;
  let kubeconfig: string;
  beforeEach(async () => {
    api = await start();
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'zoneguard-kc-')), 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
  });
  afterEach(async () => api.close());
  const tuning = (t: Partial<KubeClientTuning>): KubeClientTuning => ({
    requestTimeoutMs: 30_000,
    qps: 0,
    burst: 10,
    ...t,
  });

  it('a client-node call gives up after --kube-api-request-timeout', async () => {
    api.stallNext('GET', /\/services$/);
    const kc = loadKubeConfig(kubeconfig, {}, tuning({ requestTimeoutMs: 300 }));
    const started = Date.now();
    await expect(kc.makeApiClient(CoreV1Api).listNamespacedService({ namespace: 'default' })).rejects.toThrow(
      /timeout|aborted/i,
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    // the next request is answered
    await expect(
      kc.makeApiClient(CoreV1Api).listNamespacedService({ namespace: 'default' }),
    ).resolves.toBeTruthy();
  });

  it('a zoneguard REST call gives up after it too, naming the flag', async () => {
    api.stallNext('GET', /\/leases\/x$/);
    const rest = kubeApi(loadKubeConfig(kubeconfig, {}, tuning({ requestTimeoutMs: 300 })));
    await expect(
      rest.request('GET', '/apis/coordination.k8s.io/v1/namespaces/default/leases/x'),
    ).rejects.toThrow('no answer within 0.3s (--kube-api-request-timeout)');
  });

  it('paces reads and writes but not Event writes (a sync waits for its Events)', async () => {
    const kc = loadKubeConfig(kubeconfig, {}, tuning({ qps: 1000, burst: 10 }));
    const paced = vi.spyOn(kc, 'paced');
    const core = kc.makeApiClient(CoreV1Api);
    await core.listNamespacedService({ namespace: 'default' });
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'x.', namespace: 'default' },
        involvedObject: { kind: 'Service', name: 'x', namespace: 'default' },
        reason: 'DNSRecordPublished',
        message: 'published',
        type: 'Normal',
      },
    });
    await kubeApi(kc).request('GET', '/api/v1/namespaces/default/services');
    expect(paced).toHaveBeenCalledTimes(2);
  });

  it('a watch outlives the request timeout and is not paced', async () => {
    const kc = loadKubeConfig(kubeconfig, {}, tuning({ requestTimeoutMs: 300, qps: 1, burst: 1 }));
    const paced = vi.spyOn(kc, 'paced');
    // LoadBalancer Services only: one kind listed and watched (no Nodes, Pods, EndpointSlices)
    const source = new KubernetesSource({
      kubeConfig: kc,
      sources: ['service'],
      serviceTypes: ['LoadBalancer'],
      logger: silentLogger(),
    });
    const seen: string[] = [];
    source.onChange((why) => seen.push(why));
    await source.start();
    const pacedAfterList = paced.mock.calls.length;
    expect(pacedAfterList).toBe(1); // the list of Services
    await new Promise((r) => setTimeout(r, 700));
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'late', namespace: 'default' },
      spec: { type: 'ClusterIP' },
    });
    for (let i = 0; i < 400 && !seen.some((w) => w.includes('late')); i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(seen.some((w) => w.includes('Service default/late added'))).toBe(true);
    expect(paced.mock.calls.length).toBe(pacedAfterList); // the watch itself was not paced
    // one watch connection, never restarted by the timeout
    expect(api.requests().filter((r) => r.path.includes('watch=true')).length).toBeLessThanOrEqual(1);
    expect(api.openWatches()).toBe(1);
    await source.stop();
  });
});
