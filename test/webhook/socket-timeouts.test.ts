/**
 * Socket timeouts as configured (issue 17 item 5): slow clients over real TCP/TLS on 127.0.0.1 are
 * closed by the webhook's HTTPS server (and the --metrics-address listener) within the flag's
 * bound — not after Node's 30 s checking interval or its 120 s handshake default. Small flag values;
 * each case asserts a generous upper bound, never exact timing.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFor } from '../../cli/settings.js';
import type { Webhook } from '../../webhook/run.js';
import { makeCerts, startTestWebhook, type CertDir } from './harness.js';

const HANDSHAKE = 400;
const HEADER = 300;
const REQUEST = 600;
const IDLE = 300;
/** Node closes an idle keep-alive connection 1 s after keepAliveTimeout (Node 20's buffer). */
const NODE_IDLE_EXTRA = 1000;
/** Scheduling slack on a loaded 2-core machine; Node's defaults (30 s, 120 s) are far above every bound. */
const SLACK = 1500;

interface Held {
  ms: number;
  /** What the server sent before closing (its status line, if any). */
  reply: string;
}

/** Opens a connection, lets `act` drive it, and resolves when the server closes it. */
function held(
  open: (onReady: (s: Socket) => void) => Socket,
  act: (s: Socket) => void,
  giveUpMs = 20_000,
): Promise<Held> {
  return new Promise((resolve, reject) => {
    let start = 0;
    let reply = '';
    const s = open((ready) => {
      start = Date.now();
      act(ready);
    });
    const guard = setTimeout(() => {
      s.destroy();
      reject(new Error(`connection still open after ${giveUpMs} ms`));
    }, giveUpMs);
    s.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(guard);
      resolve({ ms: Date.now() - start, reply: reply.split('\r\n')[0] });
    });
  });
}

const tcp = (port: number) => (ready: (s: Socket) => void) => {
  const s = tcpConnect(port, '127.0.0.1', () => ready(s));
  return s;
};
const tls = (port: number, ca: string) => (ready: (s: Socket) => void) => {
  const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => ready(s));
  return s;
};

/** Writes `text` one byte every `everyMs` until done or the socket closes. */
function trickle(text: string, everyMs: number) {
  return (s: Socket) => {
    let i = 0;
    const t = setInterval(() => {
      if (s.destroyed || i >= text.length) return clearInterval(t);
      s.write(text[i++]);
    }, everyMs);
    s.on('close', () => clearInterval(t));
  };
}

const SLOW_HEADERS = `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Pad: ${'a'.repeat(400)}\r\n\r\n`;

describe('webhook socket timeouts (flags set small)', () => {
  let certs: CertDir;
  let hook: Webhook;
  beforeAll(async () => {
    certs = makeCerts();
    hook = await startTestWebhook(certs, {
      'tls-handshake-timeout': `${HANDSHAKE}ms`,
      'http-header-timeout': `${HEADER}ms`,
      'http-request-timeout': `${REQUEST}ms`,
      'http-idle-timeout': `${IDLE}ms`,
      'metrics-address': '127.0.0.1:0',
    });
  });
  afterAll(async () => {
    await hook?.close();
  });

  it('closes a TCP connection that never sends a TLS ClientHello within --tls-handshake-timeout', async () => {
    const r = await held(tcp(hook.port), () => undefined);
    expect(r.ms).toBeGreaterThanOrEqual(HANDSHAKE - 50);
    expect(r.ms).toBeLessThan(HANDSHAKE + SLACK);
  });

  it('closes a connection that sends its ClientHello a byte at a time within --tls-handshake-timeout', async () => {
    // the first bytes of a TLS record header and ClientHello, one every 100 ms: activity never stops
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const r = await held(tcp(hook.port), (s) => {
      let i = 0;
      const t = setInterval(() => {
        if (s.destroyed) return clearInterval(t);
        s.write(hello.subarray(i % hello.length, (i % hello.length) + 1));
        i++;
      }, 100);
      s.on('close', () => clearInterval(t));
    });
    expect(r.ms).toBeLessThan(HANDSHAKE + SLACK);
  });

  it('counts both as handshake timeouts in zoneguard_tls_handshake_failures_total', async () => {
    const text = await hook.metrics.registry.getSingleMetricAsString(
      'zoneguard_tls_handshake_failures_total',
    );
    expect(text).toMatch(/^zoneguard_tls_handshake_failures_total\{reason="timeout"\} 2$/m);
  });

  it('closes a connection sending its headers byte by byte within --http-header-timeout (408)', async () => {
    // 480 bytes at one per 20 ms would take ≈ 10 s
    const r = await held(tls(hook.port, certs.ca), trickle(SLOW_HEADERS, 20));
    expect(r.reply).toBe('HTTP/1.1 408 Request Timeout');
    expect(r.ms).toBeLessThan(HEADER + SLACK);
  });

  it('closes a connection that sends headers but never finishes the body within --http-request-timeout (408)', async () => {
    const r = await held(tls(hook.port, certs.ca), (s) => {
      s.write(
        'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"kind":',
      );
    });
    expect(r.reply).toBe('HTTP/1.1 408 Request Timeout');
    expect(r.ms).toBeGreaterThanOrEqual(REQUEST - 50);
    expect(r.ms).toBeLessThan(REQUEST + SLACK);
    // the abandoned review is no longer counted in flight (a shutdown would otherwise wait for it)
    await new Promise((r) => setTimeout(r, 50));
    expect(hook.inFlight()).toBe(0);
  });

  it('closes an idle keep-alive connection within --http-idle-timeout', async () => {
    const r = await held(tls(hook.port, certs.ca), (s) => {
      s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    expect(r.reply).toBe('HTTP/1.1 200 OK');
    expect(r.ms).toBeLessThan(IDLE + NODE_IDLE_EXTRA + SLACK);
  });

  it('applies the HTTP timeouts to the --metrics-address listener too', async () => {
    const port = Number(new URL(hook.metricsUrl!).port);
    const slow = await held(
      tcp(port),
      trickle('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'a'.repeat(400), 20),
    );
    expect(slow.reply).toBe('HTTP/1.1 408 Request Timeout');
    expect(slow.ms).toBeLessThan(HEADER + SLACK);
    const idle = await held(tcp(port), (s) => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(idle.reply).toBe('HTTP/1.1 200 OK');
    expect(idle.ms).toBeLessThan(IDLE + NODE_IDLE_EXTRA + SLACK);
  });
});

describe('socket timeout flags', () => {
  it('default to 10s handshake, 10s headers, 30s request, 65s idle', () => {
    const s = settingsFor('webhook');
    expect([s.tlsHandshakeTimeout, s.httpHeaderTimeout, s.httpRequestTimeout, s.httpIdleTimeout]).toEqual([
      10_000, 10_000, 30_000, 65_000,
    ]);
    expect(settingsFor('reconcile').httpHeaderTimeout).toBe(10_000);
  });

  it('refuse a header timeout longer than the request timeout, naming the flag', () => {
    expect(() =>
      settingsFor('webhook', { 'http-header-timeout': '40s', 'http-request-timeout': '30s' }),
    ).toThrow(/^--http-header-timeout: must not be longer than --http-request-timeout/);
  });
});
