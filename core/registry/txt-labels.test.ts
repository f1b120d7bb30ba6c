import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidHeritageError } from '../errors.js';
import { parseLabels, serializeLabels, tryParseLabels } from './txt-labels.js';

describe('ownership TXT value (external-dns labels format)', () => {
  it('serializes byte-identically to external-dns: heritage first, keys sorted, quoted', () => {
    expect(serializeLabels({ resource: 'ingress/default/app', owner: 'cluster-a' })).toBe(
      '"heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/default/app"',
    );
    expect(serializeLabels({ owner: 'default' }, false)).toBe(
      'heritage=external-dns,external-dns/owner=default',
    );
    expect(serializeLabels({})).toBe('"heritage=external-dns"');
  });

  it('never serializes the ownedRecord label', () => {
    expect(serializeLabels({ owner: 'a', ownedRecord: 'x.example.com' }, false)).toBe(
      'heritage=external-dns,external-dns/owner=a',
    );
  });

  const parseCases: { name: string; value: string; want: Record<string, string> | 'invalid' }[] = [
    {
      name: 'quoted',
      value: '"heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=service/ns/api"',
      want: { owner: 'cluster-b', resource: 'service/ns/api' },
    },
    { name: 'unquoted', value: 'heritage=external-dns,external-dns/owner=x', want: { owner: 'x' } },
    {
      name: 'keys in any order',
      value: 'external-dns/resource=a/b/c,heritage=external-dns,external-dns/owner=x',
      want: { owner: 'x', resource: 'a/b/c' },
    },
    {
      name: 'unknown tokens ignored',
      value: 'heritage=external-dns,garbage,external-dns/owner=x,other=1',
      want: { owner: 'x' },
    },
    { name: 'empty owner is kept', value: 'heritage=external-dns,external-dns/owner=', want: { owner: '' } },
    {
      name: 'no heritage is not an ownership record',
      value: 'v=spf1 include:_spf.example.com ~all',
      want: 'invalid',
    },
    { name: 'another heritage is not ours', value: 'heritage=other,external-dns/owner=x', want: 'invalid' },
    { name: 'empty string', value: '', want: 'invalid' },
  ];
  for (const c of parseCases) {
    it(`parses: ${c.name}`, () => {
      if (c.want === 'invalid') {
        expect(() => parseLabels(c.value)).toThrow(InvalidHeritageError);
        expect(tryParseLabels(c.value)).toBeUndefined();
      } else expect(parseLabels(c.value)).toEqual(c.want);
    });
  }

  const labelValue = fc.stringMatching(/^[a-zA-Z0-9/._-]{0,30}$/);
  const labelKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((k) => k !== 'ownedRecord');

  it('round-trips arbitrary labels (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(labelKey, labelValue, { maxKeys: 6 }), fc.boolean(), (labels, quotes) => {
        expect(parseLabels(serializeLabels(labels, quotes))).toEqual(labels);
      }),
      { numRuns: 500 },
    );
  });

  it('parsing arbitrary strings throws nothing but InvalidHeritageError (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          parseLabels(s);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidHeritageError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
