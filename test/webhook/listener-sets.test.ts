/**
 * Routes attached to a Gateway API ListenerSet (v1.5), end to end: the webhook's informers list and
 * watch ListenerSets and Gateways on the local API server (test/kube/fake-apiserver.ts), and a route
 * without hostnames of its own, reviewed over real HTTPS, is checked under the hostnames of the
 * ListenerSet's listeners — with or without --gateway-listener-sets, since an external-dns that has
 * the flag publishes them (docs/sources/gateway-api.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../core/model/objects.js';
import type { Webhook } from '../../webhook/run.js';
import type { FakeApiServer } from '../kube/fake-apiserver.js';
import { client, reviewOf, startClusterWebhook, type ClusterWebhook } from './harness.js';

const GW = 'gateway.networking.k8s.io/v1';
const accepted = (listener: string) => ({
  conditions: [{ type: 'Accepted', status: 'True' }],
  listeners: [{ name: listener, conditions: [{ type: 'Accepted', status: 'True' }] }],
});
const listenerSet = (name: string, hostname: string): KubeObject => ({
  apiVersion: GW,
  kind: 'ListenerSet',
  metadata: { name, namespace: 'team-a' },
  spec: {
    parentRef: { name: 'shared', namespace: 'gateways' },
    listeners: [{ name: 'web', port: 443, protocol: 'HTTPS', hostname }],
  },
  status: accepted('web'),
});
const SEED: KubeObject[] = [
  {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name: 'shared', namespace: 'gateways' },
    spec: {
      gatewayClassName: 'x',
      allowedListeners: { namespaces: { from: 'All' } },
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' }],
    },
    status: { addresses: [{ type: 'IPAddress', value: '203.0.113.40' }] },
  },
  listenerSet('team-ok', '*.team.example.com'),
  listenerSet('team-evil', '*.team.example.org'),
];

/** A GRPCRoute with no spec.hostnames, attached to a ListenerSet: its names are the listeners'. */
const route = (name: string, ls: string): KubeObject => ({
  apiVersion: GW,
  kind: 'GRPCRoute',
  metadata: { name, namespace: 'team-a' },
  spec: { parentRefs: [{ kind: 'ListenerSet', name: ls }] },
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe.each([
  { flags: {}, label: 'without --gateway-listener-sets' },
  { flags: { 'gateway-listener-sets': true }, label: 'with --gateway-listener-sets' },
])('routes attached to a ListenerSet ($label)', ({ flags }) => {
  let api: FakeApiServer;
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  let cluster: ClusterWebhook;
  beforeAll(async () => {
    cluster = await startClusterWebhook([...SEED], { ...flags });
    ({ api, wh, c } = cluster);
  });
  afterAll(() => cluster.close());

  it('denies a route whose ListenerSet listener is outside --domain-filter, naming the name', async () => {
    const r = await c.review(reviewOf(route('evil', 'team-evil')));
    const res = r.review.response!;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('GRPCRoute team-a/evil denied by zoneguard');
    expect(res.status?.message).toMatch(/\*\.team\.example\.org: domain-filter: /);
  });

  it('admits a route whose ListenerSet listener is inside it', async () => {
    const r = await c.review(reviewOf(route('ok', 'team-ok')));
    expect(r.review.response!.allowed, JSON.stringify(r.review.response)).toBe(true);
  });

  it('follows a ListenerSet created after the webhook started (watch)', async () => {
    api.apply(listenerSet('late', '*.late.example.net'));
    await until(
      () =>
        wh.cluster!.related.get('gateway.networking.k8s.io', 'ListenerSet', 'team-a', 'late') !== undefined,
    );
    const r = await c.review(reviewOf(route('late-route', 'late')));
    expect(r.review.response!.allowed).toBe(false);
    expect(r.review.response!.status?.message).toMatch(/\*\.late\.example\.net: domain-filter: /);
  });
});
