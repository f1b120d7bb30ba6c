/* eslint-disable @typescript-eslint/no-explicit-any -- walks untyped Kubernetes JSON, checked by the assertions themselves */
/**
 * Every kustomization under deploy/ renders with `kubectl kustomize`, every object is valid against
 * the Kubernetes OpenAPI schemas, and the settings that keep an install safe hold: minimal RBAC,
 * the webhook configuration, pod security, and two overlays that can be installed side by side.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../core/kinds.js';
import YAML from 'yaml';
import { configFileSchema, flagsFor } from '../../cli/settings.js';
import { FLAGS } from '../../cli/flags.js';
import type { FlagSpec } from '../../cli/flag-spec.js';
import { DNSENDPOINT_SCHEMA } from '../../core/crd/dnsendpoint.js';
import { ZONEPOLICY_SCHEMA } from '../../core/policy/schema.js';
import { compileZonePolicy, zonePolicySetFrom } from '../../core/policy/zone-policy.js';
import { Ajv } from 'ajv';
import type { KubeObject } from '../../core/model/objects.js';
import { CLUSTER_SCOPED, find, hasKubectl, kustomize } from './render.js';
import { admissionWebhook, ajvErrors, containerSecurityContext, httpProbe, openApiErrors, podSecurityContext } from './schemas.js';

const ROOT = resolve(__dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const KUBECTL = hasKubectl();
if (!KUBECTL) console.warn('test/deploy: kubectl not found; the render tests are skipped (install kubectl to run them)');

// A throw-away overlay that adds the fail-closed component to the public overlay.
const strictDir = mkdtempSync(join(tmpdir(), 'zoneguard-strict-'));
writeFileSync(
  join(strictDir, 'kustomization.yaml'),
  YAML.stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [relative(strictDir, join(DEPLOY, 'overlays/public'))],
    components: [relative(strictDir, join(DEPLOY, 'components/fail-closed'))],
  }),
);
afterAll(() => rmSync(strictDir, { recursive: true, force: true }));

interface Case {
  name: string;
  dir: string;
  namespace: string;
  prefix: string;
  failurePolicy: 'Ignore' | 'Fail';
}

const CASES: Case[] = [
  { name: 'base', dir: join(DEPLOY, 'base'), namespace: 'zoneguard', prefix: '', failurePolicy: 'Ignore' },
  { name: 'overlays/public', dir: join(DEPLOY, 'overlays/public'), namespace: 'zoneguard-public', prefix: 'public-', failurePolicy: 'Ignore' },
  { name: 'overlays/private', dir: join(DEPLOY, 'overlays/private'), namespace: 'zoneguard-private', prefix: 'private-', failurePolicy: 'Ignore' },
  { name: 'overlays/public + components/fail-closed', dir: strictDir, namespace: 'zoneguard-public', prefix: 'public-', failurePolicy: 'Fail' },
];

const rendered = new Map<string, KubeObject[]>();
function render(c: Case): KubeObject[] {
  let objs = rendered.get(c.dir);
  if (!objs) {
    objs = kustomize(c.dir);
    rendered.set(c.dir, objs);
  }
  return objs;
}

// ---- RBAC: the exact grants, as "group/resource verb [resourceName]" permissions ----

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

function permissions(rules: readonly Rule[], scope: string): string[] {
  const out: string[] = [];
  for (const r of rules) {
    expect(r.nonResourceURLs, 'no non-resource URLs').toBeUndefined();
    for (const g of r.apiGroups ?? []) {
      for (const res of r.resources ?? []) {
        for (const v of r.verbs ?? []) {
          const names = r.resourceNames?.length ? r.resourceNames : [''];
          for (const n of names) out.push(`${scope} ${g || 'core'}/${res} ${v}${n ? ` ${n}` : ''}`);
        }
      }
    }
  }
  return out.sort();
}

/** Everything a ServiceAccount may do, from the (Cluster)RoleBindings that name it. */
function grantsOf(objs: readonly KubeObject[], sa: string, ns: string): string[] {
  const out: string[] = [];
  for (const b of objs.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const subjects = (b.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === ns)) continue;
    const ref = b.roleRef as { kind: string; name: string; apiGroup: string };
    const role = objs.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (ref.kind === 'ClusterRole' || o.metadata?.namespace === b.metadata?.namespace));
    expect(role, `${b.kind} ${b.metadata?.name} refers to ${ref.kind} ${ref.name}, which is not rendered`).toBeDefined();
    const scope = b.kind === 'ClusterRoleBinding' ? 'cluster' : `namespace:${b.metadata?.namespace}`;
    out.push(...permissions((role!.rules ?? []) as Rule[], scope));
  }
  return [...new Set(out)].sort();
}

// every kind of the one kinds table (core/kinds.ts) is readable, helpers included; and the policy kinds
const READ = [...new Set(KINDS.map((k) => `${k.group || 'core'}/${k.plural}`)), 'core/namespaces', 'zoneguard.io/zonepolicies'].flatMap((r) =>
  ['get', 'list', 'watch'].map((v) => `cluster ${r} ${v}`),
);

function expectedGrants(c: Case): Record<string, string[]> {
  const ns = `namespace:${c.namespace}`;
  return {
    webhook: [...READ, `${ns} coordination.k8s.io/leases get`, `${ns} coordination.k8s.io/leases list`, `${ns} coordination.k8s.io/leases watch`].sort(),
    reconciler: [
      ...READ,
      'cluster core/events create',
      'cluster core/events patch',
      'cluster externaldns.k8s.io/dnsendpoints/status update',
      'cluster externaldns.k8s.io/dnsendpoints/status patch',
      // the background audit: its own reports only, by name where Kubernetes allows it
      'cluster wgpolicyk8s.io/policyreports create',
      'cluster wgpolicyk8s.io/policyreports list',
      'cluster wgpolicyk8s.io/policyreports get zoneguard',
      'cluster wgpolicyk8s.io/policyreports update zoneguard',
      'cluster wgpolicyk8s.io/policyreports delete zoneguard',
      'cluster wgpolicyk8s.io/clusterpolicyreports create',
      'cluster wgpolicyk8s.io/clusterpolicyreports get zoneguard',
      'cluster wgpolicyk8s.io/clusterpolicyreports update zoneguard',
      `${ns} coordination.k8s.io/leases get`,
      `${ns} coordination.k8s.io/leases create`,
      `${ns} coordination.k8s.io/leases update`,
    ].sort(),
    certs: [
      `${ns} core/secrets create`,
      `${ns} core/secrets get zoneguard-webhook-tls`,
      `${ns} core/secrets update zoneguard-webhook-tls`,
      `cluster admissionregistration.k8s.io/validatingwebhookconfigurations get ${c.prefix}zoneguard`,
      `cluster admissionregistration.k8s.io/validatingwebhookconfigurations patch ${c.prefix}zoneguard`,
    ].sort(),
  };
}

// ---- pods ----

interface PodTemplate {
  owner: string;
  spec: Record<string, any>;
  labels: Record<string, string>;
}

function podTemplates(objs: readonly KubeObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objs) {
    const spec = o.spec as Record<string, any> | undefined;
    let tpl: Record<string, any> | undefined;
    if (o.kind === 'Deployment' || o.kind === 'Job') tpl = spec?.template;
    if (o.kind === 'CronJob') tpl = spec?.jobTemplate?.spec?.template;
    if (tpl) out.push({ owner: `${o.kind} ${o.metadata?.name}`, spec: tpl.spec, labels: tpl.metadata?.labels ?? {} });
  }
  return out;
}

function container(objs: readonly KubeObject[], deployment: string): Record<string, any> {
  const d = find(objs, 'Deployment', (o) => o.metadata?.name === deployment)[0];
  expect(d, `Deployment ${deployment}`).toBeDefined();
  return (d.spec as any).template.spec.containers[0];
}

function configOf(objs: readonly KubeObject[]): Record<string, unknown> {
  const cms = find(objs, 'ConfigMap', (o) => String(o.metadata?.name).includes('zoneguard-config'));
  expect(cms).toHaveLength(1);
  return YAML.parse((cms[0].data as Record<string, string>)['config.yaml']) as Record<string, unknown>;
}

describe.skipIf(!KUBECTL)('deploy/ renders to valid, minimal, safe manifests', () => {
  describe.each(CASES)('$name', (c) => {
    it('renders, and every object is valid against its Kubernetes OpenAPI schema', () => {
      const objs = render(c);
      expect(objs.length).toBeGreaterThan(10);
      const errors = objs.flatMap((o) => openApiErrors(o).map((e) => `${o.kind} ${o.metadata?.name}: ${e}`));
      expect(errors).toEqual([]);
      for (const o of objs) {
        if (CLUSTER_SCOPED.has(String(o.kind))) expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name} is cluster-scoped`).toBeUndefined();
        else expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name}`).toBe(c.namespace);
      }
      expect(find(objs, 'Namespace').map((n) => n.metadata?.name)).toEqual([c.namespace]);
    });

    it('grants each ServiceAccount exactly the minimal RBAC rules', () => {
      const objs = render(c);
      const want = expectedGrants(c);
      const sas = find(objs, 'ServiceAccount').map((s) => String(s.metadata?.name)).sort();
      expect(sas).toEqual(Object.keys(want).map((k) => `${c.prefix}zoneguard-${k}`).sort());
      for (const [who, grants] of Object.entries(want)) {
        expect(grantsOf(objs, `${c.prefix}zoneguard-${who}`, c.namespace), who).toEqual(grants);
      }
      // leases only through a namespaced Role; nothing anywhere uses a wildcard
      for (const r of [...find(objs, 'ClusterRole'), ...find(objs, 'Role')]) {
        const perms = permissions((r.rules ?? []) as Rule[], '');
        expect(perms.filter((p) => p.includes('*')), `${r.kind} ${r.metadata?.name}`).toEqual([]);
        if (r.kind === 'ClusterRole') expect(perms.filter((p) => p.includes('leases') || p.includes('secrets'))).toEqual([]);
      }
      // every binding names only ServiceAccounts that are rendered, in this namespace
      for (const b of [...find(objs, 'ClusterRoleBinding'), ...find(objs, 'RoleBinding')]) {
        for (const s of (b.subjects ?? []) as { kind: string; name: string; namespace: string }[]) {
          expect(s.kind).toBe('ServiceAccount');
          expect(s.namespace, `${b.kind} ${b.metadata?.name}`).toBe(c.namespace);
          expect(sas).toContain(s.name);
        }
      }
    });

    it('configures the admission webhook as required', () => {
      const objs = render(c);
      const cfgs = find(objs, 'ValidatingWebhookConfiguration');
      expect(cfgs).toHaveLength(1);
      expect(cfgs[0].metadata?.name).toBe(`${c.prefix}zoneguard`);
      const hooks = cfgs[0].webhooks as Record<string, any>[];
      expect(hooks).toHaveLength(1);
      const h = hooks[0];
      expect(admissionWebhook(h), ajvErrors(admissionWebhook)).toBe(true);
      expect(h.failurePolicy).toBe(c.failurePolicy);
      expect(h.name).toBe(c.prefix ? `validate.${c.prefix.replace(/-$/, '')}.zoneguard.io` : 'validate.zoneguard.io');
      const notIn = h.namespaceSelector.matchExpressions.find((e: any) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn');
      expect(notIn?.values).toEqual(expect.arrayContaining(['kube-system', c.namespace]));
      // every checked kind of core/kinds.ts, CREATE and UPDATE, and nothing else
      const covered = (group: string, version: string, plural: string) =>
        h.rules.some(
          (r: any) =>
            r.apiGroups.includes(group) &&
            (r.apiVersions.includes(version) || r.apiVersions.includes('*')) &&
            r.resources.includes(plural) &&
            r.operations.includes('CREATE') &&
            r.operations.includes('UPDATE'),
        );
      for (const k of KINDS.filter((k) => !k.helper))
        expect(covered(k.group, k.version, k.plural), `${k.group || 'core'}/${k.version}/${k.plural}`).toBe(true);
      for (const r of h.rules) expect(r.scope, r.resources.join(',')).toBe(r.resources.includes('zonepolicies') ? 'Cluster' : 'Namespaced');
      const ruled = h.rules.flatMap((r: any) => r.apiGroups.flatMap((g: string) => r.resources.map((p: string) => `${g}/${p}`)));
      const checked = new Set([...KINDS.filter((k) => !k.helper).map((k) => `${k.group}/${k.plural}`), 'zoneguard.io/zonepolicies']);
      expect(ruled.filter((x: string) => !checked.has(x))).toEqual([]);
      // the client config points at the rendered Service, whose port leads to the container's
      const svc = find(objs, 'Service', (s) => s.metadata?.name === h.clientConfig.service.name && s.metadata?.namespace === h.clientConfig.service.namespace)[0];
      expect(svc, `Service ${h.clientConfig.service.namespace}/${h.clientConfig.service.name}`).toBeDefined();
      const port = (svc.spec as any).ports.find((p: any) => p.port === h.clientConfig.service.port);
      expect(port?.targetPort).toBe('https');
      const webhook = container(objs, `${c.prefix}zoneguard-webhook`);
      expect(webhook.ports.map((p: any) => `${p.name}:${p.containerPort}`)).toContain('https:8443');
      expect(webhook.args).toEqual(expect.arrayContaining(['webhook', '--listen-address=:8443']));
      const pod = find(objs, 'Deployment', (o) => o.metadata?.name === `${c.prefix}zoneguard-webhook`)[0];
      const podLabels = (pod.spec as any).template.metadata.labels;
      for (const [k, v] of Object.entries((svc.spec as any).selector)) expect(podLabels[k]).toBe(v);
    });

    it('refuses secrets in the webhook and reconciler args (--strict-secrets); none is given there', () => {
      const objs = render(c);
      const secret = (FLAGS as readonly FlagSpec[]).filter((f) => f.secret).map((f) => `--${f.name}`);
      for (const name of ['webhook', 'reconciler']) {
        const args: string[] = container(objs, `${c.prefix}zoneguard-${name}`).args;
        expect(args, name).toContain('--strict-secrets');
        expect(args.filter((a) => secret.includes(a.split('=')[0])), name).toEqual([]);
      }
    });

    it('runs every pod non-root, read-only, without capabilities, under seccomp RuntimeDefault', () => {
      const objs = render(c);
      const pods = podTemplates(objs);
      expect(pods.map((p) => p.owner.split(' ')[0]).sort()).toEqual(['CronJob', 'Deployment', 'Deployment', 'Job']);
      for (const p of pods) {
        expect(podSecurityContext(p.spec.securityContext), `${p.owner}: ${ajvErrors(podSecurityContext)}`).toBe(true);
        expect(p.spec.hostNetwork ?? false).toBe(false);
        expect(p.spec.hostPID ?? false).toBe(false);
        expect((p.spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
        expect(p.spec.initContainers).toBeUndefined();
        expect(find(objs, 'ServiceAccount').map((s) => s.metadata?.name)).toContain(p.spec.serviceAccountName);
        for (const ctr of p.spec.containers) {
          expect(containerSecurityContext(ctr.securityContext), `${p.owner}/${ctr.name}: ${ajvErrors(containerSecurityContext)}`).toBe(true);
          expect(ctr.resources?.requests?.cpu, `${p.owner} cpu request`).toBeDefined();
          expect(ctr.resources?.requests?.memory, `${p.owner} memory request`).toBeDefined();
          expect(ctr.resources?.limits?.memory, `${p.owner} memory limit`).toBeDefined();
          expect(ctr.image).toMatch(/^[\w./-]+:[\w.-]+$/);
          // no volume is mounted inside another one (the inner mount point could not be created)
          const mounts = (ctr.volumeMounts ?? []).map((m: any) => String(m.mountPath));
          for (const a of mounts) for (const b of mounts) if (a !== b) expect(b.startsWith(`${a}/`), `${p.owner}: ${b} inside ${a}`).toBe(false);
          // every file flag points into a mounted volume
          for (const arg of (ctr.args ?? []).filter((x: string) => /^--(config|tls-cert-file|tls-private-key-file)=/.test(x))) {
            const path = arg.slice(arg.indexOf('=') + 1);
            expect(mounts.some((m: string) => path.startsWith(`${m}/`)), `${p.owner}: ${arg}`).toBe(true);
          }
          // every mounted ConfigMap is rendered
          for (const v of p.spec.volumes ?? []) {
            if (v.configMap) expect(find(objs, 'ConfigMap').map((m) => m.metadata?.name), p.owner).toContain(v.configMap.name);
          }
        }
      }
    });

    it('runs the webhook highly available and the reconciler leader-elected', () => {
      const objs = render(c);
      const dep = find(objs, 'Deployment', (o) => o.metadata?.name === `${c.prefix}zoneguard-webhook`)[0];
      const spec = dep.spec as any;
      expect(spec.replicas).toBe(2);
      expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const anti = spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(anti.topologyKey).toBe('kubernetes.io/hostname');
      for (const [k, v] of Object.entries(anti.labelSelector.matchLabels)) expect(spec.template.metadata.labels[k]).toBe(v);
      const ctr = spec.template.spec.containers[0];
      expect(httpProbe(ctr.readinessProbe), ajvErrors(httpProbe)).toBe(true);
      expect(httpProbe(ctr.livenessProbe), ajvErrors(httpProbe)).toBe(true);
      expect(ctr.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
      expect(ctr.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
      const pdb = find(objs, 'PodDisruptionBudget', (o) => o.metadata?.name === `${c.prefix}zoneguard-webhook`)[0];
      expect((pdb.spec as any).minAvailable).toBe(1);
      for (const [k, v] of Object.entries((pdb.spec as any).selector.matchLabels)) expect(spec.template.metadata.labels[k]).toBe(v);

      const rec = container(objs, `${c.prefix}zoneguard-reconciler`);
      expect(rec.args).toEqual(expect.arrayContaining(['reconcile', '--leader-elect']));
      expect(httpProbe(rec.livenessProbe), ajvErrors(httpProbe)).toBe(true);

      const certs = find(objs, 'Job')[0];
      expect((certs.spec as any).template.spec.containers[0].args).toEqual(expect.arrayContaining(['certs', `--patch-webhook=${c.prefix}zoneguard`]));
      const cron = find(objs, 'CronJob')[0];
      expect((cron.spec as any).jobTemplate.spec.template.spec.containers[0].args).toEqual((certs.spec as any).template.spec.containers[0].args);
    });

    it('lets only the webhook and metrics ports in', () => {
      const objs = render(c);
      const policies = find(objs, 'NetworkPolicy');
      const denyAll = policies.find((p) => Object.keys((p.spec as any).podSelector).length === 0);
      expect((denyAll?.spec as any)?.ingress).toBeUndefined();
      const ports = policies.flatMap((p) => ((p.spec as any).ingress ?? []).flatMap((i: any) => i.ports.map((x: any) => x.port))).sort();
      expect(ports).toEqual([7979, 8443]);
    });

    it('gives the webhook and reconciler a config.yaml of known flags', () => {
      const cfg = configOf(render(c));
      for (const command of ['webhook', 'reconcile']) {
        const specs = flagsFor(command);
        const validate = new Ajv({ strict: false }).compile(configFileSchema(specs));
        expect(validate(cfg), `${command}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
      expect(cfg['txt-owner-id']).toBeTruthy();
    });
  });

  it('installs public and private side by side: distinct owners, filters and cluster-scoped names', () => {
    const pub = render(CASES[1]);
    const priv = render(CASES[2]);
    const clusterNames = (objs: KubeObject[]) => objs.filter((o) => CLUSTER_SCOPED.has(String(o.kind)) && o.kind !== 'CustomResourceDefinition').map((o) => `${o.kind}/${o.metadata?.name}`);
    const overlap = clusterNames(pub).filter((n) => clusterNames(priv).includes(n));
    expect(overlap).toEqual([]);
    // the one shared object is the CRD, identical in both
    expect(find(pub, 'CustomResourceDefinition')).toEqual(find(priv, 'CustomResourceDefinition'));
    const a = configOf(pub);
    const b = configOf(priv);
    expect(a['txt-owner-id']).not.toBe(b['txt-owner-id']);
    expect(a['domain-filter']).not.toEqual(b['domain-filter']);
    // the two webhooks split the objects between them: complementary object selectors
    const sel = (objs: KubeObject[]) => (find(objs, 'ValidatingWebhookConfiguration')[0].webhooks as any[])[0].objectSelector.matchExpressions[0];
    expect(sel(pub)).toMatchObject({ key: 'dns.zoneguard.io/visibility', operator: 'NotIn', values: ['private'] });
    expect(sel(priv)).toMatchObject({ key: 'dns.zoneguard.io/visibility', operator: 'In', values: ['private'] });
    expect(a['label-filter']).toBe('dns.zoneguard.io/visibility!=private');
    expect(b['label-filter']).toBe('dns.zoneguard.io/visibility=private');
  });

  it('ships the DNSEndpoint CRD with external-dns group, version, names and schema', () => {
    const crd = find(render(CASES[1]), 'CustomResourceDefinition', (o) => o.metadata?.name === 'dnsendpoints.externaldns.k8s.io')[0] as any;
    expect(crd.metadata.name).toBe('dnsendpoints.externaldns.k8s.io');
    expect(crd.spec.group).toBe('externaldns.k8s.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({ kind: 'DNSEndpoint', listKind: 'DNSEndpointList', plural: 'dnsendpoints', singular: 'dnsendpoint' });
    expect(crd.spec.versions.map((v: any) => [v.name, v.served, v.storage])).toEqual([['v1alpha1', true, true]]);
    const v = crd.spec.versions[0];
    expect(v.subresources).toEqual({ status: {} });
    const ep = v.schema.openAPIV3Schema.properties.spec.properties.endpoints.items.properties;
    const types = Object.fromEntries(Object.entries(ep).map(([k, s]: [string, any]) => [k, s.type]));
    expect(types).toEqual({ dnsName: 'string', recordType: 'string', targets: 'array', recordTTL: 'integer', setIdentifier: 'string', labels: 'object', providerSpecific: 'array' });
    expect(ep.recordTTL.format).toBe('int64');
    expect(ep.targets.items.type).toBe('string');
    expect(ep.labels.additionalProperties.type).toBe('string');
    expect(Object.keys(ep.providerSpecific.items.properties).sort()).toEqual(['name', 'value']);
    expect(v.schema.openAPIV3Schema.properties.status.properties.observedGeneration.type).toBe('integer');
  });

  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'description').map(([k, x]) => [k, strip(x)])) : v;
  const crdNamed = (name: string) => find(render(CASES[1]), 'CustomResourceDefinition', (o) => o.metadata?.name === name)[0] as any;

  it("is the schema `zoneguard validate` applies offline (core/crd), descriptions aside", () => {
    const crd = crdNamed('dnsendpoints.externaldns.k8s.io');
    expect(strip(crd.spec.versions[0].schema.openAPIV3Schema)).toEqual(JSON.parse(JSON.stringify(DNSENDPOINT_SCHEMA)));
  });

  it('ships the ZonePolicy CRD, cluster-scoped, with the schema the webhook and validate apply (core/policy), descriptions aside', () => {
    const crd = crdNamed('zonepolicies.zoneguard.io');
    expect(crd.spec.group).toBe('zoneguard.io');
    expect(crd.spec.scope).toBe('Cluster');
    expect(crd.spec.names).toMatchObject({ kind: 'ZonePolicy', listKind: 'ZonePolicyList', plural: 'zonepolicies', singular: 'zonepolicy' });
    expect(crd.spec.versions.map((v: any) => [v.name, v.served, v.storage])).toEqual([['v1alpha1', true, true]]);
    expect(strip(crd.spec.versions[0].schema.openAPIV3Schema)).toEqual(JSON.parse(JSON.stringify(ZONEPOLICY_SCHEMA)));
  });
});

describe.skipIf(!KUBECTL)('deploy/overlays/teams: zone delegation for two teams', () => {
  const objs = () => render({ name: 'overlays/teams', dir: join(DEPLOY, 'overlays/teams'), namespace: 'zoneguard-public', prefix: 'public-', failurePolicy: 'Ignore' });

  it('is the public instance plus two teams\' Namespaces and ZonePolicies, with --require-zone-policy', () => {
    const o = objs();
    expect(find(o, 'Deployment').map((d) => d.metadata?.name).sort()).toEqual(['public-zoneguard-reconciler', 'public-zoneguard-webhook']);
    expect(find(o, 'Namespace').map((n) => n.metadata?.name).sort()).toEqual(['team-a', 'team-a-staging', 'team-b', 'zoneguard-public']);
    expect(configOf(o)['require-zone-policy']).toBe(true);
    // ZonePolicies are checked against their own CRD's schema below
    const errors = o.filter((x) => x.kind !== 'ZonePolicy').flatMap((x) => openApiErrors(x).map((e) => `${x.kind} ${x.metadata?.name}: ${e}`));
    expect(errors).toEqual([]);
  });

  it('every ZonePolicy compiles (schema, selector, domains, CIDRs) and each team namespace is selected by its policy only', () => {
    const o = objs();
    const policies = find(o, 'ZonePolicy');
    expect(policies.map((p) => p.metadata?.name).sort()).toEqual(['team-a', 'team-b']);
    for (const p of policies) expect(compileZonePolicy(p).problems, String(p.metadata?.name)).toEqual([]);
    const { set } = zonePolicySetFrom(o);
    expect(set.policiesFor('team-a').map((p) => p.name)).toEqual(['team-a']);
    expect(set.policiesFor('team-a-staging').map((p) => p.name)).toEqual(['team-a']);
    expect(set.policiesFor('team-b').map((p) => p.name)).toEqual(['team-b']);
    expect(set.policiesFor('zoneguard-public')).toEqual([]);
  });
});
