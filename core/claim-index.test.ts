/**
 * The claim index answers what a plain scan of the objects set answers: whatever the order of
 * set / replace / remove, claimants(name, type, self, setIdentifier) are the other non-skipped
 * objects with a clashing record set at the name (CNAME or an unknown type clashes with any type;
 * distinct set identifiers do not clash), sorted by name; `objects` counts the non-skipped objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClaimIndex } from './claim-index.js';
import { sameRecordSet } from './model/endpoint.js';
import { describeRef, sameRef, type ObjectRef } from './model/objects.js';
import type { Extraction } from './model/verdict.js';

const NAMES = ['a.example.com', 'b.example.com', 'c.example.com'];
const TYPES = [undefined, 'A', 'AAAA', 'CNAME'];
const SET_IDS = [undefined, '', 'eu', 'us'];
const REFS: ObjectRef[] = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'a', name: 'x' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'b', name: 'x' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'a', name: 'x' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'a', name: 'y' },
  { apiVersion: 'externaldns.k8s.io/v1alpha1', kind: 'DNSEndpoint', namespace: 'a', name: 'z' },
];

const claim = fc.record({
  hostname: fc.constantFrom(...NAMES),
  recordType: fc.constantFrom(...TYPES),
  setIdentifier: fc.constantFrom(...SET_IDS),
});
const op = fc.oneof(
  fc.record({
    set: fc.nat(REFS.length - 1),
    claims: fc.array(claim, { maxLength: 20 }),
    skipped: fc.boolean(),
  }),
  fc.record({ remove: fc.nat(REFS.length - 1) }),
);

const extraction = (
  ref: ObjectRef,
  claims: { hostname: string; recordType?: string; setIdentifier?: string }[],
  skipped: boolean,
): Extraction => ({
  ref,
  resource: describeRef(ref),
  claims: claims.map((c) => ({ ...c, targets: [], field: 'spec' })),
  problems: [],
  warnings: [],
  ...(skipped ? { skipped: 'out of scope' } : {}),
});

describe('ClaimIndex', () => {
  it('answers as a scan of the objects set', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const index = new ClaimIndex();
        const model = new Map<number, Extraction>(); // in the order set, as the index keeps them
        for (const o of ops) {
          if ('set' in o) {
            const x = extraction(REFS[o.set], o.claims, o.skipped);
            index.set(x);
            model.delete(o.set);
            model.set(o.set, x);
          } else {
            index.remove(REFS[o.remove]);
            model.delete(o.remove);
          }
          const live = [...model.values()].filter((x) => !x.skipped);
          expect(index.objects).toBe(live.length);
          for (const name of NAMES)
            for (const type of TYPES)
              for (const setId of SET_IDS)
                for (const self of REFS) {
                  const want = live
                    .filter(
                      (x) =>
                        !sameRef(x.ref, self) &&
                        x.claims.some(
                          (c) =>
                            c.hostname === name &&
                            (c.recordType === type ||
                              c.recordType === undefined ||
                              type === undefined ||
                              c.recordType === 'CNAME' ||
                              type === 'CNAME') &&
                            sameRecordSet(c.setIdentifier ?? '', setId ?? ''),
                        ),
                    )
                    .map((x) => x.ref)
                    .sort((a, b) => describeRef(a).localeCompare(describeRef(b)));
                  expect(index.claimants(name, type, self, setId)).toEqual(want);
                }
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
