import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { encodeAxfr, encodeUpdate, rcodeOf, rdataOf, targetOf } from './wire.js';

describe('rfc2136 wire: targets ↔ rdata', () => {
  it.each([
    ['A', '192.0.2.1', '192.0.2.1'],
    ['AAAA', '2001:DB8::1', '2001:db8::1'],
    ['CNAME', 'lb.example.net.', 'lb.example.net'],
    ['NS', 'ns1.example.net', 'ns1.example.net'],
    [
      'TXT',
      'heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/default/app',
      'heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/default/app',
    ],
    ['TXT', 'x'.repeat(600), 'x'.repeat(600)],
    ['TXT', '', ''],
    ['MX', '10 mail.example.com', '10 mail.example.com'],
    ['SRV', '10 5 5060 sip.example.com.', '10 5 5060 sip.example.com'],
    [
      'NAPTR',
      '100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!" _sip._udp.example.com',
      '100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!" _sip._udp.example.com',
    ],
  ])('%s %s survives a trip through the wire format', (type, target, back) => {
    const rr = dnsPacket.decode(
      encodeUpdate(1, 'example.com', [{ op: 'add', name: 'r.example.com', type, ttl: 60, target }]),
    ).authorities![0] as { data: unknown };
    expect(targetOf(type, rr.data)).toBe(back);
  });

  it('cuts a long TXT into 255-byte character-strings', () => {
    expect((rdataOf('TXT', 'y'.repeat(600)) as Buffer[]).map((b) => b.length)).toEqual([255, 255, 90]);
  });

  it.each([
    ['MX', 'mail.example.com', /2 fields/],
    ['SRV', '10 5 x sip.example.com', /port "x"/],
    ['CAA', '0 issue "letsencrypt.org"', /not supported/],
  ])('rejects a malformed %s target %s', (type, target, message) => {
    expect(() => rdataOf(type, target)).toThrow(message);
  });
});

describe('rfc2136 wire: messages', () => {
  it('builds an UPDATE: zone as the question, adds as class IN, deletes of single records as class NONE with TTL 0', () => {
    const msg = encodeUpdate(4242, 'example.com', [
      { op: 'delete', name: 'old.example.com', type: 'A', ttl: 300, target: '192.0.2.1' },
      { op: 'add', name: 'new.example.com', type: 'A', ttl: 120, target: '192.0.2.2' },
    ]);
    const p = dnsPacket.decode(msg);
    expect(p.id).toBe(4242);
    expect((p as { opcode?: string }).opcode).toBe('UPDATE');
    expect(p.questions).toEqual([{ name: 'example.com', type: 'SOA', class: 'IN' }]);
    expect(
      p.authorities!.map((a) => [a.name, a.type, (a as { class: string }).class, (a as { ttl: number }).ttl]),
    ).toEqual([
      ['old.example.com', 'A', 'UNKNOWN_254', 0],
      ['new.example.com', 'A', 'IN', 120],
    ]);
  });

  it('puts "RRset does not exist" prerequisites for created record sets: class NONE, TTL 0, no rdata', () => {
    const msg = encodeUpdate(
      9,
      'example.com',
      [{ op: 'add', name: 'new.example.com', type: 'TXT', ttl: 60, target: 'hello' }],
      [{ name: 'new.example.com', type: 'TXT' }],
    );
    expect(msg.readUInt16BE(6)).toBe(1); // PRCOUNT (the answer count)
    // after the 12-byte header and the question (example.com SOA IN): the prerequisite
    const qEnd = 12 + 13 + 4;
    const name = Buffer.from('\x03new\x07example\x03com\x00', 'latin1');
    expect(msg.subarray(qEnd, qEnd + name.length)).toEqual(name);
    const at = qEnd + name.length;
    expect([
      msg.readUInt16BE(at),
      msg.readUInt16BE(at + 2),
      msg.readUInt32BE(at + 4),
      msg.readUInt16BE(at + 8),
    ]).toEqual([16, 254, 0, 0]);
    expect(dnsPacket.decode(msg).authorities!.map((a) => [a.name, a.type])).toEqual([
      ['new.example.com', 'TXT'],
    ]);
  });

  it('builds an AXFR request and reads response codes', () => {
    const p = dnsPacket.decode(encodeAxfr(7, 'example.org'));
    expect(p.questions).toEqual([{ name: 'example.org', type: 'AXFR', class: 'IN' }]);
    const refused = Buffer.from(encodeAxfr(7, 'example.org'));
    refused.writeUInt16BE(0x8005, 2);
    expect(rcodeOf(refused)).toEqual({ code: 5, name: 'REFUSED' });
  });
});
