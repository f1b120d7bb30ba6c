/**
 * Ingress (networking.k8s.io/v1) → claims, as external-dns's ingress source reads them:
 * hostnames from spec.rules[].host, spec.tls[].hosts[] and the hostname annotation (the
 * ingress-hostname-source annotation can keep only one side: "annotation-only" or
 * "defined-hosts-only"); targets from status.loadBalancer.ingress, replaced by the target
 * annotation. --ingress-class keeps only Ingresses whose spec.ingressClassName (or the legacy
 * kubernetes.io/ingress.class annotation) is listed.
 */
import { annotations, asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import {
  HOSTNAME_ANNOTATION,
  INGRESS_CLASS_ANNOTATION,
  INGRESS_HOSTNAME_SOURCE_ANNOTATION,
  TARGET_ANNOTATION,
  splitList,
} from './annotations.js';
import { claimsFor } from './targets.js';
import { listField, objectItem, stringField, type ExtractContext, type Partial } from './common.js';

export function extractIngress(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const ann = annotations(obj);
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  if (ctx.ingressClasses.length > 0) {
    const cls = asString(spec.ingressClassName) ?? ann[INGRESS_CLASS_ANNOTATION];
    if (!cls || !ctx.ingressClasses.includes(cls)) {
      base.skipped = `ingress class ${cls ? `"${cls}"` : '(none)'} is not in --ingress-class [${ctx.ingressClasses.join(', ')}]`;
      return;
    }
  }
  const source = ann[INGRESS_HOSTNAME_SOURCE_ANNOTATION];
  const useDefined = source !== 'annotation-only';
  const useAnnotation = source !== 'defined-hosts-only';

  let targets = splitList(ann[TARGET_ANNOTATION]);
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
    const key = host.trim().toLowerCase().replace(/\.$/, '');
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    names.push({ host: key, field });
  };
  if (useDefined) {
    listField(base, spec.rules, 'spec.rules').forEach((raw, i) => {
      const rule = objectItem(base, raw, `spec.rules[${i}]`);
      if (rule) add(stringField(base, rule.host, `spec.rules[${i}].host`), `spec.rules[${i}].host`);
    });
    listField(base, spec.tls, 'spec.tls').forEach((raw, i) => {
      const tls = objectItem(base, raw, `spec.tls[${i}]`);
      if (!tls) return;
      listField(base, tls.hosts, `spec.tls[${i}].hosts`).forEach((h, j) =>
        add(stringField(base, h, `spec.tls[${i}].hosts[${j}]`), `spec.tls[${i}].hosts[${j}]`),
      );
    });
  }
  if (useAnnotation) {
    for (const h of splitList(ann[HOSTNAME_ANNOTATION]))
      add(h, `metadata.annotations["${HOSTNAME_ANNOTATION}"]`);
  }
  if (names.length > 0 && targets.length === 0) {
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: Ingress has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
    );
  }
  for (const n of names) base.claims.push(...claimsFor(n.host, targets, { ...base.common, field: n.field }));
}
