import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeWebhookCerts, serviceDnsNames, writeCertFiles } from './index.js';

const DAY = 24 * 3_600_000;

describe('zoneguard certs', () => {
  it.each([
    {
      name: 'service names only',
      extra: [],
      want: ['zoneguard-webhook.zoneguard.svc', 'zoneguard-webhook.zoneguard.svc.cluster.local'],
    },
    {
      name: 'extra names, deduplicated',
      extra: ['localhost', 'zoneguard-webhook.zoneguard.svc'],
      want: ['zoneguard-webhook.zoneguard.svc', 'zoneguard-webhook.zoneguard.svc.cluster.local', 'localhost'],
    },
  ])('names: $name', ({ extra, want }) => {
    expect(serviceDnsNames('zoneguard-webhook', 'zoneguard', extra)).toEqual(want);
  });

  it('issues a serving certificate signed by its CA, for the Service names and extra names/IPs', () => {
    const now = new Date('2026-11-24T00:00:00Z');
    const c = makeWebhookCerts({
      serviceName: 'wh',
      serviceNamespace: 'ns',
      extraDnsNames: ['localhost', '127.0.0.1'],
      certValidityMs: 30 * DAY,
      caValidityMs: 365 * DAY,
      now,
    });
    const ca = new X509Certificate(c.caPem);
    const leaf = new X509Certificate(c.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.subjectAltName).toBe(
      'DNS:wh.ns.svc, DNS:wh.ns.svc.cluster.local, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(leaf.checkHost('wh.ns.svc')).toBe('wh.ns.svc');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(leaf.validTo).getTime()).toBe(now.getTime() + 30 * DAY);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(Buffer.from(c.caBundle, 'base64').toString()).toBe(c.caPem);
    expect(() =>
      createSecureContext({ cert: c.certPem, key: c.keyPem, minVersion: 'TLSv1.2' }),
    ).not.toThrow();
  });

  it('never lets the serving certificate outlive its CA', () => {
    const c = makeWebhookCerts({
      serviceName: 'wh',
      serviceNamespace: 'ns',
      certValidityMs: 365 * DAY,
      caValidityMs: 10 * DAY,
    });
    expect(new Date(new X509Certificate(c.certPem).validTo).getTime()).toBeLessThanOrEqual(
      new Date(new X509Certificate(c.caPem).validTo).getTime(),
    );
  });

  it('writes ca.crt, tls.crt and tls.key (0600)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'zg-certs-')), 'nested');
    const c = makeWebhookCerts({
      serviceName: 'wh',
      serviceNamespace: 'ns',
      certValidityMs: DAY,
      caValidityMs: DAY,
    });
    const files = writeCertFiles(dir, c);
    expect(readFileSync(files.ca, 'utf8')).toBe(c.caPem);
    expect(readFileSync(files.cert, 'utf8')).toBe(c.certPem);
    expect(readFileSync(files.key, 'utf8')).toBe(c.keyPem);
    expect(statSync(files.key).mode & 0o777).toBe(0o600);
    expect(c.keyPem).not.toContain('\r');
  });
});
