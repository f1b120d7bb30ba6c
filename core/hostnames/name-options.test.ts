/**
 * Which names an object yields under --fqdn-template, --combine-fqdn-annotation,
 * --ignore-hostname-annotation, --ignore-ingress-tls-spec and --ignore-ingress-rules-spec, each row
 * after external-dns: source/ingress_fqdn_test.go ("templating resolve Ingress source hostnames to
 * IP", "... with different hostnames and rules"), source/service_fqdn_test.go, source/ingress_test.go
 * (ignore-ingress-tls-spec / ignore-ingress-rules-spec / ignore-hostname-annotation rows) and
 * source/template/engine_test.go TestCombineWithEndpoints (combine=false keeps the object's own
 * names; combine=true appends the template's).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import { gatewayLookup } from '../evaluate.js';
import { extract, type ExtractContext } from './index.js';
import { FqdnTemplate } from './fqdn-template.js';

const objects = loadManifests([join(import.meta.dirname, 'fixtures')]).map((l) => l.obj);
const base: ExtractContext = { ingressClasses: [], defaultTargets: [], gateway: gatewayLookup(objects) };

function names(kind: string, name: string, ctx: Partial<ExtractContext>) {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture ${kind} ${name} missing`);
  const x = extract(o, { ...base, ...ctx });
  return {
    claims: x.claims.map(
      (c) => `${c.hostname} ${c.recordType ?? '?'}${c.targets.length ? ' ' + c.targets.join(',') : ''}`,
    ),
    fields: x.claims.map((c) => c.field),
    problems: x.problems.map((p) => p.message),
    warnings: x.warnings,
  };
}

const t = (...v: string[]) => FqdnTemplate.parse(v);

const rows: {
  name: string;
  kind: string;
  obj: string;
  ctx: Partial<ExtractContext>;
  want: string[];
  problem?: RegExp;
  warning?: RegExp;
}[] = [
  {
    name: 'template only when the Ingress has no name of its own (combine off)',
    kind: 'Ingress',
    obj: 'fqdn-ingress',
    ctx: { fqdnTemplate: t('{{.Name }}.nip.io') },
    want: ['example.org CNAME 10.200.130.84.nip.io'],
  },
  {
    name: 'ingress_fqdn_test "templating resolve Ingress source hostnames to IP" (combine on)',
    kind: 'Ingress',
    obj: 'fqdn-ingress',
    ctx: { fqdnTemplate: t('{{.Name }}.nip.io'), combineFqdnAnnotation: true },
    want: ['example.org CNAME 10.200.130.84.nip.io', 'fqdn-ingress.nip.io CNAME 10.200.130.84.nip.io'],
  },
  {
    name: 'an Ingress without hosts takes the template, with its status targets',
    kind: 'Ingress',
    obj: 'fqdn-no-hosts',
    ctx: { fqdnTemplate: t('{{ .Name }}.{{ .Namespace }}.example.com') },
    want: ['fqdn-no-hosts.default.example.com A 203.0.113.80'],
  },
  {
    name: 'ingress_fqdn_test: template reading spec.tls (typed .Spec.TLS/.Hosts), combine on',
    kind: 'Ingress',
    obj: 'fqdn-tls',
    ctx: {
      fqdnTemplate: t(
        '{{ .Name }}.test.org,{{ range .Spec.TLS }}{{ range $value := .Hosts }}{{ $value | replace "." "-" }}.internal{{break}}{{end}}{{end}}',
      ),
      combineFqdnAnnotation: true,
    },
    want: [
      'foo.bar.com CNAME 10.09.15.25',
      'https-example.foo.com CNAME 10.09.15.25',
      'https-example.bar.com CNAME 10.09.15.25',
      'annotated.example.com CNAME 10.09.15.25',
      'fqdn-tls.test.org CNAME 10.09.15.25',
      'https-example-foo-com.internal CNAME 10.09.15.25',
    ],
  },
  {
    name: '--ignore-ingress-tls-spec drops spec.tls hosts',
    kind: 'Ingress',
    obj: 'fqdn-tls',
    ctx: { ignoreIngressTlsSpec: true },
    want: ['foo.bar.com CNAME 10.09.15.25', 'annotated.example.com CNAME 10.09.15.25'],
  },
  {
    name: '--ignore-ingress-rules-spec drops spec.rules hosts',
    kind: 'Ingress',
    obj: 'fqdn-tls',
    ctx: { ignoreIngressRulesSpec: true },
    want: [
      'https-example.foo.com CNAME 10.09.15.25',
      'https-example.bar.com CNAME 10.09.15.25',
      'annotated.example.com CNAME 10.09.15.25',
    ],
  },
  {
    name: '--ignore-hostname-annotation drops the annotation',
    kind: 'Ingress',
    obj: 'fqdn-tls',
    ctx: { ignoreHostnameAnnotation: true, ignoreIngressRulesSpec: true, ignoreIngressTlsSpec: true },
    want: [],
  },
  {
    name: 'all three ignored, then the template is the only name',
    kind: 'Ingress',
    obj: 'fqdn-tls',
    ctx: {
      ignoreHostnameAnnotation: true,
      ignoreIngressRulesSpec: true,
      ignoreIngressTlsSpec: true,
      fqdnTemplate: t('{{ .Name }}.example.com'),
    },
    want: ['fqdn-tls.example.com CNAME 10.09.15.25'],
  },
  {
    name: 'service_fqdn_test: a LoadBalancer Service without annotation gets the template name and its LB address',
    kind: 'Service',
    obj: 'fqdn-lb',
    ctx: { fqdnTemplate: t('{{ .Name }}.{{ .Labels.env }}.example.com') },
    want: ['fqdn-lb.prod.example.com A 203.0.113.81'],
  },
  {
    name: 'a Service with its own names keeps them (combine off)',
    kind: 'Service',
    obj: 'fqdn-annotated',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.com') },
    want: ['own.example.com A 203.0.113.82', 'own-internal.example.com A 10.96.0.81'],
  },
  {
    name: 'combine on: the template name gets the hostname annotation targets, not the cluster IP',
    kind: 'Service',
    obj: 'fqdn-annotated',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.com'), combineFqdnAnnotation: true },
    want: [
      'own.example.com A 203.0.113.82',
      'own-internal.example.com A 10.96.0.81',
      'fqdn-annotated.example.com A 203.0.113.82',
    ],
  },
  {
    name: '--ignore-hostname-annotation drops a Service hostname and internal-hostname (service.go endpoints())',
    kind: 'Service',
    obj: 'fqdn-annotated',
    ctx: { ignoreHostnameAnnotation: true },
    want: [],
  },
  {
    name: 'gateway.go hosts(): a route without spec.hostnames takes the template (narrowed to the listener) as well as the listener name',
    kind: 'HTTPRoute',
    obj: 'fqdn-route',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.com,{{ .Name }}.example.org') },
    want: ['*.example.com A 203.0.113.50', 'fqdn-route.example.com A 203.0.113.50'],
  },
  {
    name: "gateway.go hosts(): a TCPRoute (no spec.hostnames in its API) takes the template's names",
    kind: 'TCPRoute',
    obj: 'fqdn-tcp',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.com') },
    want: ['fqdn-tcp.example.com A 203.0.113.60'],
  },
  {
    name: "gateway.go hosts(): a UDPRoute takes the template's names",
    kind: 'UDPRoute',
    obj: 'fqdn-udp',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.org') },
    want: ['fqdn-udp.example.org A 203.0.113.60'],
  },
  {
    name: 'DNSEndpoint takes no template (docs "Supported Sources": crd No)',
    kind: 'DNSEndpoint',
    obj: 'fqdn-crd',
    ctx: { fqdnTemplate: t('{{ .Name }}.example.com'), combineFqdnAnnotation: true },
    want: ['crd.example.com A 203.0.113.83'],
  },
  {
    name: 'a template failing on the object is an object problem naming the flag',
    kind: 'Service',
    obj: 'fqdn-lb',
    ctx: { fqdnTemplate: t('{{ .Spec.nothing.here }}.example.com') },
    want: [],
    problem: /--fqdn-template failed on this object: can't evaluate field here/,
  },
];

describe('names an object yields under the name flags', () => {
  it.each(rows)('$name', ({ kind, obj, ctx, want, problem, warning }) => {
    const r = names(kind, obj, ctx);
    expect(r.claims).toEqual(want);
    if (problem) expect(r.problems.join('\n')).toMatch(problem);
    else expect(r.problems).toEqual([]);
    if (warning) expect(r.warnings.join('\n')).toMatch(warning);
  });

  it('a templated claim names the flag as its field', () => {
    const r = names('Service', 'fqdn-lb', { fqdnTemplate: t('{{ .Name }}.example.com') });
    expect(r.fields).toEqual(['--fqdn-template "{{ .Name }}.example.com"']);
  });
});
