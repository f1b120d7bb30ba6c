/**
 * Replies and log lines do not grow with the object under review (issue 17): over real HTTPS with
 * real AdmissionReviews (the recorded Service and Ingress fixtures, their names multiplied), the
 * denial message lists ten violations and counts the rest, the log line likewise, warnings stay
 * within what kube-apiserver keeps, and an object over --max-hostnames-per-object is denied with
 * the `object` rule alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Webhook } from '../../webhook/run.js';
import { captureLogs } from '../logs.js';
import { client, fixture, makeCerts, startTestWebhook, type CertDir } from './harness.js';

const HOSTNAME = 'external-dns.kubernetes.io/hostname';
const TARGET = 'external-dns.kubernetes.io/target';

/** The recorded Service review (allowed-service.json) with these annotations. */
function serviceReview(annotations: Record<string, string>, type = 'LoadBalancer') {
  const review = fixture('allowed-service.json');
  const obj = review.request.object as {
    metadata: { annotations: Record<string, string> };
    spec: { type: string };
  };
  obj.metadata.annotations = annotations;
  obj.spec.type = type;
  return review;
}

/** The recorded Ingress review (allowed-ingress.json) with one rule per host. */
function ingressReview(hosts: string[]) {
  const review = fixture('allowed-ingress.json');
  const obj = review.request.object as { spec: { rules: unknown[]; tls?: unknown } };
  obj.spec.rules = hosts.map((host) => ({
    host,
    http: {
      paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
    },
  }));
  delete obj.spec.tls;
  return review;
}

const names = (n: number, zone: string) => Array.from({ length: n }, (_, i) => `app-${i}.${zone}`);

interface Denial {
  allowed: boolean;
  status?: { message: string };
  warnings?: string[];
}

let certs: CertDir;
let wh: Webhook;
let logs: Record<string, unknown>[];
beforeAll(async () => {
  certs = makeCerts();
  const captured = captureLogs();
  logs = captured.logs;
  wh = await startTestWebhook(certs, {}, { logger: captured.logger });
});
afterAll(async () => {
  await wh?.close();
});

describe('a denial lists at most ten violations, then counts the rest', () => {
  it('500 names outside --domain-filter: ten listed, "and 490 more", the message a few KB', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const r = await c.review(serviceReview({ [HOSTNAME]: names(500, 'example.org').join(',') }));
      const res = r.review.response as Denial;
      expect(r.status).toBe(200);
      expect(res.allowed).toBe(false);
      const message = res.status!.message;
      expect(message).toMatch(
        /^Service default\/api denied by zoneguard: app-0\.example\.org: domain-filter/,
      );
      expect(message.split('; ')).toHaveLength(11);
      expect(message).toContain('app-0.example.org: domain-filter: not in [example.com]');
      expect(message).toContain('app-9.example.org: domain-filter');
      expect(message).not.toContain('app-10.example.org');
      expect(message.endsWith('; and 490 more')).toBe(true);
      expect(message.length).toBeLessThan(4096);
      expect(r.text.length).toBeLessThan(8192);
    } finally {
      c.close();
    }
  });

  it('ten violations or fewer are all listed, with no count', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const r = await c.review(serviceReview({ [HOSTNAME]: names(10, 'example.org').join(',') }));
      const message = (r.review.response as Denial).status!.message;
      expect(message).toMatch(/^Service default\/api denied by zoneguard: /);
      expect(message).toContain('app-9.example.org');
      expect(message).not.toContain('more');
    } finally {
      c.close();
    }
  });

  it('the log line of the denial names the first ten and the count', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const before = logs.length;
      await c.review(serviceReview({ [HOSTNAME]: names(800, 'example.org').join(',') }));
      // the log line is written after the reply
      await new Promise((resolve) => setTimeout(resolve, 100));
      const line = logs.slice(before).find((l) => l.msg === 'review denied');
      expect(line).toBeDefined();
      expect(line!.violationCount).toBe(800);
      const listed = line!.violations as { hostname: string; rule: string }[];
      expect(listed).toHaveLength(10);
      expect(listed[0]).toEqual({ hostname: 'app-0.example.org', rule: 'domain-filter' });
      expect(JSON.stringify(line).length).toBeLessThan(2048);
    } finally {
      c.close();
    }
  });
});

describe('--max-hostnames-per-object', () => {
  it('a hostname annotation of 1,001 names (default cap 1,000) is denied by rule object alone, naming the field and the limit', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const before = logs.length;
      const r = await c.review(serviceReview({ [HOSTNAME]: names(1001, 'example.org').join(',') }));
      const res = r.review.response as Denial;
      expect(res.allowed).toBe(false);
      expect(res.status!.message).toBe(
        `Service default/api denied by zoneguard: object: metadata.annotations["${HOSTNAME}"] lists 1001 hostnames, over the limit of 1000 per object (--max-hostnames-per-object) (fix: split the names over several objects of at most 1000 hostnames each, or raise --max-hostnames-per-object)`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const line = logs.slice(before).find((l) => l.msg === 'review denied');
      expect(line!.violations).toEqual([{ hostname: '', rule: 'object' }]);
    } finally {
      c.close();
    }
  });

  it('1,000 names are read and checked as usual', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const r = await c.review(serviceReview({ [HOSTNAME]: names(1000, 'example.org').join(',') }));
      const message = (r.review.response as Denial).status!.message;
      expect(message.endsWith('; and 990 more')).toBe(true);
      expect(message).toContain('domain-filter');
    } finally {
      c.close();
    }
  });

  it('an Ingress whose rules yield more names than the flag allows is denied by rule object naming spec.rules[*].host', async () => {
    const small = await startTestWebhook(certs, { 'max-hostnames-per-object': '5' });
    const c = client(small.url, certs.ca);
    try {
      const over = await c.review(ingressReview(names(6, 'example.com')));
      const res = over.review.response as Denial;
      expect(res.allowed).toBe(false);
      expect(res.status!.message).toContain(
        'object: spec.rules[*].host yield 6 hostnames, over the limit of 5 per object (--max-hostnames-per-object)',
      );
      expect(res.status!.message).not.toContain('app-0.example.com');
      const at = await c.review(ingressReview(names(5, 'example.com')));
      expect((at.review.response as Denial).allowed).toBe(true);
    } finally {
      c.close();
      await small.close();
    }
  });
});

describe('warnings stay within what kube-apiserver keeps (256 characters each, 4096 in all)', () => {
  it('a ClusterIP Service of 300 names: its one long warning is cut to 256 characters', async () => {
    const c = client(wh.url, certs.ca);
    try {
      const r = await c.review(
        serviceReview({ [HOSTNAME]: names(300, 'example.com').join(',') }, 'ClusterIP'),
      );
      const res = r.review.response as Denial;
      expect(res.allowed).toBe(true);
      expect(res.warnings!.length).toBeGreaterThan(0);
      for (const w of res.warnings!) expect(w.length).toBeLessThanOrEqual(256);
      expect(res.warnings!.join('').length).toBeLessThanOrEqual(4096);
      expect(res.warnings![0]).toMatch(/^app-0\.example\.com, app-1\.example\.com, .*…$/);
    } finally {
      c.close();
    }
  });
});

describe('a long target list costs once, not once per name', () => {
  it('1,000 names and 17,000 targets (a 211 KB annotation kube-apiserver accepts) are answered within its 10 s webhook timeout', async () => {
    const targets = Array.from(
      { length: 17_000 },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    const c = client(wh.url, certs.ca);
    try {
      const r = await c.review(
        serviceReview({ [HOSTNAME]: names(1000, 'example.com').join(','), [TARGET]: targets.join(',') }),
      );
      const res = r.review.response as Denial;
      expect(res.allowed).toBe(false);
      expect(res.status!.message).toContain('public-private: private address 10.0.0.0 in public zone');
    } finally {
      c.close();
    }
  }, 10_000);
});
