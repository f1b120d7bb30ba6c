/**
 * TSIG (RFC 8945) signing and verification for DNS messages, the one part of RFC 2136 no npm
 * package does: dns-packet builds and reads the messages, node:crypto computes the HMAC.
 *
 * - sign(): appends a TSIG record to a request (ARCOUNT + 1) and returns its MAC;
 * - verifyResponse(): checks a response's TSIG against the request MAC;
 * - TsigStream: the same for the messages of a zone transfer, each chained to the previous MAC.
 *
 * Names are written uncompressed and lower-cased (the canonical form the MAC is computed over).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { encodeWith, packet } from './wire.js';

/** TSIG algorithm (as named in BIND's config and external-dns's --rfc2136-tsig-secret-alg) → HMAC hash. */
const ALGORITHMS: Record<string, { wire: string; hash: string }> = {
  'hmac-md5': { wire: 'hmac-md5.sig-alg.reg.int', hash: 'md5' },
  'hmac-sha1': { wire: 'hmac-sha1', hash: 'sha1' },
  'hmac-sha224': { wire: 'hmac-sha224', hash: 'sha224' },
  'hmac-sha256': { wire: 'hmac-sha256', hash: 'sha256' },
  'hmac-sha384': { wire: 'hmac-sha384', hash: 'sha384' },
  'hmac-sha512': { wire: 'hmac-sha512', hash: 'sha512' },
};

export const TSIG_ALGORITHMS = Object.keys(ALGORITHMS);

/** TSIG error codes (RFC 8945 §3) → name. */
export const TSIG_ERRORS: Record<number, string> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

const TYPE_TSIG = 250;
const CLASS_ANY = 255;
const DEFAULT_FUDGE = 300;

export interface TsigKey {
  /** Key name as configured on the server (e.g. "zoneguard-key"). */
  name: string;
  /** The shared secret, base64 as in BIND's `secret "..."`. */
  secret: string;
  /** hmac-sha256 (default), hmac-sha512, ... — see TSIG_ALGORITHMS. */
  algorithm: string;
}

/** Normalizes an algorithm name ("HMAC-SHA256", "hmac-sha256.", "hmac-md5.sig-alg.reg.int"). */
export function tsigAlgorithm(name: string): string | undefined {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (ALGORITHMS[n]) return n;
  return Object.keys(ALGORITHMS).find((k) => ALGORITHMS[k].wire === n);
}

/** A domain name in canonical wire form: lower-case labels, uncompressed. */
export function nameWire(name: string): Buffer {
  const n = name.toLowerCase().replace(/\.$/, '');
  return encodeWith(packet.name, n === '' ? '.' : n);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

function hmacOf(key: TsigKey): ReturnType<typeof createHmac> {
  const alg = ALGORITHMS[tsigAlgorithm(key.algorithm) ?? ''];
  if (!alg)
    throw new Error(
      `unsupported TSIG algorithm "${key.algorithm}" (supported: ${TSIG_ALGORITHMS.join(', ')})`,
    );
  return createHmac(alg.hash, Buffer.from(key.secret, 'base64'));
}

function algorithmWire(key: TsigKey): Buffer {
  return nameWire(ALGORITHMS[tsigAlgorithm(key.algorithm) ?? '']?.wire ?? key.algorithm);
}

/** The TSIG variables of RFC 8945 §4.3.3 (what the MAC covers beside the message). */
function variables(
  keyName: Buffer,
  algorithm: Buffer,
  timeSigned: number,
  fudge: number,
  error: number,
  other: Buffer,
): Buffer {
  return Buffer.concat([
    keyName,
    u16(CLASS_ANY),
    Buffer.alloc(4),
    algorithm,
    u48(timeSigned),
    u16(fudge),
    u16(error),
    u16(other.length),
    other,
  ]);
}

/** Signs a request: returns the message with a TSIG record appended, and its MAC. */
export function sign(
  message: Buffer,
  key: TsigKey,
  nowSeconds = Math.floor(Date.now() / 1000),
  fudge = DEFAULT_FUDGE,
): { message: Buffer; mac: Buffer } {
  const keyName = nameWire(key.name);
  const alg = algorithmWire(key);
  const mac = hmacOf(key)
    .update(message)
    .update(variables(keyName, alg, nowSeconds, fudge, 0, Buffer.alloc(0)))
    .digest();
  const rdata = Buffer.concat([
    alg,
    u48(nowSeconds),
    u16(fudge),
    u16(mac.length),
    mac,
    message.subarray(0, 2),
    u16(0),
    u16(0),
  ]);
  const rr = Buffer.concat([
    keyName,
    u16(TYPE_TSIG),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    u16(rdata.length),
    rdata,
  ]);
  const out = Buffer.concat([message, rr]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: out, mac };
}

/** A TSIG record found at the end of a message. */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
  /** The message as it was before the TSIG was added: record removed, ARCOUNT - 1, original id. */
  unsigned: Buffer;
}

function skipName(buf: Buffer, off: number): number {
  for (let guard = 0; guard < 128; guard++) {
    if (off >= buf.length) throw new Error('truncated name');
    const len = buf[off];
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    off += len + 1;
  }
  throw new Error('name too long');
}

/** Finds the TSIG record (the last additional record, if it is one), or undefined. Throws on a malformed message. */
export function findTsig(buf: Buffer): TsigRecord | undefined {
  if (buf.length < 12) throw new Error('message shorter than a DNS header');
  const qd = buf.readUInt16BE(4);
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let off = 12;
  for (let i = 0; i < qd; i++) off = skipName(buf, off) + 4;
  let last = -1;
  let lastType = 0;
  for (let i = 0; i < records; i++) {
    last = off;
    off = skipName(buf, off);
    if (off + 10 > buf.length) throw new Error('truncated record');
    lastType = buf.readUInt16BE(off);
    off += 10 + buf.readUInt16BE(off + 8);
  }
  if (off > buf.length) throw new Error('truncated record');
  if (last < 0 || lastType !== TYPE_TSIG || buf.readUInt16BE(10) === 0) return undefined;
  const keyName = packet.name.decode(buf, last);
  let p = skipName(buf, last) + 10;
  const algorithm = packet.name.decode(buf, p);
  p = skipName(buf, p);
  const timeSigned = buf.readUIntBE(p, 6);
  const fudge = buf.readUInt16BE(p + 6);
  const macLen = buf.readUInt16BE(p + 8);
  const mac = Buffer.from(buf.subarray(p + 10, p + 10 + macLen));
  p += 10 + macLen;
  const originalId = buf.readUInt16BE(p);
  const error = buf.readUInt16BE(p + 2);
  const otherLen = buf.readUInt16BE(p + 4);
  const other = Buffer.from(buf.subarray(p + 6, p + 6 + otherLen));
  const unsigned = Buffer.from(buf.subarray(0, last));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(buf.readUInt16BE(10) - 1, 10);
  return { keyName, algorithm, timeSigned, fudge, mac, originalId, error, other, unsigned };
}

function equalMac(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a signed response cannot be trusted, or undefined when its MAC checks out. */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer): string | undefined {
  const t = findTsig(response);
  if (!t) return 'response is not signed';
  if (t.error !== 0) return `TSIG error ${TSIG_ERRORS[t.error] ?? t.error}`;
  const expected = hmacOf(key)
    .update(u16(requestMac.length))
    .update(requestMac)
    .update(t.unsigned)
    .update(variables(nameWire(t.keyName), nameWire(t.algorithm), t.timeSigned, t.fudge, t.error, t.other))
    .digest();
  return equalMac(expected, t.mac) ? undefined : 'response TSIG signature does not verify';
}

/**
 * Verifies the messages of a multi-message answer (AXFR): the first against the request MAC, each
 * later one against the previous MAC over the messages since (RFC 8945 §5.3.1). Unsigned messages
 * in between are allowed (up to 99) and covered by the next signed one.
 */
export class TsigStream {
  private prevMac: Buffer;
  private pending: Buffer[] = [];
  private first = true;

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
  ) {
    this.prevMac = requestMac;
  }

  /** Returns why the message fails, or undefined. Call `finish()` after the last one. */
  push(message: Buffer): string | undefined {
    const t = findTsig(message);
    if (!t) {
      if (this.first) return 'response is not signed';
      this.pending.push(message);
      return this.pending.length >= 100 ? 'more than 99 unsigned messages in a row' : undefined;
    }
    if (t.error !== 0) return `TSIG error ${TSIG_ERRORS[t.error] ?? t.error}`;
    const h = hmacOf(this.key).update(u16(this.prevMac.length)).update(this.prevMac);
    for (const m of this.pending) h.update(m);
    h.update(t.unsigned);
    if (this.first)
      h.update(
        variables(nameWire(t.keyName), nameWire(t.algorithm), t.timeSigned, t.fudge, t.error, t.other),
      );
    else h.update(Buffer.concat([u48(t.timeSigned), u16(t.fudge)]));
    const expected = h.digest();
    if (!equalMac(expected, t.mac)) return 'response TSIG signature does not verify';
    this.prevMac = t.mac;
    this.pending = [];
    this.first = false;
    return undefined;
  }

  /** Why the stream ended badly (a trailing unsigned message), or undefined. */
  finish(): string | undefined {
    return this.pending.length ? 'the last message of the transfer is not signed' : undefined;
  }
}
