import { describe, expect, it } from 'vitest';
import { ClaimIndex } from '../core/claim-index.js';
import { DomainFilter } from '../core/domain-filter.js';
import { extract } from '../core/hostnames/index.js';
import { OwnershipIndex } from '../core/ownership.js';
import type { RuleId } from '../core/rules/index.js';
import { admit, type AdmitContext, type OwnershipState, type StalePolicy } from './admit.js';
import type { AdmissionRequest } from './review.js';

const ingress = (name: string, hosts: string[], ns = 'default') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: ns },
  spec: { rules: hosts.map((host) => ({ host })) },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
});

const request = (object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'u1',
  kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  operation: 'CREATE',
  object,
  ...extra,
});

function context(
  opts: {
    ownership?: OwnershipState;
    stale?: StalePolicy;
    claims?: ClaimIndex;
    warnOnly?: RuleId[];
    namespace?: string;
  } = {},
): AdmitContext {
  return {
    ruleContext: () => ({
      ownerId: 'me',
      domainFilter: new DomainFilter({ filters: ['example.com'] }),
      managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      ownership: OwnershipIndex.empty(),
      claims: opts.claims,
    }),
    extractContext: () => ({ ingressClasses: [], defaultTargets: [] }),
    filter: {
      labels: [],
      annotations: [],
      sources: [],
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    },
    warnOnly: new Set(opts.warnOnly ?? []),
    ownership: () => opts.ownership ?? { state: 'fresh', ageMs: 1000, maxAgeMs: 300_000 },
    stalePolicy: opts.stale ?? 'warn',
  };
}

const stale: OwnershipState = {
  state: 'stale',
  ageMs: 600_000,
  maxAgeMs: 300_000,
  lastError: 'connect ECONNREFUSED',
};
const otherClaims = () => {
  const idx = new ClaimIndex();
  idx.set(extract(ingress('first', ['taken.example.com'], 'team-a')));
  return idx;
};

describe('admit', () => {
  const CASES: {
    name: string;
    req: AdmissionRequest;
    ctx: AdmitContext;
    allowed: boolean;
    rules?: RuleId[];
    warning?: string;
    message?: string;
    skipped?: string;
  }[] = [
    {
      name: 'fresh ownership: allowed',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context(),
      allowed: true,
    },
    {
      name: 'stale, warn: allowed with a warning',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context({ ownership: stale, stale: 'warn' }),
      allowed: true,
      warning:
        'ownership: ownership data is 600s old (over --max-ownership-age 300s); last refresh failed: connect ECONNREFUSED',
    },
    {
      name: 'stale, allow: allowed silently',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context({ ownership: stale, stale: 'allow' }),
      allowed: true,
    },
    {
      name: 'stale, deny: new hostnames denied',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context({ ownership: stale, stale: 'deny' }),
      allowed: false,
      rules: ['ownership'],
      message: 'a.example.com: ownership: cannot check: ownership data is 600s old',
    },
    {
      name: 'never loaded, deny',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context({ ownership: { state: 'stale', ageMs: Infinity, maxAgeMs: 1000 }, stale: 'deny' }),
      allowed: false,
      rules: ['ownership'],
      message: 'never loaded',
    },
    {
      name: 'stale, deny: UPDATE keeping its names allowed',
      req: request(ingress('a', ['a.example.com']), {
        operation: 'UPDATE',
        oldObject: ingress('a', ['a.example.com']),
      }),
      ctx: context({ ownership: stale, stale: 'deny' }),
      allowed: true,
    },
    {
      name: 'no provider: nothing said',
      req: request(ingress('a', ['a.example.com'])),
      ctx: context({ ownership: { state: 'none' } }),
      allowed: true,
    },
    {
      name: 'duplicate, deny',
      req: request(ingress('second', ['taken.example.com'], 'team-b')),
      ctx: context({ claims: otherClaims() }),
      allowed: false,
      rules: ['duplicate'],
      message: 'taken.example.com: duplicate: also claimed by Ingress team-a/first',
    },
    {
      name: 'duplicate, warn',
      req: request(ingress('second', ['taken.example.com'], 'team-b')),
      ctx: context({ claims: otherClaims(), warnOnly: ['duplicate'] }),
      allowed: true,
      warning: 'taken.example.com: duplicate: also claimed by Ingress team-a/first',
    },
    {
      name: 'duplicate: the object itself is no duplicate',
      req: request(ingress('first', ['taken.example.com'], 'team-a'), {
        operation: 'UPDATE',
        oldObject: ingress('first', ['taken.example.com'], 'team-a'),
      }),
      ctx: context({ claims: otherClaims() }),
      allowed: true,
    },
    {
      name: 'namespace from the request',
      req: request(
        { ...ingress('x', ['taken.example.com']), metadata: { name: 'first' } },
        { namespace: 'team-a' },
      ),
      ctx: context({ claims: otherClaims() }),
      allowed: true,
    },
    {
      name: 'out of --namespace: not checked',
      req: request(ingress('a', ['a.example.org'], 'other')),
      ctx: context({ namespace: 'mine' }),
      allowed: true,
      skipped: 'namespace "other" is not --namespace "mine"',
    },
    {
      name: 'status subresource: not checked',
      req: request(ingress('a', ['a.example.org']), { operation: 'UPDATE', subResource: 'status' }),
      ctx: context(),
      allowed: true,
      skipped: 'subresource status',
    },
    {
      name: 'CONNECT: allowed',
      req: request(undefined, { operation: 'CONNECT' }),
      ctx: context(),
      allowed: true,
      skipped: 'CONNECT is always allowed',
    },
    {
      name: 'CREATE without object: denied naming it',
      req: request(null),
      ctx: context(),
      allowed: false,
      rules: ['object'],
      message: 'request.object is missing',
    },
    {
      name: 'kind and apiVersion from the request',
      req: request({
        metadata: { name: 'a', namespace: 'd' },
        spec: { rules: [{ host: 'a.example.org' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
      }),
      ctx: context(),
      allowed: false,
      rules: ['domain-filter'],
      message: 'Ingress d/a denied',
    },
  ];
  it.each(CASES)('$name', (tc) => {
    const v = admit(tc.req, tc.ctx);
    expect(v.allowed, JSON.stringify(v)).toBe(tc.allowed);
    expect(v.violations.map((x) => x.rule)).toEqual(tc.rules ?? []);
    if (tc.message) expect(v.message).toContain(tc.message);
    if (tc.warning) expect(v.warnings).toContainEqual(expect.stringContaining(tc.warning));
    else expect(v.warnings).toEqual([]);
    if (tc.skipped) expect(v.skipped).toBe(tc.skipped);
  });
});
