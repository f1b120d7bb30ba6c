/** The manifest reader: whatever the text, it yields objects or an InputError naming file and line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { extract } from './hostnames/index.js';
import { parseManifests } from './manifests.js';
import { validateObjects } from './evaluate.js';
import { DomainFilter } from './domain-filter.js';

const ctx = {
  ownerId: 'cluster-a',
  domainFilter: new DomainFilter({ filters: ['example.com'] }),
  managedRecordTypes: ['A', 'AAAA', 'CNAME'],
};
const SEED = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: default
  annotations:
    external-dns.kubernetes.io/ttl: "300"
spec:
  rules:
    - host: app.example.com
  tls:
    - hosts: [secure.example.com]
status:
  loadBalancer:
    ingress: [{ ip: 203.0.113.7 }]
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: { name: ep }
spec:
  endpoints:
    - { dnsName: ep.example.com, recordType: A, targets: [203.0.113.9], recordTTL: 60 }
`;

/** Reads `text` as validate does; anything thrown but an InputError fails the property. */
function readAndValidate(text: string): void {
  let objs;
  try {
    objs = parseManifests(text, 'fuzz.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^fuzz\.yaml(:\d+)?: /);
    return;
  }
  for (const o of objs) extract(o.obj);
  validateObjects(
    objs.map((o) => o.obj),
    ctx,
    { ingressClasses: [], defaultTargets: [] },
  );
}

describe('manifests: never a crash, whatever the text', () => {
  it('random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => readAndValidate(s)),
      { numRuns: 2000 },
    );
  });

  it('a real manifest with characters cut, repeated or replaced', () => {
    const edit = fc.record({
      at: fc.nat(SEED.length),
      cut: fc.nat(40),
      insert: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(
          '[',
          '{',
          ': ',
          '\n  - ',
          '*a',
          '&a ',
          '!!int ',
          '"',
          "'",
          '\t',
          '---\n',
          ' 5',
          ' null',
          ' []',
          ' {}',
        ),
      ),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = SEED;
        for (const e of edits)
          text =
            text.slice(0, e.at % (text.length + 1)) +
            e.insert +
            text.slice((e.at % (text.length + 1)) + e.cut);
        readAndValidate(text);
      }),
      { numRuns: 3000 },
    );
  });
});
