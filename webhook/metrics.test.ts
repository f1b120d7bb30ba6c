import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

const state = { ownershipAgeSeconds: () => 1, ownershipNames: () => 2, clusterObjects: () => undefined };

describe('webhook metrics: reviews counted on the request path', () => {
  it('a scrape reads every review recorded since, by kind, operation and verdict, with its duration', async () => {
    const m = createMetrics(state);
    m.reviewed('Ingress', 'CREATE', 'allowed', 0.0003);
    m.reviewed('Ingress', 'CREATE', 'allowed', 0.002);
    m.reviewed('Ingress', 'CREATE', 'denied', 0.0004);
    m.reviewed('Service', 'UPDATE', 'warned', 0.02);
    m.reviews.inc({ kind: '', operation: '', verdict: 'invalid' });
    const first = await m.registry.getSingleMetricAsString('zoneguard_admission_reviews_total');
    expect(first).toContain(
      'zoneguard_admission_reviews_total{kind="Ingress",operation="CREATE",verdict="allowed"} 2',
    );
    expect(first).toContain(
      'zoneguard_admission_reviews_total{kind="Ingress",operation="CREATE",verdict="denied"} 1',
    );
    expect(first).toContain(
      'zoneguard_admission_reviews_total{kind="Service",operation="UPDATE",verdict="warned"} 1',
    );
    expect(first).toContain('zoneguard_admission_reviews_total{kind="",operation="",verdict="invalid"} 1');
    // a second read adds only what came since
    m.reviewed('Ingress', 'CREATE', 'allowed', 0.0003);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'zoneguard_admission_reviews_total{kind="Ingress",operation="CREATE",verdict="allowed"} 3',
    );
    expect(text).toContain(
      'zoneguard_admission_reviews_total{kind="Ingress",operation="CREATE",verdict="denied"} 1',
    );
    expect(text).toContain(
      'zoneguard_admission_duration_seconds_bucket{le="0.0005",kind="Ingress",operation="CREATE"} 3',
    );
    expect(text).toContain('zoneguard_admission_duration_seconds_count{kind="Ingress",operation="CREATE"} 4');
    expect(text).toContain('zoneguard_admission_duration_seconds_count{kind="Service",operation="UPDATE"} 1');
  });

  it('keeps every count when more label sets come than it keeps counts for', async () => {
    const m = createMetrics(state);
    for (let i = 0; i < 2500; i++) m.reviewed(`Kind${i % 1200}`, 'CREATE', 'allowed', 0.001);
    const text = await m.registry.getSingleMetricAsString('zoneguard_admission_reviews_total');
    let total = 0;
    for (const line of text.split('\n')) if (!line.startsWith('#')) total += Number(line.split(' ')[1]);
    expect(total).toBe(2500);
    expect(text).toContain(
      'zoneguard_admission_reviews_total{kind="Kind0",operation="CREATE",verdict="allowed"} 3',
    );
  });
});
