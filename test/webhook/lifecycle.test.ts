/** Certificate rotation under load (0 failures) and graceful shutdown, over real HTTPS. */
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCertFiles } from '../../certs/index.js';
import { client, fixture, makeCerts, startTestWebhook } from './harness.js';

/** The serial of the certificate a new TLS connection is served. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = s.getPeerX509Certificate()?.serialNumber ?? '';
      s.end();
      resolve(serial);
    });
    s.on('error', reject);
  });
}

describe('certificate rotation', () => {
  it('serves the new certificate after the files change, with 0 failed requests meanwhile', async () => {
    const first = makeCerts();
    // the next certificate is made elsewhere and moved in, as a Secret update or `zoneguard certs --out` does
    const next = makeCerts(mkdtempSync(join(tmpdir(), 'zoneguard-next-')));
    const { readFileSync } = await import('node:fs');
    const nextFiles = {
      caPem: next.ca,
      certPem: readFileSync(join(next.dir, 'tls.crt'), 'utf8'),
      keyPem: readFileSync(join(next.dir, 'tls.key'), 'utf8'),
    };
    // during a rotation the caBundle holds both CAs
    const bundle = first.ca + next.ca;
    const wh = await startTestWebhook(first, { 'tls-reload-interval': '1h' });
    await wh.ownership!.whenLoaded();
    const oldSerial = new X509Certificate(readFileSync(join(first.dir, 'tls.crt'))).serialNumber;
    const newSerial = new X509Certificate(nextFiles.certPem).serialNumber;
    expect(await servedSerial(wh.port, bundle)).toBe(oldSerial);

    const keepAlive = client(wh.url, bundle);
    const fresh = client(wh.url, bundle, { keepAlive: false });
    const review = fixture('denied-domain-filter.json');
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const worker = async (c: ReturnType<typeof client>) => {
      while (!stop) {
        try {
          const r = await c.review(review);
          if (
            r.status === 200 &&
            r.review.response?.uid === review.request.uid &&
            r.review.response.allowed === false
          )
            ok++;
          else failures.push(`HTTP ${r.status}: ${r.text.slice(0, 200)}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const workers = [worker(keepAlive), worker(keepAlive), worker(fresh), worker(fresh)];
    const reloaded = once(wh.tls, 'reload');
    writeCertFiles(first.dir, nextFiles);
    const [result] = await reloaded; // from the directory watch (the periodic re-read is an hour away)
    expect(result).toBe(true);
    // let the load run on across the switch until fresh connections get the new certificate
    while ((await servedSerial(wh.port, bundle)) !== newSerial) await new Promise((r) => setImmediate(r));
    const atSwitch = ok;
    while (ok < atSwitch + 50) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(workers);
    keepAlive.close();
    fresh.close();
    await wh.close();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
    expect(await wh.metrics.registry.getSingleMetricAsString('zoneguard_tls_reloads_total')).toContain(
      'result="ok"} 1',
    );
  });

  it('keeps the current certificate when the new pair does not match', async () => {
    const certs = makeCerts();
    const other = makeCerts(mkdtempSync(join(tmpdir(), 'zoneguard-other-')));
    const wh = await startTestWebhook(certs, { 'tls-reload-interval': '1h' });
    try {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const serial = await servedSerial(wh.port, certs.ca);
      writeFileSync(join(certs.dir, 'tls.crt'), readFileSync(join(other.dir, 'tls.crt')));
      expect(wh.tls.check()).toBe(false);
      expect(await servedSerial(wh.port, certs.ca)).toBe(serial);
    } finally {
      await wh.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight review, refuses new connections, then closes', async () => {
    const certs = makeCerts();
    const wh = await startTestWebhook(certs);
    await wh.ownership!.whenLoaded();
    const idle = client(wh.url, certs.ca);
    expect((await idle.get('/healthz')).status).toBe(200); // an idle keep-alive connection must not hold close() up
    const body = Buffer.from(JSON.stringify(fixture('allowed-ingress.json')));
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${wh.url}/validate`,
        {
          method: 'POST',
          ca: certs.ca,
          servername: 'localhost',
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // half the body now: the review is in flight when close() starts
      req.write(body.subarray(0, 100));
      void (async () => {
        while (wh.inFlight() === 0) await new Promise((r) => setTimeout(r, 2));
        const closed = wh.close();
        // new connections are refused while the in-flight review is still open
        await expect(servedSerial(wh.port, certs.ca)).rejects.toThrow(/ECONNREFUSED/);
        req.end(body.subarray(100));
        await closed;
      })();
    });
    const r = await reply;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).response).toMatchObject({ allowed: true });
    await wh.close();
    expect(wh.listening.server.listening).toBe(false);
    idle.close();
  });

  it('during --shutdown-delay: still answers, /readyz 503, and every answer (probes, /metrics) says Connection: close', async () => {
    const certs = makeCerts();
    const wh = await startTestWebhook(certs);
    await wh.ownership!.whenLoaded();
    const c = client(wh.url, certs.ca);
    expect((await c.get('/readyz')).headers.connection).not.toBe('close');
    const skip = new AbortController();
    const stopped = wh.shutdown(60_000, skip.signal);
    try {
      const review = fixture('denied-domain-filter.json');
      const answers = {
        validate: await c.review(review),
        readyz: await c.get('/readyz'),
        healthz: await c.get('/healthz'),
        metrics: await c.get('/metrics'),
      };
      expect(answers.validate.review.response?.uid).toBe(review.request.uid);
      expect(answers.readyz.status).toBe(503);
      expect(answers.readyz.text).toContain('shutting down');
      expect(answers.healthz.status).toBe(200);
      expect(answers.metrics.status).toBe(200);
      // a keep-alive client (the API server) opens its next connection elsewhere
      expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.headers.connection]))).toEqual({
        validate: 'close',
        readyz: 'close',
        healthz: 'close',
        metrics: 'close',
      });
    } finally {
      skip.abort();
      c.close();
      await wh.close();
      await stopped;
    }
  });
});
