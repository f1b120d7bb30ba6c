/**
 * Encrypted TXT ownership values, as external-dns v0.22 writes and reads them (--txt-encrypt-enabled,
 * --txt-encrypt-aes-key; docs/registry/txt.md "Encryption", endpoint/crypto.go and its tests
 * endpoint/crypto_test.go, endpoint/labels_test.go, registry/txt/encryption_test.go):
 *
 *   value = base64std( nonce(12) ‖ AES-256-GCM( gzip(label text) ) ‖ tag(16) )
 *
 * The 12-byte nonce is random for a new record and kept in the endpoint's labels
 * ("txt-encryption-nonce", never serialized), so re-serializing an unchanged record gives the same
 * bytes (TestEncryptionNonceReUsage). The gzip stream is written as Go's compress/gzip writes it at
 * BestCompression after a Flush: a header with no name and mtime 0, XFL 2, OS 255; the deflate
 * blocks ending in a sync flush; an empty final stored block. zlib's level-9 deflate gives the same
 * blocks as Go's for ownership values (external-dns's fixtures re-encrypt to the same bytes, see
 * txt-crypto.test.ts), though not for every text: zlib also takes 3-byte matches, Go's
 * compress/flate only 4 or more. Nothing compares these bytes: both read the decrypted labels, and
 * the registry keeps a stored value whose labels are unchanged, so a difference never rewrites one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants, crc32, deflateRawSync, gunzipSync } from 'node:zlib';

/** The label that carries a record's nonce between reading and writing (external-dns's name). */
export const NONCE_LABEL = 'txt-encryption-nonce';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** An ownership value is a few hundred bytes; anything that inflates past this is not one. */
const MAX_PLAINTEXT = 64 * 1024;
/** Go's gzip header: magic, deflate, no flags, mtime 0, XFL 2 (best compression), OS 255 (unknown). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
/** The empty final stored block Go's gzip.Writer.Close appends after a Flush. */
const FINAL_STORED_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);
/** Go's base64.StdEncoding, strictly: padded, standard alphabet, nothing else. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The AES key from --txt-encrypt-aes-key, as external-dns's TXT registry reads it
 * (TestNewTXTRegistryEncryptionConfig): exactly 32 bytes of text are the key itself; anything else
 * must be standard base64 of 32 bytes. Returns the key or the reason it is not one.
 */
export function parseAesKey(raw: string): { key: Buffer } | { error: string } {
  const text = Buffer.from(raw, 'utf8');
  if (text.length === 32) return { key: text };
  if (STD_BASE64.test(raw)) {
    const decoded = Buffer.from(raw, 'base64');
    if (decoded.length === 32) return { key: decoded };
  }
  return {
    error: `must be 32 bytes long, as plain text or standard base64 (got ${text.length} bytes of text that are not base64 of 32 bytes)`,
  };
}

/** A fresh random nonce, base64 as external-dns keeps it in the labels. */
export function generateNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64');
}

/** gzip as Go's compress/gzip writes it at BestCompression after Flush and Close (see above). */
function goGzip(data: Buffer): Buffer {
  const blocks = deflateRawSync(data, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([GZIP_HEADER, blocks, FINAL_STORED_BLOCK, trailer]);
}

export class TxtEncryption {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the AES key must be 32 bytes');
  }

  /** The encrypted value of a label text with this nonce (base64 of 12 bytes). */
  encrypt(text: string, nonce: string): string {
    const iv = Buffer.from(nonce, 'base64');
    if (!STD_BASE64.test(nonce) || iv.length !== NONCE_BYTES)
      throw new Error(`encryption nonce must be base64 of ${NONCE_BYTES} bytes`);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(goGzip(Buffer.from(text, 'utf8'))), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64');
  }

  /**
   * The label text and nonce of an encrypted value, or undefined when the value is not one this key
   * opens (plain text, another key, damaged): the caller then reads it as plain text, as
   * external-dns does (NewLabelsFromString).
   */
  decrypt(value: string): { text: string; nonce: string } | undefined {
    if (!STD_BASE64.test(value)) return undefined;
    const data = Buffer.from(value, 'base64');
    if (data.length < NONCE_BYTES + TAG_BYTES) return undefined;
    const iv = data.subarray(0, NONCE_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const gz = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const text = gunzipSync(gz, { maxOutputLength: MAX_PLAINTEXT }).toString('utf8');
      return { text, nonce: iv.toString('base64') };
    } catch {
      return undefined;
    }
  }
}
