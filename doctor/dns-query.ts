/**
 * Asks one DNS server one question, without recursion, and keeps what a person troubleshooting
 * needs: the rcode, whether the answer is authoritative (AA), and every answer record with its
 * TTL. UDP first, TCP when the answer is truncated (RFC 7766). dns-packet builds and reads the
 * messages; node:dns cannot report the TTL of CNAME or TXT answers, nor the AA bit.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { parseHostPort } from '../core/listen.js';
import { tcpExchange } from '../core/dns-tcp.js';

export interface NameServer {
  host: string;
  port: number;
}

export interface AnswerRecord {
  name: string;
  type: string;
  ttl: number;
  /** A/AAAA: the address; CNAME/NS: the name; TXT: the strings joined (RFC 7208 §3.3 style). */
  data: string;
}

export interface DnsAnswer {
  server: string;
  name: string;
  type: string;
  rcode?: string;
  authoritative?: boolean;
  records: AnswerRecord[];
  /** Set when no answer came back: timeout, refused connection, malformed reply. */
  error?: string;
}

export interface QueryOptions {
  timeoutMs?: number;
  tries?: number;
}

/** "127.0.0.1:5353", "[::1]:53", "ns1.example.com" (port 53). */
export function parseNameServer(text: string): NameServer | undefined {
  const hp = parseHostPort(text, { defaultPort: 53 });
  return hp?.host && hp.port >= 1 ? { host: hp.host, port: hp.port } : undefined;
}

export function formatNameServer(ns: NameServer): string {
  return ns.host.includes(':') ? `[${ns.host}]:${ns.port}` : `${ns.host}:${ns.port}`;
}

function recordData(a: dnsPacket.Answer): string {
  const data = (a as { data?: unknown }).data;
  if (a.type === 'TXT') {
    const parts = Array.isArray(data) ? data : [data];
    return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join('');
  }
  if (typeof data === 'string') return data.replace(/\.$/, '').toLowerCase();
  return JSON.stringify(data);
}

function toAnswer(server: NameServer, name: string, type: string, msg: dnsPacket.Packet): DnsAnswer {
  const flags = msg.flags ?? 0;
  return {
    server: formatNameServer(server),
    name,
    type,
    rcode: (msg as { rcode?: string }).rcode ?? 'NOERROR',
    authoritative: (flags & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    records: (msg.answers ?? []).map((a) => ({
      name: a.name.replace(/\.$/, '').toLowerCase(),
      type: a.type,
      ttl: (a as { ttl?: number }).ttl ?? 0,
      data: recordData(a),
    })),
  };
}

function udpOnce(
  server: NameServer,
  query: Buffer,
  id: number,
  timeoutMs: number,
): Promise<dnsPacket.Packet> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.on('message', (buf) => {
      let msg: dnsPacket.Packet;
      try {
        msg = dnsPacket.decode(buf);
      } catch {
        return; // not a DNS message: keep waiting for the real answer
      }
      if (msg.id !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(msg);
    });
    sock.send(query, server.port, server.host);
  });
}

async function tcpOnce(server: NameServer, query: Buffer, timeoutMs: number): Promise<dnsPacket.Packet> {
  let answer: Buffer | undefined;
  await tcpExchange({ ...server, timeoutMs }, query, 'DNS over TCP', (message) => {
    answer = message;
    return true;
  });
  return dnsPacket.decode(answer as Buffer);
}

/** One question to one server. Never throws: a failure is reported in `error`. */
export async function queryDns(
  server: NameServer,
  name: string,
  type: string,
  opts: QueryOptions = {},
): Promise<DnsAnswer> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const tries = opts.tries ?? 2;
  const id = randomInt(0, 65536);
  // no RD bit: we want what this server holds, not what it could look up
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: 0,
    questions: [{ type: type as dnsPacket.RecordType, name }],
  });
  let lastError = '';
  for (let i = 0; i < tries; i++) {
    try {
      let msg = await udpOnce(server, query, id, timeoutMs);
      if ((msg.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) msg = await tcpOnce(server, query, timeoutMs);
      return toAnswer(server, name, type, msg);
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  return { server: formatNameServer(server), name, type, records: [], error: lastError };
}
