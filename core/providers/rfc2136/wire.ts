/**
 * DNS UPDATE (RFC 2136) and AXFR messages with dns-packet, and the conversion between DNS records
 * and Endpoint targets (external-dns's text forms: "10 mail.example.com" for MX, and so on).
 *
 * dns-packet has no class NONE (254), which RFC 2136 uses to delete one record from an RRset, so
 * the records of an UPDATE are encoded one by one and the class field is written afterwards.
 */
import dnsPacket from 'dns-packet';
import dnsTypes from 'dns-packet/types.js';
import { quoteCharacterString, txtStrings } from '../../txt-rdata.js';

interface Codec<T> {
  encode(value: T, buf?: Buffer, offset?: number): unknown;
  decode(buf: Buffer, offset?: number): T;
  encodingLength(value: T): number;
}
/** dns-packet's per-part codecs, which @types/dns-packet does not declare. */
export const packet = dnsPacket as typeof dnsPacket & {
  name: Codec<string>;
  question: Codec<dnsPacket.Question>;
  answer: Codec<dnsPacket.Answer>;
};

/** Encodes with one of those codecs into a buffer of its exact length (question.encode returns its input, not the buffer). */
export function encodeWith<T>(codec: Codec<T>, value: T): Buffer {
  const buf = Buffer.alloc(codec.encodingLength(value));
  codec.encode(value, buf, 0);
  return buf;
}

const CLASS_IN = 1;
const CLASS_NONE = 254;
const OPCODE_UPDATE = 5 << 11;

/** Record types the provider reads and writes. */
export const WIRE_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'PTR', 'MX', 'SRV', 'NAPTR']);

export interface UpdateOp {
  op: 'add' | 'delete';
  name: string;
  type: string;
  ttl: number;
  target: string;
}

function fields(target: string, n: number, type: string): string[] {
  const parts = target.trim().split(/\s+/);
  if (parts.length !== n) throw new Error(`${type} target "${target}" must have ${n} fields`);
  return parts;
}

function int(s: string, type: string, what: string): number {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0 || v > 65535)
    throw new Error(`${type} ${what} "${s}" is not a number 0-65535`);
  return v;
}

/** NAPTR text: order preference "flags" "services" "regexp" replacement. */
function naptrFields(target: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(target); m; m = re.exec(target))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  if (out.length !== 6) throw new Error(`NAPTR target "${target}" must have 6 fields`);
  return out;
}

/** Endpoint target text → dns-packet rdata. Throws a plain Error naming the problem. */
export function rdataOf(type: string, target: string): unknown {
  switch (type) {
    case 'A':
    case 'AAAA':
      return target;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return target.replace(/\.$/, '');
    case 'TXT':
      return txtStrings(target);
    case 'MX': {
      const [pref, exchange] = fields(target, 2, type);
      return { preference: int(pref, type, 'preference'), exchange: exchange.replace(/\.$/, '') };
    }
    case 'SRV': {
      const [priority, weight, port, t] = fields(target, 4, type);
      return {
        priority: int(priority, type, 'priority'),
        weight: int(weight, type, 'weight'),
        port: int(port, type, 'port'),
        target: t.replace(/\.$/, ''),
      };
    }
    case 'NAPTR': {
      const [order, preference, flags, services, regexp, replacement] = naptrFields(target);
      return {
        order: int(order, type, 'order'),
        preference: int(preference, type, 'preference'),
        flags,
        services,
        regexp,
        replacement: replacement.replace(/\.$/, ''),
      };
    }
  }
  throw new Error(`record type ${type} is not supported by rfc2136`);
}

/** dns-packet rdata → Endpoint target text, or undefined for types the provider does not manage. */
export function targetOf(type: string, data: unknown): string | undefined {
  switch (type) {
    case 'A':
      return data as string;
    case 'AAAA':
      return (data as string).toLowerCase();
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return (data as string).toLowerCase();
    case 'TXT':
      return (data as Buffer[]).map((b) => b.toString('utf8')).join('');
    case 'MX': {
      const d = data as { preference: number; exchange: string };
      return `${d.preference} ${d.exchange.toLowerCase()}`;
    }
    case 'SRV': {
      const d = data as { priority: number; weight: number; port: number; target: string };
      return `${d.priority} ${d.weight} ${d.port} ${d.target.toLowerCase()}`;
    }
    case 'NAPTR': {
      const d = data as {
        order: number;
        preference: number;
        flags: string;
        services: string;
        regexp: string;
        replacement: string;
      };
      return `${d.order} ${d.preference} ${quoteCharacterString(d.flags)} ${quoteCharacterString(d.services)} ${quoteCharacterString(d.regexp)} ${d.replacement || '.'}`;
    }
  }
  return undefined;
}

function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  b.writeUInt16BE(ns, 8);
  b.writeUInt16BE(ar, 10);
  return b;
}

/**
 * An UPDATE for `zone`: adds (class IN, with TTL) and deletes of single records (class NONE, TTL 0),
 * in the order given. No prerequisites: deleting a record that is not there and adding one that is
 * are both no-ops, so a retried message is harmless.
 */

/** An RRset that must not exist for the update to apply (RFC 2136 2.4.3). */
export interface AbsentRRset {
  name: string;
  type: string;
}

/** RFC 2136 2.4.3 "RRset does not exist": NAME, TYPE, class NONE, TTL 0, RDLENGTH 0. */
function absentPrerequisite(p: AbsentRRset): Buffer {
  // prerequisites carry no rdata for dns-packet's record encoder: the type code from its table
  const code = WIRE_TYPES.has(p.type) ? dnsTypes.toType(p.type) : 0;
  if (code === 0) throw new Error(`record type ${p.type} is not written by this provider`);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(code, 0);
  fixed.writeUInt16BE(CLASS_NONE, 2);
  return Buffer.concat([encodeWith(packet.name, p.name), fixed]);
}

/**
 * An UPDATE message. `absent` are prerequisites: the RRsets this update creates must not exist yet,
 * so two controllers creating one name at the same moment cannot merge their records into one
 * RRset; the server then applies nothing and answers YXRRSET.
 */
export function encodeUpdate(
  id: number,
  zone: string,
  ops: readonly UpdateOp[],
  absent: readonly AbsentRRset[] = [],
): Buffer {
  const parts: Buffer[] = [
    header(id, OPCODE_UPDATE, 1, absent.length, ops.length, 0),
    encodeWith(packet.question, { name: zone, type: 'SOA', class: 'IN' }),
  ];
  for (const p of absent) parts.push(absentPrerequisite(p));
  for (const o of ops) {
    const rr = encodeWith(packet.answer, {
      name: o.name,
      type: o.type,
      class: 'IN',
      ttl: o.op === 'add' ? o.ttl : 0,
      data: rdataOf(o.type, o.target),
    } as dnsPacket.Answer);
    rr.writeUInt16BE(o.op === 'add' ? CLASS_IN : CLASS_NONE, packet.name.encodingLength(o.name) + 2);
    parts.push(rr);
  }
  return Buffer.concat(parts);
}

/** A zone transfer request. */
export function encodeAxfr(id: number, zone: string): Buffer {
  return Buffer.concat([
    header(id, 0, 1, 0, 0, 0),
    encodeWith(packet.question, { name: zone, type: 'AXFR', class: 'IN' }),
  ]);
}

/** Response code of a message (the low 4 bits of the flags) and its name. */
export function rcodeOf(message: Buffer): { code: number; name: string } {
  const code = message.readUInt16BE(2) & 0xf;
  return { code, name: RCODES[code] ?? `RCODE${code}` };
}

const RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};
