import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateNonce, NONCE_LABEL, parseAesKey, TxtEncryption } from './txt-crypto.js';
import { parseLabels, serializeLabels, tryParseLabels } from './txt-labels.js';

/** Keys, plaintexts and ciphertexts from external-dns's own tests (see the file's _source). */
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/external-dns-encryption.json', import.meta.url), 'utf8'),
) as {
  values: {
    name: string;
    key: string;
    plaintext: string;
    labels?: Record<string, string>;
    encrypted: string;
    reEncryptsIdentically: boolean;
  }[];
  keys: { raw: string; error?: boolean; bytes?: number[] }[];
};

const encryptionOf = (raw: string) => {
  const k = parseAesKey(raw);
  if (!('key' in k)) throw new Error(k.error);
  return new TxtEncryption(k.key);
};

describe('encrypted ownership values (external-dns fixtures)', () => {
  for (const f of fixtures.values) {
    it(`decrypts ${f.name}`, () => {
      const opened = encryptionOf(f.key).decrypt(f.encrypted);
      expect(opened?.text).toBe(f.plaintext);
      // the nonce is the first 12 bytes of the value (encryption_test.go: a prefix of the text)
      expect(Buffer.from(opened!.nonce, 'base64')).toEqual(
        Buffer.from(f.encrypted, 'base64').subarray(0, 12),
      );
    });
    if (f.reEncryptsIdentically)
      it(`re-encrypts ${f.name} with its nonce to the same bytes (TestEncryptionNonceReUsage)`, () => {
        const enc = encryptionOf(f.key);
        const { nonce } = enc.decrypt(f.encrypted)!;
        expect(enc.encrypt(f.plaintext, nonce)).toBe(f.encrypted);
      });
    if (f.labels)
      it(`reads the labels of ${f.name}, keeping the nonce`, () => {
        const enc = encryptionOf(f.key);
        const labels = parseLabels(`"${f.encrypted}"`, enc);
        const { [NONCE_LABEL]: nonce, ...rest } = labels;
        expect(rest).toEqual(f.labels);
        expect(nonce).toBe(enc.decrypt(f.encrypted)!.nonce);
      });
  }

  it('a labels value written by external-dns re-serializes byte-identically from its labels', () => {
    const f = fixtures.values.find((v) => v.name.includes('fooAsTextEncrypted'))!;
    const enc = encryptionOf(f.key);
    const labels = parseLabels(f.encrypted, enc);
    expect(serializeLabels(labels, false, enc)).toBe(f.encrypted);
    expect(serializeLabels(labels, true, enc)).toBe(`"${f.encrypted}"`);
  });

  const f0 = fixtures.values[0];
  const refused: { name: string; value: string; key: string }[] = [
    { name: 'another key', value: f0.encrypted, key: "s'J!jD`].LC?g&Oa11AgTub,j48ts/96" },
    { name: 'plain text', value: f0.plaintext, key: f0.key },
    { name: 'a plain ownership value', value: 'heritage=external-dns,external-dns/owner=a', key: f0.key },
    { name: 'too short to hold a nonce and a tag', value: 'AAAAAAAAAAAAAAAA', key: f0.key },
    { name: 'one bit flipped', value: `A${f0.encrypted.slice(1)}`, key: f0.key },
    {
      name: 'URL-safe alphabet (Go reads StdEncoding)',
      value: f0.encrypted.replace(/\+/g, '-'),
      key: f0.key,
    },
  ];
  for (const c of refused)
    it(`does not open ${c.name}`, () => {
      expect(encryptionOf(c.key).decrypt(c.value)).toBeUndefined();
    });

  it('a value this key does not open is read as plain text (plain records predating encryption)', () => {
    const enc = encryptionOf(f0.key);
    expect(parseLabels('"heritage=external-dns,external-dns/owner=a"', enc)).toEqual({ owner: 'a' });
    expect(tryParseLabels(fixtures.values[1].encrypted, enc)).toBeUndefined();
  });

  it('round-trips labels with a fresh nonce; the nonce never goes into the text', () => {
    const enc = encryptionOf('passphrasewhichneedstobe32bytes!');
    const value = serializeLabels({ owner: 'a', resource: 'ingress/ns/x' }, false, enc);
    expect(value).not.toContain('heritage');
    const back = parseLabels(value, enc);
    expect(enc.decrypt(value)?.text).toBe(
      'heritage=external-dns,external-dns/owner=a,external-dns/resource=ingress/ns/x',
    );
    expect(serializeLabels(back, false, enc)).toBe(value);
    expect(Buffer.from(generateNonce(), 'base64')).toHaveLength(12);
  });

  for (const k of fixtures.keys)
    it(`reads the key "${k.raw}" as external-dns does (TestNewTXTRegistryEncryptionConfig)`, () => {
      const r = parseAesKey(k.raw);
      if (k.error) expect(r).toHaveProperty('error');
      else expect([...(r as { key: Buffer }).key]).toEqual(k.bytes);
    });
});
