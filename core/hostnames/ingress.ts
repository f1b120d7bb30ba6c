/**
 * Ingress (networking.k8s.io/v1) → claims, as external-dns's ingress source reads them:
 * hostnames from spec.rules[].host, spec.tls[].hosts[] and the hostname annotation (the
 * ingress-hostname-source annotation can keep only one side: "annotation-only" or
 * "defined-hosts-only"); targets from status.loadBalancer.ingress, replaced by the target
 * annotation. --ingress-class keeps only Ingresses whose spec.ingressClassName (or the legacy
 * kubernetes.io/ingress.class annotation) is listed.
 */
import { annotations, asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { Ann, INGRESS_CLASS_ANNOTATION, splitList } from './annotations.js';
import { claimsFor } from './targets.js';
import {
  claimBase,
  listField,
  objectItem,
  stringField,
  type ExtractContext,
  type Partial,
} from './common.js';

export function extractIngress(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const ann = base.ann;
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  if (ctx.ingressClasses.length > 0) {
    const cls = asString(spec.ingressClassName) ?? annotations(obj)[INGRESS_CLASS_ANNOTATION];
    if (!cls || !ctx.ingressClasses.includes(cls)) {
      base.skipped = `ingress class ${cls ? `"${cls}"` : '(none)'} is not in --ingress-class [${ctx.ingressClasses.join(', ')}]`;
      return;
    }
  }
  const source = ann.get(Ann.ingressHostnameSource);
  const useDefined = source !== 'annotation-only';
  const useAnnotation = source !== 'defined-hosts-only';

  let targets = splitList(ann.get(Ann.target));
  if (targets.length === 0) {
    const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
    for (const ing of asArray(lb.ingress)) {
      if (!isRecord(ing)) continue;
      const t = asString(ing.ip) ?? asString(ing.hostname);
      if (t) targets.push(t);
    }
    if (targets.length === 0) targets = ctx.defaultTargets;
  }

  const seen = new Set<string>();
  const names: { host: string; field: string }[] = [];
  const add = (host: string | undefined, field: string) => {
    if (!host) return;
    let key = host.trim().toLowerCase();
    if (key.endsWith('.')) key = key.slice(0, -1);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    names.push({ host: key, field });
  };
  // plain loops, and a field's path spelled out only when it is used (a claim, or a problem)
  if (useDefined && !ctx.ignoreIngressRulesSpec) {
    const rules = listField(base, spec.rules, 'spec.rules');
    for (let i = 0; i < rules.length; i++) {
      const raw = rules[i];
      const rule = isRecord(raw) ? raw : objectItem(base, raw, `spec.rules[${i}]`);
      if (!rule) continue;
      const host =
        typeof rule.host === 'string' ? rule.host : stringField(base, rule.host, `spec.rules[${i}].host`);
      if (host) add(host, `spec.rules[${i}].host`);
    }
  }
  if (useDefined && !ctx.ignoreIngressTlsSpec) {
    const tlsList = listField(base, spec.tls, 'spec.tls');
    for (let i = 0; i < tlsList.length; i++) {
      const raw = tlsList[i];
      const tls = isRecord(raw) ? raw : objectItem(base, raw, `spec.tls[${i}]`);
      if (!tls) continue;
      const hosts = Array.isArray(tls.hosts) ? tls.hosts : listField(base, tls.hosts, `spec.tls[${i}].hosts`);
      for (let j = 0; j < hosts.length; j++) {
        const h = hosts[j];
        const host = typeof h === 'string' ? h : stringField(base, h, `spec.tls[${i}].hosts[${j}]`);
        if (host) add(host, `spec.tls[${i}].hosts[${j}]`);
      }
    }
  }
  if (useAnnotation) {
    for (const h of splitList(ann.get(Ann.hostname))) add(h, ann.field(Ann.hostname));
  }
  if (names.length > 0 && targets.length === 0) {
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: Ingress has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
    );
  }
  for (const n of names)
    for (const c of claimsFor(n.host, targets, claimBase(base.common, n.field))) base.claims.push(c);
}
