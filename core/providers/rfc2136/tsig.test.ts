import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findTsig, nameWire, sign, tsigAlgorithm, TsigStream, verifyResponse, type TsigKey } from './tsig.js';
import { encodeAxfr, encodeUpdate } from './wire.js';

const key: TsigKey = {
  name: 'zoneguard-key',
  secret: Buffer.from('secret-test-key-for-external-dns').toString('base64'),
  algorithm: 'hmac-sha256',
};
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

/** Signs a response as a server does (RFC 8945 §4.3.3 / §5.3.1), independently of the code under test. */
function serverSign(
  unsigned: Buffer,
  requestMac: Buffer,
  k: TsigKey,
  time: number,
  opts: { timersOnly?: boolean; error?: number; macOverride?: Buffer } = {},
): { message: Buffer; mac: Buffer } {
  const alg = nameWire(k.algorithm);
  const t48 = Buffer.alloc(6);
  t48.writeUIntBE(time, 0, 6);
  const h = createHmac(k.algorithm.replace('hmac-', ''), Buffer.from(k.secret, 'base64'))
    .update(u16(requestMac.length))
    .update(requestMac)
    .update(unsigned);
  if (opts.timersOnly) h.update(Buffer.concat([t48, u16(300)]));
  else
    h.update(
      Buffer.concat([
        nameWire(k.name),
        u16(255),
        Buffer.alloc(4),
        alg,
        t48,
        u16(300),
        u16(opts.error ?? 0),
        u16(0),
      ]),
    );
  const mac = opts.macOverride ?? h.digest();
  const rdata = Buffer.concat([
    alg,
    t48,
    u16(300),
    u16(mac.length),
    mac,
    unsigned.subarray(0, 2),
    u16(opts.error ?? 0),
    u16(0),
  ]);
  const message = Buffer.concat([
    unsigned,
    nameWire(k.name),
    u16(250),
    u16(255),
    Buffer.alloc(4),
    u16(rdata.length),
    rdata,
  ]);
  message.writeUInt16BE(unsigned.readUInt16BE(10) + 1, 10);
  return { message, mac };
}

function responseTo(query: Buffer): Buffer {
  const r = Buffer.from(query);
  r.writeUInt16BE(0xa800, 2); // QR, opcode UPDATE, NOERROR
  return r;
}

describe('TSIG', () => {
  it.each(['hmac-sha256', 'hmac-sha512', 'HMAC-SHA1', 'hmac-md5.sig-alg.reg.int', 'hmac-sha384.'])(
    'knows the algorithm %s',
    (a) => {
      expect(tsigAlgorithm(a)).toMatch(/^hmac-/);
    },
  );
  it('does not know made-up algorithms', () => expect(tsigAlgorithm('hmac-sha3')).toBeUndefined());

  it('appends a TSIG record with the key name, algorithm, time and original id, and ARCOUNT + 1', () => {
    const query = encodeUpdate(513, 'example.com', [
      { op: 'add', name: 'a.example.com', type: 'A', ttl: 60, target: '192.0.2.1' },
    ]);
    const { message, mac } = sign(query, key, 1_800_000_000);
    expect(message.readUInt16BE(10)).toBe(1);
    const t = findTsig(message)!;
    expect(t).toMatchObject({
      keyName: 'zoneguard-key',
      algorithm: 'hmac-sha256',
      timeSigned: 1_800_000_000,
      fudge: 300,
      originalId: 513,
      error: 0,
    });
    expect(t.mac.equals(mac)).toBe(true);
    expect(t.unsigned.equals(query)).toBe(true);
    expect(mac).toHaveLength(32);
  });

  it('verifies a response signed with the request MAC, and refuses a forged or unsigned one', () => {
    const query = encodeUpdate(9, 'example.com', []);
    const { mac } = sign(query, key);
    const good = serverSign(responseTo(query), mac, key, Math.floor(Date.now() / 1000));
    expect(verifyResponse(good.message, key, mac)).toBeUndefined();
    const forged = serverSign(
      responseTo(query),
      mac,
      { ...key, secret: Buffer.from('another secret').toString('base64') },
      1,
    );
    expect(verifyResponse(forged.message, key, mac)).toMatch(/does not verify/);
    expect(verifyResponse(responseTo(query), key, mac)).toMatch(/not signed/);
    const badkey = serverSign(responseTo(query), mac, key, 1, { error: 17, macOverride: Buffer.alloc(0) });
    expect(verifyResponse(badkey.message, key, mac)).toBe('TSIG error BADKEY');
  });

  it('verifies a multi-message zone transfer, each message chained to the MAC before it', () => {
    const query = encodeAxfr(77, 'example.com');
    const { mac } = sign(query, key);
    const m1 = serverSign(responseTo(query), mac, key, 100);
    const unsignedMiddle = responseTo(query);
    const m3 = serverSign(responseTo(query), m1.mac, key, 101, { timersOnly: true });
    // the third message's MAC covers the unsigned second one too
    const m3b = (() => {
      const t48 = Buffer.alloc(6);
      t48.writeUIntBE(101, 0, 6);
      const h = createHmac('sha256', Buffer.from(key.secret, 'base64'))
        .update(u16(m1.mac.length))
        .update(m1.mac)
        .update(unsignedMiddle)
        .update(responseTo(query))
        .update(Buffer.concat([t48, u16(300)]));
      return serverSign(responseTo(query), m1.mac, key, 101, { timersOnly: true, macOverride: h.digest() });
    })();
    const ok = new TsigStream(key, mac);
    expect(ok.push(m1.message)).toBeUndefined();
    expect(ok.push(m3.message)).toBeUndefined();
    expect(ok.finish()).toBeUndefined();

    const withGap = new TsigStream(key, mac);
    expect(withGap.push(m1.message)).toBeUndefined();
    expect(withGap.push(unsignedMiddle)).toBeUndefined();
    expect(withGap.push(m3b.message)).toBeUndefined();

    const truncated = new TsigStream(key, mac);
    truncated.push(m1.message);
    truncated.push(unsignedMiddle);
    expect(truncated.finish()).toMatch(/not signed/);

    const replayed = new TsigStream(key, mac);
    replayed.push(m1.message);
    expect(replayed.push(m1.message)).toMatch(/does not verify/);
  });

  it('reads no TSIG from a message without one, and rejects a truncated message', () => {
    expect(findTsig(encodeAxfr(1, 'example.com'))).toBeUndefined();
    expect(() => findTsig(Buffer.alloc(5))).toThrow(/shorter/);
    const cut = sign(encodeAxfr(1, 'example.com'), key).message.subarray(0, 40);
    expect(() => findTsig(cut)).toThrow(/truncated/);
  });
});
