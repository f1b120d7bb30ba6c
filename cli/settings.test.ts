import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryOptionsFrom } from '../core/setup.js';
import { NameRegex } from '../core/name-regex.js';
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
    expect(coerceFlag(spec('regex'), '^a$')).toBeInstanceOf(NameRegex);
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

describe('TXT registry flags: --txt-encrypt-*, --migrate-from-txt-owner (docs/registry/txt.md)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoneguard-aes-'));
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, 'ZPitL0NGVQBZbTD6DwXJzD8RiStSazzYXQsdUowLURY=\n');
  const opts = (cli: Record<string, unknown>, env: Record<string, string> = {}) =>
    registryOptionsFrom(resolveSettings('reconcile', { cli, env }));
  const table: {
    name: string;
    cli: Record<string, unknown>;
    env?: Record<string, string>;
    want?: { encrypt?: boolean; keyBytes?: number[]; migrateFromOwner?: string };
    error?: RegExp;
  }[] = [
    { name: 'no flags: plain records, no key', cli: {}, want: {} },
    {
      name: 'a 32-byte text key, encryption on',
      cli: { 'txt-encrypt-enabled': true, 'txt-encrypt-aes-key': 'passphrasewhichneedstobe32bytes!' },
      want: { encrypt: true, keyBytes: [...Buffer.from('passphrasewhichneedstobe32bytes!')] },
    },
    {
      name: 'the key from the environment, as other secrets',
      cli: { 'txt-encrypt-enabled': 'true' },
      env: { ZONEGUARD_TXT_ENCRYPT_AES_KEY: '01234567890123456789012345678901' },
      want: { encrypt: true, keyBytes: [...Buffer.from('01234567890123456789012345678901')] },
    },
    {
      name: 'a base64 key from a file, encryption off: read only',
      cli: { 'txt-encrypt-aes-key-file': keyFile },
      want: {
        encrypt: false,
        keyBytes: [...Buffer.from('ZPitL0NGVQBZbTD6DwXJzD8RiStSazzYXQsdUowLURY=', 'base64')],
      },
    },
    {
      name: 'encryption without a key',
      cli: { 'txt-encrypt-enabled': true },
      error: /--txt-encrypt-aes-key: is required with --txt-encrypt-enabled/,
    },
    {
      name: 'a key of the wrong size (encryption_test.go)',
      cli: { 'txt-encrypt-aes-key': '123456789012345678901234567890asdfasdfasdfasdfa12' },
      error: /--txt-encrypt-aes-key: must be 32 bytes long/,
    },
    {
      name: 'an unreadable key file names the flag and file, never a key',
      cli: { 'txt-encrypt-aes-key-file': join(dir, 'missing') },
      error: /--txt-encrypt-aes-key-file: cannot read .*missing: ENOENT/,
    },
    {
      name: 'migrate from an old owner',
      cli: { 'migrate-from-txt-owner': 'old-owner' },
      want: { migrateFromOwner: 'old-owner' },
    },
    {
      name: 'an owner id that breaks the TXT format',
      cli: { 'migrate-from-txt-owner': 'a,b' },
      error: /must not contain/,
    },
  ];
  for (const c of table)
    it(c.name, () => {
      if (c.error) {
        expect(() => opts(c.cli, c.env)).toThrow(c.error);
        return;
      }
      const o = opts(c.cli, c.env);
      expect(o.encrypt).toBe(c.want!.encrypt);
      expect(o.aesKey ? [...o.aesKey] : undefined).toEqual(c.want!.keyBytes);
      expect(o.migrateFromOwner).toBe(c.want!.migrateFromOwner);
    });
});
