/**
 * --fqdn-template, table-tested from external-dns: source/template/engine_test.go (TestExecTemplate:
 * "simple template" … "rancher publicEndpoints annotation") and the examples of
 * docs/advanced/fqdn-templating.md. The objects are those of the tests, as manifests.
 */
import { describe, expect, it } from 'vitest';
import { FqdnTemplate, TemplateError } from './fqdn-template.js';
import type { KubeObject } from '../model/objects.js';

const obj = (meta: Record<string, unknown>, rest: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta,
  ...rest,
});

const records = `
[{"dns":"entry1.internal.tld","target":"10.10.10.10"},{"dns":"entry2.example.tld","target":"my.cluster.local"}]`;

const cases: { name: string; tmpl: string | string[]; obj: KubeObject; want: string[]; source?: string }[] = [
  // engine_test.go TestExecTemplate
  {
    name: 'simple template',
    tmpl: '{{ .Name }}.example.com, {{ .Namespace }}.example.org',
    obj: obj({ name: 'test', namespace: 'default' }),
    want: ['default.example.org', 'test.example.com'],
  },
  {
    name: 'multiple hostnames',
    tmpl: '{{.Name}}.example.com, {{.Name}}.example.org',
    obj: obj({ name: 'test', namespace: 'default' }),
    want: ['test.example.com', 'test.example.org'],
  },
  {
    name: 'trim spaces',
    tmpl: '  {{ trim .Name}}.example.com. ',
    obj: obj({ name: ' test ' }),
    want: ['test.example.com'],
  },
  {
    name: 'trim prefix',
    tmpl: '{{ trimPrefix .Name "the-" }}.example.com',
    obj: obj({ name: 'the-test' }),
    want: ['test.example.com'],
  },
  {
    name: 'trim suffix',
    tmpl: '{{ trimSuffix .Name "-v2" }}.example.com',
    obj: obj({ name: 'test-v2' }),
    want: ['test.example.com'],
  },
  {
    name: 'replace dash',
    tmpl: '{{ replace "-" "." .Name }}.example.com',
    obj: obj({ name: 'test-v2' }),
    want: ['test.v2.example.com'],
  },
  {
    name: 'annotations and labels',
    tmpl: '{{.Labels.environment }}.example.com, {{ index .ObjectMeta.Annotations "alb.ingress.kubernetes.io/scheme" }}.{{ .Labels.environment }}.{{ index .ObjectMeta.Annotations "dns.company.com/zone" }}',
    obj: obj({
      name: 'test',
      namespace: 'default',
      annotations: {
        'external-dns.kubernetes.io/hostname': 'test.example.com, test.example.org',
        'alb.ingress.kubernetes.io/scheme': 'internal',
        'dns.company.com/zone': 'company.org',
      },
      labels: { environment: 'production', app: 'myapp' },
    }),
    want: ['internal.production.company.org', 'production.example.com'],
  },
  {
    name: 'labels to lowercase',
    tmpl: '{{ toLower .Labels.department }}.example.org',
    obj: obj({ name: 'test', labels: { department: 'FINANCE' } }),
    want: ['finance.example.org'],
  },
  {
    name: 'generate multiple hostnames with if condition',
    tmpl: '{{ if contains (index .ObjectMeta.Annotations "external-dns.kubernetes.io/hostname") "example.com" }}{{ toLower .Labels.hostoverride }}{{end}}',
    obj: obj({
      name: 'test',
      labels: { hostoverride: 'abrakadabra.google.com' },
      annotations: { 'external-dns.kubernetes.io/hostname': 'test.example.com' },
    }),
    want: ['abrakadabra.google.com'],
  },
  {
    name: 'ignore empty template output',
    tmpl: '{{ if eq .Name "other" }}{{ .Name }}.example.com{{ end }}',
    obj: obj({ name: 'test' }),
    want: [],
  },
  {
    name: 'ignore trailing comma output',
    tmpl: '{{ .Name }}.example.com,',
    obj: obj({ name: 'test' }),
    want: ['test.example.com'],
  },
  {
    name: 'contains label with empty value',
    tmpl: '{{if hasKey .Labels "service.kubernetes.io/headless"}}{{ .Name }}.example.com,{{end}}',
    obj: obj({ name: 'test', labels: { 'service.kubernetes.io/headless': '' } }),
    want: ['test.example.com'],
  },
  {
    name: 'result only contains unique values',
    tmpl: '{{ .Name }}.example.com,{{ .Name }}.example.com,{{ .Name }}.example.com',
    obj: obj({ name: 'test' }),
    want: ['test.example.com'],
  },
  {
    name: 'dns entries in labels',
    tmpl: '\n{{ if hasKey .Labels "records" }}{{ range $entry := (index .Labels "records" | fromJson) }}{{ index $entry "dns" }},{{ end }}{{ end }}',
    obj: obj({ name: 'test', labels: { records } }),
    want: ['entry1.internal.tld', 'entry2.example.tld'],
  },
  {
    name: 'configmap with multiple entries',
    tmpl: '{{ range $entry := (index .Data "entries" | fromJson) }}{{ index $entry "dns" }},{{ end }}',
    obj: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'test-configmap' },
      data: { entries: records },
    },
    want: ['entry1.internal.tld', 'entry2.example.tld'],
  },
  {
    name: 'rancher publicEndpoints annotation',
    tmpl: '\n{{ range $entry := (index .Annotations "field.cattle.io/publicEndpoints" | fromJson) }}{{ index $entry "hostname" }},{{ end }}',
    obj: obj({
      name: 'test',
      annotations: {
        'field.cattle.io/publicEndpoints':
          '[{"addresses":[""],"port":80,"protocol":"HTTP","serviceName":"development:keycloak-ha-service","hostname":"keycloak.snip.com","allNodes":false}]',
      },
    }),
    want: ['keycloak.snip.com'],
  },
  // engine_test.go: JSON-keyed Spec paths (the unstructured retry)
  {
    name: 'range over .Spec.hostnames',
    tmpl: '{{ range .Spec.hostnames }}{{ . }},{{ end }}',
    obj: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { hostnames: ['a.example.com', 'b.example.com'] },
    },
    want: ['a.example.com', 'b.example.com'],
  },
  // docs/advanced/fqdn-templating.md
  {
    name: 'doc: multiple templates, one per flag value',
    tmpl: ['{{ .Name }}.example.com', '{{ .Name }}.{{ .Namespace }}.example.tld', '{{ .Name }}.example.com'],
    obj: obj({ name: 'my-service', namespace: 'my-namespace' }),
    want: ['my-service.example.com', 'my-service.my-namespace.example.tld'],
  },
  {
    name: 'doc: or gives a default for a missing annotation',
    tmpl: '{{ or .Annotations.dns "invalid" }}.example.com',
    obj: obj({ name: 'x' }),
    want: ['invalid.example.com'],
  },
  {
    name: 'doc: only Services (Kind)',
    tmpl: '{{ if eq .Kind "Service" }}{{ .Name }}.svc.example.com{{ end }}{{ if eq .Kind "Pod" }}{{ .Name }}.pod.example.com{{ end }}',
    obj: obj({ name: 'web' }),
    want: ['web.svc.example.com'],
  },
  {
    name: 'doc: isSource selects by the source that read the object',
    tmpl: '{{ if isSource "traefik-proxy" }}{{ .Name }}.proxy.example.com{{ end }}{{ if isSource "service" }}{{ .Name }}.svc.example.com{{ end }}',
    obj: obj({ name: 'web' }),
    source: 'service',
    want: ['web.svc.example.com'],
  },
  {
    name: 'doc: ExternalName Services only (typed field .Spec.Type)',
    tmpl: '{{ if eq .Kind "Service" }}{{ if eq .Spec.Type "ExternalName" }}{{ .Name }}.external.example.com{{ end }}{{ end }}',
    obj: obj({ name: 'ext' }, { spec: { type: 'ExternalName', externalName: 'x.example.net' } }),
    want: ['ext.external.example.com'],
  },
  {
    name: 'doc: selector key (index .Spec.Selector)',
    tmpl: '{{ if eq .Kind "Service" }}{{ if index .Spec.Selector "app" }}{{ .Name }}.{{ index .Spec.Selector "app" }}.example.com{{ end }}{{ end }}',
    obj: obj({ name: 'web-frontend' }, { spec: { selector: { app: 'nginx', tier: 'frontend' } } }),
    want: ['web-frontend.nginx.example.com'],
  },
  {
    name: 'doc: range over labels with $ and printf ","',
    tmpl: '{{ if eq .Kind "Service" }}{{ range $key, $value := .Labels }}{{ if contains $key "app" }}{{ $.Name }}.{{ $value }}.example.com{{ printf "," }}{{ end }}{{ end }}{{ end }}',
    obj: obj({ name: 'svc', labels: { app1: 'one', app2: 'two', tier: 'x' } }),
    want: ['svc.one.example.com', 'svc.two.example.com'],
  },
  {
    name: 'doc: annotations filtered with and/contains',
    tmpl: '{{ if eq .Kind "Service" }}{{ range $k, $v := .Annotations }}{{ if and (contains $k "dns/") (contains $v "example.com") }}{{ $v }}{{ printf "," }}{{ end }}{{ end }}{{ end }}',
    obj: obj({
      name: 'my-service',
      annotations: {
        'dns/primary': 'api.example.com',
        'dns/secondary': 'api-backup.example.com',
        'other/hostname': 'internal.other.org',
        'logging/level': 'debug',
      },
    }),
    want: ['api-backup.example.com', 'api.example.com'],
  },
  {
    name: "doc: a node's first public IPv4 address, dashed (range, break, pipe)",
    tmpl: '{{range .Status.Addresses}}{{if and (eq .Type "ExternalIP") (isIPv4 .Address)}}{{.Address | replace "." "-"}}{{break}}{{end}}{{end}}.example.com',
    obj: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'ExternalIP', address: '2001:db8::1' },
          { type: 'ExternalIP', address: '203.0.113.9' },
          { type: 'ExternalIP', address: '203.0.113.10' },
        ],
      },
    },
    want: ['203-0-113-9.example.com'],
  },
  {
    name: 'doc: multi-variant, else-less if on a label',
    tmpl: '{{ .Name }}.{{ .Labels.env }}.{{ .Labels.region }}.example.com, {{ if eq .Labels.env "prod" }}{{ .Name }}.my-company.tld{{ end }}',
    obj: obj({ name: 'api', labels: { env: 'prod', region: 'us-east-1' } }),
    want: ['api.my-company.tld', 'api.prod.us-east-1.example.com'],
  },
  {
    name: 'doc: the annotation under .ObjectMeta.Annotations',
    tmpl: '{{ index .ObjectMeta.Annotations "dns.company.com/label" }}.{{ .Namespace }}.company.local',
    obj: obj({
      name: 'nginx-v2',
      namespace: 'my-namespace',
      annotations: { 'dns.company.com/label': 'my-org-tld-v2' },
    }),
    want: ['my-org-tld-v2.my-namespace.company.local'],
  },
  // Go text/template behaviour the subset keeps
  {
    name: 'a missing label prints <no value> (Go), which no hostname accepts',
    tmpl: '{{ .Labels.missing }}.example.com',
    obj: obj({ name: 'x' }),
    want: ['<no value>.example.com'],
  },
  {
    name: 'trim markers, else if, with, variables, len, printf',
    tmpl: '{{- $n := len .Labels -}} {{ if gt $n 5 }}many{{ else if eq $n 2 }}{{ with .Labels.a }}{{ . }}{{ end }}-{{ printf "%s-%d" .Name $n }}{{ else }}none{{ end }} .example.com',
    obj: obj({ name: 'x', labels: { a: 'aa', b: 'bb' } }),
    want: ['aa-x-2 .example.com'],
  },
  {
    name: 'comments and a typed status path (.Status.LoadBalancer.Ingress)',
    tmpl: '{{/* first LB hostname */}}{{ range .Status.LoadBalancer.Ingress }}{{ .Hostname }}{{ end }}',
    obj: obj({ name: 'x' }, { status: { loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } } }),
    want: ['lb.example.net'],
  },
];

describe('--fqdn-template (external-dns engine_test.go and docs/advanced/fqdn-templating.md)', () => {
  it.each(cases)('$name', ({ tmpl, obj: o, want, source }) => {
    const t = FqdnTemplate.parse(Array.isArray(tmpl) ? tmpl : [tmpl])!;
    expect(t.names(o, source ?? 'service')).toEqual(want);
  });

  it('nothing configured: blank values are dropped', () => {
    expect(FqdnTemplate.parse([])).toBeUndefined();
    expect(FqdnTemplate.parse(['  '])).toBeUndefined();
  });

  const refused: { tmpl: string[]; error: RegExp }[] = [
    { tmpl: ['{{ .Name }}.example.com', '{{ .Name'], error: /value \[1\] "\{\{ \.Name": unclosed action/ },
    {
      tmpl: ['{{ template "x" }}'],
      error: /\{\{template\}\} is not supported by zoneguard's --fqdn-template/,
    },
    { tmpl: ['{{ define "x" }}a{{ end }}'], error: /\{\{define\}\} is not supported/ },
    { tmpl: ['{{ .Name | html }}'], error: /the function html is not supported/ },
    { tmpl: ['{{ call .Name }}'], error: /the function call is not supported/ },
    { tmpl: ['{{ upper .Name }}'], error: /function "upper" not defined .*knows and, or/ },
    { tmpl: ['{{ if .Name }}x'], error: /has no \{\{end\}\}/ },
    { tmpl: ['{{ end }}'], error: /unexpected \{\{end\}\}/ },
    { tmpl: ['{{ break }}'], error: /\{\{break\}\} outside \{\{range\}\}/ },
  ];
  it.each(refused)('refuses $tmpl when the flag is read', ({ tmpl, error }) => {
    expect(() => FqdnTemplate.parse(tmpl)).toThrow(TemplateError);
    expect(() => FqdnTemplate.parse(tmpl)).toThrow(error);
  });

  const failing: { tmpl: string; o: KubeObject; error: RegExp }[] = [
    { tmpl: '{{ isSource "nope" }}', o: obj({ name: 'x' }), error: /isSource: unknown source "nope"/ },
    {
      tmpl: '{{ .Spec.missing.deeper }}',
      o: obj({ name: 'x' }, { spec: {} }),
      error: /can't evaluate field deeper/,
    },
    {
      tmpl: '{{ toLower .Spec.ports }}',
      o: obj({ name: 'x' }, { spec: { ports: [] } }),
      error: /toLower: argument 1 is \[\], not a string/,
    },
  ];
  it.each(failing)('fails on one object: $tmpl', ({ tmpl, o, error }) => {
    const t = FqdnTemplate.parse([tmpl])!;
    expect(() => t.names(o, 'service')).toThrow(error);
  });
});
