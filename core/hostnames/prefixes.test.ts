/**
 * Annotation prefixes. external-dns v0.22 reads its annotations under `--annotation-prefix`,
 * default `external-dns.kubernetes.io/` (docs/flags.md; source/annotations/annotations.go
 * DefaultAnnotationPrefix and SetAnnotationPrefix: every key is rebuilt from the one prefix, no
 * fallback). zoneguard publishes what that prefix says and checks every name under
 * `external-dns.kubernetes.io/` and `external-dns.alpha.kubernetes.io/` too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainFilter } from '../domain-filter.js';
import { validateObjects } from '../evaluate.js';
import { loadManifests } from '../manifests.js';
import { endpointsOf, extract, type ExtractContext } from './index.js';

const objects = loadManifests([join(import.meta.dirname, 'fixtures', 'prefixes.yaml')]).map((l) => l.obj);
const find = (name: string) => objects.find((o) => o.metadata?.name === name)!;
const ALPHA = 'external-dns.alpha.kubernetes.io/';
const V022 = 'external-dns.kubernetes.io/';

/** "name TYPE targets [ttl] [check-only]" per claim. */
function claims(name: string, prefix?: string): string[] {
  const ctx: ExtractContext = { ingressClasses: [], defaultTargets: [], annotationPrefix: prefix };
  return extract(find(name), ctx).claims.map(
    (c) =>
      `${c.hostname} ${c.recordType ?? '?'} ${c.targets.join(',')}${c.ttl ? ` ttl=${c.ttl}` : ''}${c.checkOnly ? ` check-only(${c.checkOnly})` : ''}`,
  );
}

const cases: {
  name: string;
  prefix?: string;
  want: string[];
  published: string[];
  warnings: RegExp[];
  skipped?: RegExp;
}[] = [
  {
    name: 'v022',
    want: ['new.example.com A 203.0.113.40'],
    published: ['new.example.com'],
    warnings: [],
  },
  {
    name: 'v022',
    prefix: ALPHA,
    want: ['new.example.com A 203.0.113.40 check-only(external-dns.kubernetes.io/)'],
    published: [],
    warnings: [
      /annotation external-dns.kubernetes.io\/hostname is set but external-dns.alpha.kubernetes.io\/hostname is not/,
    ],
  },
  {
    // the v0.22 upgrade: external-dns stops reading these; zoneguard still checks them, says so
    name: 'alpha-only',
    want: [`old.example.com A 203.0.113.41 ttl=120 check-only(${ALPHA})`],
    published: [],
    warnings: [
      /annotation external-dns.alpha.kubernetes.io\/hostname is set but external-dns.kubernetes.io\/hostname is not: a reconciler with --annotation-prefix=external-dns.kubernetes.io\/ .* ignores/,
      /annotation external-dns.alpha.kubernetes.io\/ttl is set but external-dns.kubernetes.io\/ttl is not/,
    ],
  },
  {
    name: 'alpha-only',
    prefix: ALPHA,
    want: ['old.example.com A 203.0.113.41 ttl=120'],
    published: ['old.example.com'],
    warnings: [],
  },
  {
    name: 'both-same',
    want: ['same.example.com A 203.0.113.42'],
    published: ['same.example.com'],
    warnings: [],
  },
  {
    name: 'both-differ',
    want: ['good.example.com A 203.0.113.43', `evil.example.org A 203.0.113.43 check-only(${ALPHA})`],
    published: ['good.example.com'],
    warnings: [
      /annotations external-dns.alpha.kubernetes.io\/hostname="evil.example.org" and external-dns.kubernetes.io\/hostname="good.example.com" disagree/,
    ],
  },
  {
    name: 'both-differ',
    prefix: ALPHA,
    want: ['evil.example.org A 203.0.113.43', `good.example.com A 203.0.113.43 check-only(${V022})`],
    published: ['evil.example.org'],
    warnings: [
      /disagree: a reconciler with --annotation-prefix=external-dns.alpha.kubernetes.io\/ uses only the latter/,
    ],
  },
  {
    // a ttl only the other prefix carries does not deny: nothing zoneguard publishes uses it
    name: 'alpha-bad-ttl',
    want: ['ttl.example.com A 203.0.113.44'],
    published: ['ttl.example.com'],
    warnings: [
      /metadata.annotations\["external-dns.alpha.kubernetes.io\/ttl"\]: TTL annotation "forever" is not a number .* \(not denied: --annotation-prefix=external-dns.kubernetes.io\/ does not read/,
      /annotation external-dns.alpha.kubernetes.io\/ttl is set but/,
    ],
  },
  {
    // v0.22 reads only its own prefix's controller annotation (annotations.IsControllerMatch)
    name: 'alpha-controller',
    want: ['ctl.example.com A 203.0.113.45'],
    published: ['ctl.example.com'],
    warnings: [/annotation external-dns.alpha.kubernetes.io\/controller is set/],
  },
  {
    name: 'alpha-controller',
    prefix: ALPHA,
    want: [],
    published: [],
    warnings: [],
    skipped: /controller annotation external-dns.alpha.kubernetes.io\/controller is "someone-else"/,
  },
  {
    // ingress-hostname-source is read per prefix too: each reading's names are checked
    name: 'alpha-annotation-only',
    want: ['main.example.com A 203.0.113.46', `side.example.com A 203.0.113.46 check-only(${ALPHA})`],
    published: ['main.example.com'],
    warnings: [/ingress-hostname-source is set but/, /alpha.kubernetes.io\/hostname is set but/],
  },
  {
    name: 'custom-prefix',
    prefix: 'dns.example.net/',
    want: ['custom.example.com A 203.0.113.47', `default.example.com A 203.0.113.47 check-only(${V022})`],
    published: ['custom.example.com'],
    warnings: [
      /annotations external-dns.kubernetes.io\/hostname="default.example.com" and dns.example.net\/hostname="custom.example.com" disagree/,
    ],
  },
];

describe('annotation prefixes (external-dns v0.22 --annotation-prefix)', () => {
  it.each(cases)('$name with --annotation-prefix=$prefix', (c) => {
    const ctx: ExtractContext = { ingressClasses: [], defaultTargets: [], annotationPrefix: c.prefix };
    const x = extract(find(c.name), ctx);
    expect(claims(c.name, c.prefix)).toEqual(c.want);
    expect(endpointsOf(x).map((e) => e.dnsName)).toEqual(c.published);
    expect(x.problems).toEqual([]);
    expect(x.warnings).toHaveLength(c.warnings.length);
    for (const w of c.warnings) expect(x.warnings.some((s) => w.test(s))).toBe(true);
    if (c.skipped) expect(x.skipped).toMatch(c.skipped);
    else expect(x.skipped).toBeUndefined();
  });

  it('a name under the prefix the reconciler does not read is still denied by the rules', () => {
    const results = validateObjects(
      [find('both-differ'), find('alpha-only')],
      {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      { ingressClasses: [], defaultTargets: [] },
    );
    expect(results[0].verdict.allowed).toBe(false);
    expect(results[0].verdict.violations).toMatchObject([
      {
        hostname: 'evil.example.org',
        rule: 'domain-filter',
        field: 'metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]',
      },
    ]);
    expect(results[0].endpoints).toEqual([]);
    // allowed, and publishes nothing: v0.22 does not read the alpha prefix
    expect(results[1].verdict.allowed).toBe(true);
    expect(results[1].endpoints).toEqual([]);
  });
});
