/* eslint-disable @typescript-eslint/no-explicit-any -- walks untyped Kubernetes JSON, checked by the assertions themselves */
/**
 * deploy/components/servicemonitor: added to an overlay, Prometheus Operator scrapes the webhook and
 * the reconciler over plain HTTP on 7979 — a port each pod really serves, that its NetworkPolicy
 * lets through, behind a Service the ServiceMonitor selects, all in the overlay's namespace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { settingsFor } from '../../cli/settings.js';
import type { KubeObject } from '../../core/model/objects.js';
import { find, hasKubectl, kustomize } from './render.js';

const DEPLOY = resolve(__dirname, '../../deploy');
const dir = mkdtempSync(join(tmpdir(), 'zoneguard-monitored-'));
writeFileSync(
  join(dir, 'kustomization.yaml'),
  YAML.stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    // as in an operator's own overlay: the namespace is set where the component is added
    namespace: 'zoneguard-public',
    resources: [relative(dir, join(DEPLOY, 'overlays/public'))],
    components: [relative(dir, join(DEPLOY, 'components/servicemonitor'))],
  }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasKubectl())('components/servicemonitor', () => {
  const objs: KubeObject[] = hasKubectl() ? kustomize(dir) : [];
  const ns = 'zoneguard-public';

  it('selects a metrics Service for the webhook and for the reconciler, in the overlay namespace', () => {
    const [sm] = find(objs, 'ServiceMonitor');
    expect(sm.metadata?.namespace).toBe(ns);
    const selector = (sm.spec as any).selector.matchLabels as Record<string, string>;
    const port = (sm.spec as any).endpoints[0].port as string;
    const services = find(objs, 'Service', (s) => Object.entries(selector).every(([k, v]) => s.metadata?.labels?.[k] === v));
    const components = services.map((s) => (s.spec as any).selector['app.kubernetes.io/component'] as string).sort();
    expect(components).toEqual(['reconciler', 'webhook']);
    for (const svc of services) {
      expect(svc.metadata?.namespace).toBe(ns);
      const svcPort = (svc.spec as any).ports.find((p: any) => p.name === port);
      expect(svcPort, `${svc.metadata?.name} has port ${port}`).toBeDefined();
      // the pod behind it declares that named port and serves metrics on it
      const component = (svc.spec as any).selector['app.kubernetes.io/component'] as string;
      const [deploy] = find(objs, 'Deployment', (d) => (d.spec as any).template.metadata.labels['app.kubernetes.io/component'] === component);
      const container = (deploy.spec as any).template.spec.containers[0];
      const containerPort = container.ports.find((p: any) => p.name === svcPort.targetPort);
      expect(containerPort, `${deploy.metadata?.name} port ${svcPort.targetPort}`).toBeDefined();
      const args = container.args as string[];
      const cfg = settingsFor(args[0], { 'metrics-address': args.find((a) => a.startsWith('--metrics-address='))?.split('=')[1] });
      expect(cfg.metricsAddress).toBe(`:${containerPort.containerPort}`);
      // a NetworkPolicy for these pods lets the scrape in
      const open = find(objs, 'NetworkPolicy', (p) => (p.spec as any).podSelector.matchLabels?.['app.kubernetes.io/component'] === component).some((p) =>
        ((p.spec as any).ingress ?? []).some((r: any) => (r.ports ?? []).some((x: any) => x.port === containerPort.containerPort)),
      );
      expect(open, `${component} metrics port open`).toBe(true);
    }
  });

  it('leaves the overlay without the component unchanged: no plain listener on the webhook', () => {
    const plain = kustomize(join(DEPLOY, 'overlays/public'));
    const [deploy] = find(plain, 'Deployment', (d) => d.metadata?.name === 'public-zoneguard-webhook' || d.metadata?.name === 'zoneguard-webhook');
    expect(((deploy.spec as any).template.spec.containers[0].args as string[]).some((a) => a.startsWith('--metrics-address'))).toBe(false);
    expect(find(plain, 'ServiceMonitor')).toEqual([]);
  });
});
