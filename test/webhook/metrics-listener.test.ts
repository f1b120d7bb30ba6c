/**
 * `zoneguard webhook --metrics-address`: /metrics and /healthz over plain HTTP, so Prometheus
 * scrapes without the admission CA; off unless asked for, closed with the webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFor } from '../../cli/settings.js';
import type { Webhook } from '../../webhook/run.js';
import { makeCerts, startTestWebhook, type CertDir } from './harness.js';

describe('webhook --metrics-address', () => {
  let certs: CertDir;
  let hook: Webhook;
  beforeAll(async () => {
    certs = makeCerts();
    hook = await startTestWebhook(certs, { 'metrics-address': '127.0.0.1:0' });
  });
  afterAll(async () => {
    await hook?.close();
  });

  it('serves the webhook registry over plain HTTP', async () => {
    expect(hook.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${hook.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^zoneguard_build_info\{/m);
    expect(text).toMatch(/^# TYPE zoneguard_admission_reviews_total counter$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect((await fetch(`${hook.metricsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${hook.metricsUrl}/validate`, { method: 'POST' })).status).toBe(404);
  });

  it('is off by default for the webhook and on :7979 by default for the reconciler', () => {
    expect(settingsFor('webhook').metricsAddress).toBe('');
    expect(settingsFor('reconcile').metricsAddress).toBe(':7979');
  });

  it('stops with the webhook', async () => {
    const other = await startTestWebhook(certs, { 'metrics-address': '127.0.0.1:0' });
    const url = other.metricsUrl!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await other.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
