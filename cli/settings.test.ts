import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { matchesSelector, parseSelector } from '../core/selector.js';
import type { FlagSpec } from './flag-spec.js';
import { coerceFlag, resolveSettings } from './settings.js';

describe('durations', () => {
  const table: [string, number | undefined][] = [
    ['30s', 30_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['45', 45_000],
    ['1.5s', 1500],
    ['', undefined],
    ['5 m', undefined],
    ['1d', undefined],
    ['s', undefined],
  ];
  for (const [text, ms] of table) it(`"${text}" → ${ms}`, () => expect(parseDuration(text)).toBe(ms));
});

describe('label selectors', () => {
  const table: { sel: string; labels: Record<string, string>; want: boolean }[] = [
    { sel: 'team=a', labels: { team: 'a' }, want: true },
    { sel: 'team==a', labels: { team: 'b' }, want: false },
    { sel: 'team!=a', labels: {}, want: true },
    { sel: 'team in (a, b),env', labels: { team: 'b', env: 'x' }, want: true },
    { sel: 'team notin (a,b)', labels: { team: 'b' }, want: false },
    { sel: '!legacy', labels: { legacy: '' }, want: false },
    { sel: 'example.com/zone=public', labels: { 'example.com/zone': 'public' }, want: true },
  ];
  for (const t of table)
    it(`${t.sel} on ${JSON.stringify(t.labels)}`, () =>
      expect(matchesSelector(parseSelector(t.sel), t.labels)).toBe(t.want));
  for (const bad of ['a in b', 'a=b=c', ',', 'a,,b', 'in (x)'])
    it(`rejects "${bad}"`, () => expect(() => parseSelector(bad)).toThrow());
});

describe('flag coercion', () => {
  const spec = (type: FlagSpec['type'], extra: Partial<FlagSpec> = {}): FlagSpec => ({
    name: 'x',
    type,
    help: '',
    ...extra,
  });
  it('strings split on commas and accumulate', () =>
    expect(coerceFlag(spec('strings'), ['a,b', ' c '])).toEqual(['a', 'b', 'c']));
  it('booleans accept true/false words', () => {
    expect(coerceFlag(spec('boolean'), 'false')).toBe(false);
    expect(coerceFlag(spec('boolean'), 'yes')).toBe(true);
    expect(() => coerceFlag(spec('boolean'), 'maybe')).toThrow(ConfigError);
  });
  it('ints honour a minimum and name the flag', () =>
    expect(() => coerceFlag(spec('int', { min: 1 }), '0')).toThrow('--x: must be at least 1, got 0'));
  it('enums list the choices', () =>
    expect(() => coerceFlag(spec('enum', { choices: ['a', 'b'] }), 'c')).toThrow(
      '--x: must be one of a, b, got "c"',
    ));
  it('regexes are compiled and checked', () => {
    expect(coerceFlag(spec('regex'), '^a$')).toBeInstanceOf(RegExp);
    expect(() => coerceFlag(spec('regex'), '(')).toThrow(/--x: invalid regular expression/);
  });
  it('owner ids cannot break the TXT format', () => {
    expect(() => resolveSettings('validate', { cli: { 'txt-owner-id': 'a,b' }, env: {} })).toThrow(
      /--txt-owner-id: must not contain/,
    );
  });
  it('defaults follow external-dns', () => {
    const cfg = resolveSettings('validate', { cli: {}, env: {} });
    expect(cfg.txtOwnerId).toBe('default');
    expect(cfg.policy).toBe('sync');
    expect(cfg.managedRecordTypes).toEqual(['A', 'AAAA', 'CNAME']);
    expect(cfg.domainFilter).toEqual([]);
  });
});
