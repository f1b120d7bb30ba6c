/**
 * F5 CIS VirtualServer and TransportServer (cis.f5.com/v1) → claims, as external-dns's
 * f5-virtualserver and f5-transportserver sources read them (docs/sources/f5-virtualserver.md,
 * docs/sources/f5-transportserver.md, source/f5_virtualserver.go, source/f5_transportserver.go,
 * rows of source/f5_virtualserver_test.go and f5_transportserver_test.go):
 * - names: spec.host, and a VirtualServer's spec.hostAliases (blank aliases skipped); no hostname
 *   annotation (neither source reads one);
 * - targets: the target annotation, else spec.virtualServerAddress, else status.vsAddress;
 * - skipped while status.vsAddress is empty or "None" (any case): CIS has not given the object an
 *   address yet ("with no IP address set", "with missing IP address and OK status"), even when
 *   spec.virtualServerAddress is set; status.status ("ERROR") does not matter ("with error status
 *   but valid IP").
 *
 * Beyond external-dns, for admission: a skipped object's names are checked, without targets. At
 * CREATE CIS has not written status yet, and these are the names it will publish once it does; a
 * webhook that waited for status would check nothing.
 */
import { isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, stringField } from './common.js';
import { annotationTargets, cleanHost, pushClaims, type Name } from './crd-common.js';

/** Whether CIS has given the object an address (external-dns's hasValidVirtualServerIP). */
export function hasF5Address(status: unknown): boolean {
  const a = isRecord(status) && typeof status.vsAddress === 'string' ? status.vsAddress.toLowerCase() : '';
  return a !== '' && a !== 'none';
}

export function extractF5(obj: KubeObject, _ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  const names: Name[] = [];
  const host = stringField(base, spec.host, 'spec.host');
  if (host) names.push({ host, field: 'spec.host' });
  if (obj.kind === 'VirtualServer')
    listField(base, spec.hostAliases, 'spec.hostAliases').forEach((a, i) => {
      const alias = stringField(base, a, `spec.hostAliases[${i}]`);
      if (alias) names.push({ host: alias, field: `spec.hostAliases[${i}]` });
    });
  if (names.length === 0) return;
  const vsAddress = stringField(base, status.vsAddress, 'status.vsAddress');
  if (!hasF5Address(status)) {
    pushClaims(base, names, () => []);
    base.warnings.push(
      `${names.map((n) => cleanHost(n.host)).join(', ')}: F5 CIS has not given this ${obj.kind} an address yet (status.vsAddress is ${vsAddress ? JSON.stringify(vsAddress) : 'empty'}); nothing is published until it does`,
    );
    return;
  }
  let targets = annotationTargets(base);
  if (!targets.length) {
    const specAddress = stringField(base, spec.virtualServerAddress, 'spec.virtualServerAddress');
    targets = specAddress ? [specAddress] : vsAddress ? [vsAddress] : [];
  }
  pushClaims(base, names, () => targets);
}
