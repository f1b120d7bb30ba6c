/** The fake API server, driven by @kubernetes/client-node as the reconciler drives a real one. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1Service,
} from '@kubernetes/client-node';
import { start, type FakeApiServer } from './fake-apiserver.js';

const svc = (name: string, labels: Record<string, string> = {}, ns = 'default') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels },
  spec: { type: 'LoadBalancer' },
});

/** Resolves when `pred` holds, checking after each informer callback (no sleeps). */
function waitFor<T>(subscribe: (fn: () => void) => void, pred: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const check = () => {
      const v = pred();
      if (v !== undefined && v !== false) resolve(v);
    };
    subscribe(check);
    check();
  });
}

describe('fake API server', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => {
    await api.close();
  });

  it('serves list + watch to a client-node informer, with a server-side label selector', async () => {
    api.apply(svc('a', { team: 'x' }));
    api.apply(svc('b', { team: 'y' }));
    const kc = api.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Service>(
      kc,
      '/api/v1/services',
      () => core.listServiceForAllNamespaces({ labelSelector: 'team=x' }),
      'team=x',
    );
    const seen: string[] = [];
    const listeners: (() => void)[] = [];
    const notify = () => listeners.forEach((l) => l());
    informer.on('add', (o) => (seen.push(`add ${o.metadata?.name}`), notify()));
    informer.on('update', (o) => (seen.push(`update ${o.metadata?.name}`), notify()));
    informer.on('delete', (o) => (seen.push(`delete ${o.metadata?.name}`), notify()));
    await informer.start();
    expect(seen).toEqual(['add a']);
    await waitFor(
      (f) => listeners.push(f),
      () => api.openWatches() === 1 || undefined,
    );

    api.apply(svc('c', { team: 'x' }));
    api.apply(svc('b', { team: 'x' })); // starts matching: ADDED
    api.apply({ ...svc('a', { team: 'x' }), spec: { type: 'ClusterIP' } });
    api.apply(svc('c', { team: 'z' })); // stops matching: DELETED
    api.remove(svc('a'));
    await waitFor(
      (f) => listeners.push(f),
      () => seen.length === 6 || undefined,
    );
    expect(seen).toEqual(['add a', 'add c', 'add b', 'update a', 'delete c', 'delete a']);
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['b']);
    await informer.stop();
  });

  it('replays events after a resourceVersion when a watch reconnects', async () => {
    const kc = api.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Service>(kc, '/api/v1/services', () =>
      core.listServiceForAllNamespaces(),
    );
    const listeners: (() => void)[] = [];
    informer.on('add', () => listeners.forEach((l) => l()));
    informer.on('connect', () => listeners.forEach((l) => l()));
    await informer.start();
    await waitFor(
      (f) => listeners.push(f),
      () => api.openWatches() === 1 || undefined,
    );
    api.dropWatches();
    api.apply(svc('while-away'));
    await waitFor(
      (f) => listeners.push(f),
      () => informer.get('while-away', 'default'),
    );
    await informer.stop();
  });

  it('lists built-in kinds without apiVersion/kind on items and CRDs with them', async () => {
    api.apply(svc('a'));
    api.apply({
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'e', namespace: 'ns1' },
      spec: { endpoints: [] },
    });
    const list = (await (await fetch(`${api.url}/api/v1/services`)).json()) as {
      items: KubernetesObject[];
      metadata: { resourceVersion: string };
    };
    expect(list.items[0].kind).toBeUndefined();
    expect(list.metadata.resourceVersion).toBe(api.resourceVersion());
    const custom = api.kubeConfig().makeApiClient(CustomObjectsApi);
    const eps = (await custom.listClusterCustomObject({
      group: 'externaldns.k8s.io',
      version: 'v1alpha1',
      plural: 'dnsendpoints',
    })) as { items: KubernetesObject[] };
    expect(eps.items.map((o) => [o.kind, o.metadata?.namespace, o.metadata?.name])).toEqual([
      ['DNSEndpoint', 'ns1', 'e'],
    ]);
  });

  it('writes DNSEndpoint status through the subresource without moving generation', async () => {
    const stored = api.apply({
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'e', namespace: 'default' },
      spec: { endpoints: [] },
    });
    expect(stored.metadata?.generation).toBe(1);
    const custom = api.kubeConfig().makeApiClient(CustomObjectsApi);
    const status = { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] };
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: 'externaldns.k8s.io',
        version: 'v1alpha1',
        plural: 'dnsendpoints',
        namespace: 'default',
        name: 'e',
        body: { status },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const after = api.get('externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'default', 'e')!;
    expect(after.status).toEqual(status);
    expect(after.metadata?.generation).toBe(1);
    expect(api.statuses()).toMatchObject([{ name: 'e', namespace: 'default', status }]);
    // a spec change moves generation and keeps status
    const next = api.apply({
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'e', namespace: 'default' },
      spec: { endpoints: [{ dnsName: 'x.example.com' }] },
    });
    expect(next.metadata?.generation).toBe(2);
    expect(next.status).toEqual(status);
  });

  it('records Events and answers 409 on a stale Lease update', async () => {
    const kc = api.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'app.' },
        involvedObject: { kind: 'Service', name: 'app', namespace: 'default' },
        reason: 'DNSRecordPublished',
        message: 'published',
        type: 'Normal',
      },
    });
    expect(api.events().map((e) => e.reason)).toEqual(['DNSRecordPublished']);

    const leases = kc.makeApiClient(CoordinationV1Api);
    const created = await leases.createNamespacedLease({
      namespace: 'kube-system',
      body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } },
    });
    await expect(
      leases.createNamespacedLease({ namespace: 'kube-system', body: { metadata: { name: 'l' }, spec: {} } }),
    ).rejects.toMatchObject({ code: 409 });
    const updated = await leases.replaceNamespacedLease({
      namespace: 'kube-system',
      name: 'l',
      body: { ...created, spec: { holderIdentity: 'b' } },
    });
    expect(updated.spec?.holderIdentity).toBe('b');
    await expect(
      leases.replaceNamespacedLease({
        namespace: 'kube-system',
        name: 'l',
        body: { ...created, spec: { holderIdentity: 'c' } },
      }),
    ).rejects.toMatchObject({ code: 409 });
    expect(api.leases.get('kube-system', 'l')?.spec).toEqual({ holderIdentity: 'b' });
    await expect(
      leases.readNamespacedLease({ namespace: 'kube-system', name: 'missing' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('injects faults', async () => {
    api.failNext('GET', /\/services$/, 503);
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(503);
    expect((await fetch(`${api.url}/api/v1/services`)).status).toBe(200);
    expect(api.requests().map((r) => r.status)).toEqual([503, 200]);
  });
});
