/**
 * The troubleshooting flow for one name, as a pure function of what was gathered: which objects
 * claim it, whether they have an address, which setting keeps them out, which rule denies them,
 * who owns the name in the TXT registry, what the plan would do, and what the authoritative
 * server answers. Ends in one verdict line that says what to change.
 */
import {
  describeEndpoint,
  LabelKey,
  newEndpoint,
  normalizeDnsName,
  sameTargets,
  type Endpoint,
} from '../core/model/endpoint.js';
import { Ann, DEFAULT_ANNOTATION_PREFIX, extract, prefixesRead, sourceOf } from '../core/hostnames/index.js';
import { describeRef, type KubeObject } from '../core/model/objects.js';
import { OwnershipIndex } from '../core/ownership.js';
import { plan, type PlanConflict } from '../core/plan.js';
import type { Provider } from '../core/providers/provider.js';
import type { Changes } from '../core/model/changes.js';
import { zoneFor } from '../core/providers/provider.js';
import { TxtRegistry } from '../core/registry/txt-registry.js';
import { type RegistrySnapshot } from '../core/registry/registry.js';
import { serializeLabels } from '../core/registry/txt-labels.js';
import { validateObjects, gatewayLookup } from '../core/evaluate.js';
import { claimCovers, txtNamesFor } from './names.js';
import type { DnsAnswer } from './dns-query.js';
import type {
  ClaimantFinding,
  DoctorEvidence,
  DoctorReport,
  DoctorSettings,
  OwnershipFinding,
  PlanFinding,
  Step,
  VerdictStatus,
} from './types.js';

/** A Provider over a fixed list of records: lets the TXT registry interpret what doctor read. */
export function recordsProvider(records: readonly Endpoint[], source: string): Provider {
  return {
    name: source,
    zones: async () => [],
    records: async () => records.map((r) => ({ ...r, targets: [...r.targets], labels: { ...r.labels } })),
    applyChanges: async (_c: Changes) => {
      throw new Error('doctor is read-only');
    },
  };
}

/** DNS answers as provider records: one endpoint per (owner name, type), TTL of the set. */
export function endpointsFromAnswers(answers: readonly DnsAnswer[]): Endpoint[] {
  const sets = new Map<string, { name: string; type: string; ttl: number; data: string[] }>();
  for (const a of answers) {
    for (const r of a.records) {
      // only records at the asked name: a CNAME chain's target records belong to another name
      if (r.name !== normalizeDnsName(a.name)) continue;
      const key = `${r.name}|${r.type}`;
      const s = sets.get(key) ?? { name: r.name, type: r.type, ttl: r.ttl, data: [] };
      if (!s.data.includes(r.data)) s.data.push(r.data);
      s.ttl = Math.min(s.ttl, r.ttl);
      sets.set(key, s);
    }
  }
  return [...sets.values()].map((s) => newEndpoint(s.name, s.type, s.data, s.ttl));
}

/** The names doctor reads: the host and every TXT ownership name for it. */
export function namesToRead(host: string, settings: DoctorSettings): { host: string; txt: string[] } {
  const h = normalizeDnsName(host);
  return { host: h, txt: txtNamesFor(settings.mapper, h, settings.managedRecordTypes).map((n) => n.name) };
}

function stripController(obj: KubeObject, prefix = DEFAULT_ANNOTATION_PREFIX): KubeObject {
  const ann = { ...(obj.metadata?.annotations ?? {}) };
  for (const p of prefixesRead(prefix)) delete ann[p + Ann.controller];
  return { ...obj, metadata: { ...obj.metadata, annotations: ann } };
}

function claimantsOf(
  host: string,
  settings: DoctorSettings,
  evidence: DoctorEvidence,
  ownership: OwnershipIndex | undefined,
) {
  const objs = evidence.objects ?? [];
  const results = validateObjects(
    objs.map((o) => o.obj),
    { ...settings.ruleContext, ...(ownership ? { ownership } : {}) },
    settings.extractContext,
    { filter: settings.objectFilter },
  );
  const gateway = gatewayLookup(objs.map((o) => o.obj));
  const findings: ClaimantFinding[] = [];
  const desired: Endpoint[] = [];
  let ri = 0;
  for (const o of objs) {
    if (!sourceOf(o.obj)) continue;
    const r = results[ri++];
    let claims = r.extraction.claims.filter((c) => claimCovers(c.hostname, host));
    const skipped = r.extraction.skipped;
    if (claims.length === 0 && skipped) {
      // skipped before its names were read (controller annotation, ingress class): read them anyway
      const unscoped = extract(stripController(o.obj, settings.extractContext.annotationPrefix), {
        ...settings.extractContext,
        ingressClasses: [],
        gateway,
      });
      claims = unscoped.claims.filter((c) => claimCovers(c.hostname, host));
    }
    if (claims.length === 0) continue;
    const who = describeRef(r.verdict.ref);
    for (const c of claims) {
      const violations = r.verdict.violations.filter((v) => v.hostname.split(', ').includes(c.hostname));
      const otherViolations = r.verdict.violations.filter(
        (v) => !v.hostname.split(', ').includes(c.hostname),
      );
      const warnings = [
        ...r.verdict.warnings.filter((w) => w.includes(c.hostname)),
        ...otherViolations.map(
          (v) => `denied for another of its hostnames: ${v.hostname}: ${v.rule}: ${v.message}`,
        ),
      ];
      findings.push({
        object: who,
        origin: o.origin,
        source: sourceOf(o.obj) ?? '',
        field: c.field,
        claimedName: c.hostname,
        ...(c.recordType ? { recordType: c.recordType } : {}),
        targets: [...c.targets],
        ...(c.ttl !== undefined ? { ttl: c.ttl } : {}),
        hasAddress: !!c.recordType && c.targets.length > 0,
        ...(skipped ? { outOfScope: skipped } : {}),
        allowed: r.verdict.allowed,
        violations: violations.map((v) => ({ rule: v.rule, message: v.message, fix: v.fix })),
        warnings,
      });
    }
    desired.push(...r.endpoints.filter((ep) => ep.dnsName === host));
  }
  return { findings, desired };
}

function ownershipOf(
  host: string,
  snapshot: RegistrySnapshot,
  current: readonly Endpoint[],
  settings: DoctorSettings,
  types: readonly string[],
): OwnershipFinding {
  const txtValue = (name: string) =>
    current.find((e) => e.recordType === 'TXT' && e.dnsName === name)?.targets[0] ?? '';
  return {
    records: snapshot.records
      .filter((r) => r.dnsName === host && r.recordType !== 'TXT')
      .map((r) => ({
        recordType: r.recordType,
        targets: r.targets,
        ...(r.ttl ? { ttl: r.ttl } : {}),
        owner: r.labels[LabelKey.owner] ?? '',
        ...(r.labels[LabelKey.resource] ? { resource: r.labels[LabelKey.resource] } : {}),
      })),
    txt: snapshot.claims
      .filter((c) => c.dnsName === host)
      .map((c) => ({
        txtName: c.txtName,
        recordType: c.recordType,
        owner: c.labels[LabelKey.owner] ?? '',
        ...(c.labels[LabelKey.resource] ? { resource: c.labels[LabelKey.resource] } : {}),
        value: txtValue(c.txtName),
      })),
    expectedTxtNames: types.map((t) => settings.mapper.txtNameFor(host, t)),
  };
}

function describeConflict(
  host: string,
  c: PlanConflict,
  settings: DoctorSettings,
  ownership: OwnershipFinding | undefined,
): string {
  const txt = ownership?.txt.find(
    (t) =>
      t.owner === c.owner &&
      (t.recordType === c.recordType ||
        t.recordType === '' ||
        c.recordType === 'CNAME' ||
        t.recordType === 'CNAME'),
  );
  switch (c.reason) {
    case 'owned-by-other':
      return ownedByMessage(host, settings, c.owner ?? '', c.recordType, txt?.txtName);
    case 'unowned': {
      const existing = ownership?.records.find((r) => r.owner === '')?.recordType ?? c.recordType;
      return unownedMessage(host, settings, existing, c.desired.labels[LabelKey.resource]);
    }
    case 'lost-to-other-resource':
      return `${c.desired.labels[LabelKey.resource]} and ${c.winner} both want ${host} ${c.recordType}; ${c.winner} wins: remove the name from one of them`;
    case 'cname-conflict':
      return `a CNAME cannot share ${host} with other records (RFC 1034 §3.6.2): publish either the CNAME or the A/AAAA records`;
  }
}

function ownedByMessage(
  host: string,
  settings: DoctorSettings,
  owner: string,
  recordType: string,
  txtName: string | undefined,
): string {
  return `owned by ${owner}: change --txt-owner-id to "${owner}" if this instance is that owner, or have ${owner} release ${host} (remove the TXT record ${txtName ?? settings.mapper.txtNameFor(host, recordType)} and its ${recordType} record) so that "${settings.ownerId}" can take it`;
}

function unownedMessage(
  host: string,
  settings: DoctorSettings,
  recordType: string,
  resource: string | undefined,
): string {
  const labels = {
    [LabelKey.owner]: settings.ownerId,
    ...(resource ? { [LabelKey.resource]: resource } : {}),
  };
  return `${host} ${recordType} exists with no ownership record, so zoneguard leaves it alone: delete it, or adopt it by adding TXT ${settings.mapper.txtNameFor(host, recordType)} "${serializeLabels(labels, false)}"`;
}

/** Who else holds the name, as a verdict; undefined when nobody else does. */
function ownershipVerdict(host: string, settings: DoctorSettings, own: OwnershipFinding): string | undefined {
  const foreign = own.records.find((r) => r.owner !== settings.ownerId);
  if (foreign) {
    return foreign.owner
      ? ownedByMessage(
          host,
          settings,
          foreign.owner,
          foreign.recordType,
          own.txt.find((t) => t.owner === foreign.owner)?.txtName,
        )
      : unownedMessage(host, settings, foreign.recordType, undefined);
  }
  const orphan = own.txt.find((t) => t.owner !== settings.ownerId);
  if (orphan) return ownedByMessage(host, settings, orphan.owner, orphan.recordType || 'A', orphan.txtName);
  return undefined;
}

function dnsSummary(answers: readonly DnsAnswer[], host: string): string {
  const parts: string[] = [];
  for (const a of answers) {
    if (a.error) {
      parts.push(`${a.type} ${a.name}: no answer (${a.error})`);
      continue;
    }
    const recs = a.records.filter((r) => r.name === normalizeDnsName(a.name) && r.type === a.type);
    if (recs.length === 0) {
      // an absent TXT ownership name is the normal case: mention only the host's empty answers
      const normal = a.rcode === 'NOERROR' || a.rcode === 'NXDOMAIN';
      if (a.name === host || !normal)
        parts.push(
          `${a.type} ${a.name}: ${a.rcode === 'NOERROR' ? 'no records' : a.rcode}${a.authoritative === false ? ' (not authoritative)' : ''}`,
        );
      continue;
    }
    parts.push(
      `${a.type} ${a.name}: ${recs.map((r) => `${a.type === 'TXT' ? `"${r.data}"` : r.data} ttl ${r.ttl}`).join(', ')}${a.authoritative === false ? ' (not authoritative)' : ''}`,
    );
  }
  return parts.join('; ');
}

export function diagnose(hostIn: string, settings: DoctorSettings, evidence: DoctorEvidence): DoctorReport {
  const host = normalizeDnsName(hostIn);
  const steps: Step[] = [];
  const report: DoctorReport = {
    host,
    ownerId: settings.ownerId,
    policy: settings.policy,
    steps,
    verdict: { status: 'unknown', message: '' },
  };
  const verdicts: { status: VerdictStatus; message: string }[] = [];
  const conclude = (status: VerdictStatus, message: string) => verdicts.push({ status, message });

  // ownership first: the rules (ownership, duplicate) and the plan need it
  let snapshot: RegistrySnapshot | undefined;
  let index: OwnershipIndex | undefined;
  if (evidence.current) {
    const registry = new TxtRegistry(
      recordsProvider(evidence.current, evidence.currentSource ?? 'records'),
      settings.registry ?? {
        ownerId: settings.ownerId,
        prefix: settings.mapper.prefix,
        suffix: settings.mapper.suffix,
        wildcardReplacement: settings.mapper.wildcardReplacement,
      },
    );
    snapshot = registry.interpret(evidence.current);
    index = new OwnershipIndex(snapshot);
    report.ownership = ownershipOf(host, snapshot, evidence.current, settings, settings.managedRecordTypes);
  }

  // 1-4: objects, addresses, scope, rules
  let desired: Endpoint[] | undefined;
  if (evidence.objects) {
    const { findings, desired: d } = claimantsOf(host, settings, evidence, index);
    report.claimants = findings;
    desired = d;
    if (findings.length === 0) {
      steps.push({
        step: 'objects',
        status: 'fail',
        detail: `none of ${evidence.objects.length} object(s) claims ${host}`,
      });
    } else {
      for (const f of findings) {
        const what = `${f.recordType ?? '(no type yet)'}${f.targets.length ? ` ${f.targets.join(',')}` : ''}`;
        const wildcard = f.claimedName !== host ? ` via wildcard ${f.claimedName}` : '';
        steps.push({
          step: 'objects',
          status: 'ok',
          detail: `${f.object} (${f.origin}) claims ${host}${wildcard} ${what} at ${f.field}`,
        });
        steps.push(
          f.hasAddress
            ? { step: 'address', status: 'ok', detail: `${f.object}: targets ${f.targets.join(', ')}` }
            : {
                step: 'address',
                status: 'warn',
                detail: `${f.object}: no usable address yet${f.warnings.length ? `: ${f.warnings[0]}` : ''}`,
              },
        );
        steps.push(
          f.outOfScope
            ? { step: 'scope', status: 'fail', detail: `${f.object} is out of scope: ${f.outOfScope}` }
            : {
                step: 'scope',
                status: 'ok',
                detail: `${f.object}: in scope (source ${f.source}${settings.objectFilter.namespace ? `, --namespace ${settings.objectFilter.namespace}` : ''})`,
              },
        );
        if (!f.outOfScope) {
          if (f.violations.length)
            for (const v of f.violations)
              steps.push({
                step: 'rules',
                status: 'fail',
                detail: `${f.object}: ${v.rule}: ${v.message} (fix: ${v.fix})`,
              });
          else if (!f.allowed)
            steps.push({
              step: 'rules',
              status: 'fail',
              detail: `${f.object}: ${f.warnings.find((w) => w.startsWith('denied')) ?? 'denied'}`,
            });
          else
            steps.push({
              step: 'rules',
              status: 'ok',
              detail: `${f.object}: allowed by every rule${index ? '' : ' (ownership not checked)'}`,
            });
        }
      }
    }
    const inScope = findings.filter((f) => !f.outOfScope);
    const allowed = inScope.filter((f) => f.allowed);
    if (findings.length === 0) {
      // decided below, once ownership is known
    } else if (inScope.length === 0) {
      const f = findings[0];
      conclude('problem', `${f.object} is out of scope: ${f.outOfScope}: change that setting, or the object`);
    } else if (allowed.length === 0) {
      const f = inScope[0];
      const v = f.violations[0];
      const owner =
        v?.rule === 'ownership' && report.ownership
          ? ownershipVerdict(host, settings, report.ownership)
          : undefined;
      if (owner) conclude('problem', `${f.object} is denied: ${owner}`);
      else
        conclude(
          'problem',
          v
            ? `${f.object} is denied: ${v.rule}: ${v.message} (fix: ${v.fix})`
            : `${f.object} is ${f.warnings.find((w) => w.startsWith('denied')) ?? 'denied'}`,
        );
    } else if (!allowed.some((f) => f.hasAddress)) {
      const f = allowed[0];
      conclude('pending', `${f.object} has nothing to publish yet: ${f.warnings[0] ?? 'it has no target'}`);
    }
  } else {
    steps.push({
      step: 'objects',
      status: 'skip',
      detail: evidence.objectsNote ?? 'no -f manifests and no --kubeconfig: objects not checked',
    });
  }

  // 5: zone
  if (evidence.zones) {
    const zone = zoneFor(
      evidence.zones.map((z) => ({ id: z, name: z })),
      host,
    );
    if (zone) steps.push({ step: 'zone', status: 'ok', detail: `in zone ${zone.name}` });
    else {
      steps.push({
        step: 'zone',
        status: 'fail',
        detail: `no managed zone contains ${host} (zones: ${evidence.zones.join(', ') || 'none'})`,
      });
      conclude(
        'problem',
        `no zone the provider manages contains ${host} (zones: ${evidence.zones.join(', ') || 'none'}): check --domain-filter, --zone-id-filter and the provider's zones`,
      );
    }
  }

  // 6: ownership
  const types = [...new Set((desired ?? []).map((e) => e.recordType))];
  if (snapshot && evidence.current && report.ownership) {
    const own = report.ownership;
    if (types.length) own.expectedTxtNames = types.map((t) => settings.mapper.txtNameFor(host, t));
    if (own.records.length === 0 && own.txt.length === 0)
      steps.push({
        step: 'ownership',
        status: 'info',
        detail: `no records and no ownership TXT records at ${host} (${evidence.currentSource})`,
      });
    for (const r of own.records) {
      const mine = r.owner === settings.ownerId;
      steps.push({
        step: 'ownership',
        status: mine ? 'ok' : 'warn',
        detail: `${host} ${r.recordType} ${r.targets.join(',')} is ${r.owner ? `owned by "${r.owner}"${r.resource ? ` (${r.resource})` : ''}` : 'not owned by anyone (no ownership TXT record)'}${mine ? ' (this instance)' : ''}`,
      });
    }
    for (const t of own.txt) {
      if (
        own.records.some((r) => r.owner === t.owner && (r.recordType === t.recordType || t.recordType === ''))
      )
        continue;
      steps.push({
        step: 'ownership',
        status: 'warn',
        detail: `TXT ${t.txtName} claims ${host} ${t.recordType || '(any type)'} for "${t.owner}" but the record itself is missing`,
      });
    }
  } else {
    steps.push({
      step: 'ownership',
      status: 'skip',
      detail: evidence.currentNote ?? 'no --provider and no name server: ownership not checked',
    });
  }

  // 7: plan for this host
  if (desired && snapshot) {
    const current = snapshot.records.filter((r) => r.dnsName === host);
    const input = {
      current,
      desired,
      ownerId: settings.ownerId,
      managedRecordTypes: settings.managedRecordTypes,
      domainFilter: settings.domainFilter,
    };
    const p = plan({ ...input, policy: settings.policy });
    const finding: PlanFinding = {
      create: p.changes.create.map(describeEndpoint),
      update: p.changes.updateNew.map(
        (ep, i) => `${describeEndpoint(ep)} (was ${p.changes.updateOld[i].targets.join(',')})`,
      ),
      delete: p.changes.delete.map(describeEndpoint),
      conflicts: p.conflicts.map((c) => ({
        recordType: c.recordType,
        reason: c.reason,
        ...(c.owner ? { owner: c.owner } : {}),
        ...(c.winner ? { winner: c.winner } : {}),
        ...(c.desired.labels[LabelKey.resource] ? { resource: c.desired.labels[LabelKey.resource] } : {}),
      })),
    };
    report.plan = finding;
    for (const c of p.conflicts) {
      const msg = describeConflict(host, c, settings, report.ownership);
      steps.push({ step: 'plan', status: 'fail', detail: `${c.recordType}: ${c.reason}` });
      conclude('problem', msg);
    }
    const changes = [
      ...finding.create.map((s) => `create ${s}`),
      ...finding.update.map((s) => `update ${s}`),
      ...finding.delete.map((s) => `delete ${s}`),
    ];
    if (changes.length) {
      steps.push({ step: 'plan', status: 'warn', detail: `the reconciler would ${changes.join('; ')}` });
      // with no claimant the final verdict says so, and what happens to the record
      if (report.claimants?.length)
        conclude(
          'pending',
          `not in sync yet: the reconciler would ${changes.join('; ')}; if this persists, check that a reconciler is leader and its provider errors (zoneguard_provider_errors_total, log "provider error")`,
        );
    } else if (!p.conflicts.length) {
      // policy may be what holds a change back
      const sync = plan({ ...input, policy: 'sync' });
      const held = [
        ...sync.changes.updateNew.map((ep) => `update to ${describeEndpoint(ep)}`),
        ...sync.changes.delete.map((ep) => `delete of ${describeEndpoint(ep)}`),
      ];
      if (held.length) {
        steps.push({
          step: 'plan',
          status: 'fail',
          detail: `--policy ${settings.policy} holds back: ${held.join('; ')}`,
        });
        if (report.claimants?.length)
          conclude(
            'problem',
            `--policy ${settings.policy} holds back the ${held.join('; ')}: use --policy ${sync.changes.delete.length && !sync.changes.updateNew.length ? 'sync' : 'upsert-only or sync'}, or change the record by hand`,
          );
      } else if (desired.length)
        steps.push({ step: 'plan', status: 'ok', detail: 'in sync: nothing to change' });
    }
  }

  // 8: what the server answers now
  if (evidence.dns) {
    const answers = evidence.dns.answers;
    report.dns = {
      server: evidence.dns.server,
      via: evidence.dns.via,
      answers: answers.map((a) => ({
        name: a.name,
        type: a.type,
        ...(a.rcode ? { rcode: a.rcode } : {}),
        ...(a.authoritative !== undefined ? { authoritative: a.authoritative } : {}),
        records: a.records.map((r) => ({ type: r.type, ttl: r.ttl, data: r.data })),
        ...(a.error ? { error: a.error } : {}),
      })),
    };
    const failed = answers.filter((a) => a.error);
    const notAuth = answers.some((a) => !a.error && a.authoritative === false);
    steps.push({
      step: 'dns',
      status: failed.length ? 'fail' : notAuth ? 'warn' : 'info',
      detail: `${evidence.dns.server} (${evidence.dns.via}) answers: ${dnsSummary(answers, host) || 'nothing'}`,
    });
    // without a provider the server is the only source of ownership: its silence decides
    const fromProvider = evidence.currentSource?.startsWith('provider') ?? false;
    if (failed.length === answers.length && answers.length && !fromProvider)
      conclude('unknown', `${evidence.dns.server} did not answer (${failed[0].error}): check --nameserver`);
    if (notAuth)
      conclude(
        'unknown',
        `${evidence.dns.server} is not authoritative for ${host}: point --nameserver at the zone's primary`,
      );
    // the provider says in sync, the server disagrees: a secondary not yet transferred, or caching
    if (desired && desired.length && verdicts.length === 0) {
      const live = endpointsFromAnswers(answers.filter((a) => a.name === host));
      for (const d of desired) {
        const got = live.find((l) => l.recordType === d.recordType);
        if (!got || !sameTargets(got.targets, d.targets)) {
          conclude(
            'pending',
            `${evidence.dns.server} answers ${host} ${d.recordType} ${got ? got.targets.join(',') : 'nothing'}, the wanted value is ${d.targets.join(',')}: the change is not visible there yet (zone transfer, or a caching server: TTL ${got?.ttl ?? 'n/a'}s)`,
          );
        }
      }
    }
  } else {
    steps.push({ step: 'dns', status: 'skip', detail: evidence.dnsNote ?? 'no name server to ask' });
  }

  // verdict
  if (verdicts.length) {
    const order: VerdictStatus[] = ['problem', 'pending', 'unknown', 'ok'];
    verdicts.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
    report.verdict = verdicts[0];
  } else {
    report.verdict = finalVerdict(host, settings, report, desired);
  }
  return report;
}

function finalVerdict(
  host: string,
  settings: DoctorSettings,
  report: DoctorReport,
  desired: Endpoint[] | undefined,
): { status: VerdictStatus; message: string } {
  const own = report.ownership;
  const foreign = own?.records.find((r) => r.owner !== settings.ownerId);
  const mine = own?.records.filter((r) => r.owner === settings.ownerId) ?? [];
  if (report.claimants && report.claimants.length === 0) {
    if (mine.length) {
      return {
        status: 'problem',
        message: `no object claims ${host}, yet its ${mine.map((r) => r.recordType).join('/')} record is owned by "${settings.ownerId}" (${mine[0].resource ?? 'unknown resource'}): ${settings.policy === 'sync' ? 'the reconciler deletes it on its next sync' : `--policy ${settings.policy} keeps it; delete it by hand or use --policy sync`}`,
      };
    }
    if (foreign)
      return {
        status: 'problem',
        message: `no object here claims ${host}; it is ${foreign.owner ? `owned by "${foreign.owner}"${foreign.resource ? ` (${foreign.resource})` : ''}` : 'a record with no ownership TXT record'}`,
      };
    return {
      status: 'problem',
      message: `no object claims ${host}: add it to an object (the ${DEFAULT_ANNOTATION_PREFIX}hostname annotation, an Ingress rule host, an HTTPRoute hostname, or a DNSEndpoint)`,
    };
  }
  if (!desired) {
    // objects not checked: say what the zone holds
    const other = own && ownershipVerdict(host, settings, own);
    if (other) return { status: 'problem', message: other };
    if (mine.length)
      return {
        status: 'ok',
        message: `${host} is published (${mine.map((r) => `${r.recordType} ${r.targets.join(',')}`).join('; ')}) and owned by "${settings.ownerId}"`,
      };
    if (own)
      return {
        status: 'unknown',
        message: `${host} has no records and no owner; give -f or --kubeconfig to see which object should publish it`,
      };
    return {
      status: 'unknown',
      message: 'nothing could be checked: give -f or --kubeconfig, and --nameserver or --provider',
    };
  }
  if (!own)
    return {
      status: 'unknown',
      message: `${report.claimants?.[0]?.object ?? 'the object'} is allowed; give --nameserver or --provider to check what is published`,
    };
  const published = desired.map((d) => `${d.recordType} ${d.targets.join(',')}`).join('; ');
  const answered = report.dns && report.dns.answers.some((a) => !a.error);
  return {
    status: 'ok',
    message: `${host} is published (${published}) and owned by "${settings.ownerId}"${answered ? `; ${report.dns?.server} answers it` : ''}`,
  };
}
