/* eslint-disable @typescript-eslint/no-explicit-any -- walks untyped Kubernetes JSON, checked by the assertions themselves */
/**
 * The certificate job against a small local stand-in for the Kubernetes API (plain HTTP, the five
 * calls the job makes, with resourceVersion conflicts and JSON patch as the API server does them).
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { main } from '../cli/main.js';
import { ensureWebhookCerts, renewalReason, serviceDnsNames } from './in-cluster.js';
import { kubeApi, kubeConfigFor } from '../kube/rest.js';

const DAY = 24 * 3_600_000;
const TOKEN = 'test-token';

interface Store {
  vwc: Record<string, any>;
  secrets: Map<string, any>;
  writes: string[];
  rv: number;
}

const store: Store = { vwc: {}, secrets: new Map(), writes: [], rv: 1 };

function resetStore(serviceName = 'zoneguard-webhook') {
  store.vwc = {
    zoneguard: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'zoneguard' },
      webhooks: [
        {
          name: 'validate.zoneguard.io',
          clientConfig: {
            service: { name: serviceName, namespace: 'zoneguard', path: '/validate', port: 443 },
          },
        },
      ],
    },
  };
  store.secrets.clear();
  store.writes = [];
}

function applyJsonPatch(doc: any, ops: { op: string; path: string; value: unknown }[]): void {
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace') throw new Error(`unsupported op ${op.op}`);
    const parts = op.path.split('/').slice(1);
    let cur = doc;
    for (const p of parts.slice(0, -1)) cur = cur[p];
    cur[parts[parts.length - 1]] = op.value;
  }
}

let server: Server;
let base = '';
let dir = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, obj: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: 'Unauthorized' });
      const url = req.url ?? '';
      let m = /^\/apis\/admissionregistration\.k8s\.io\/v1\/validatingwebhookconfigurations\/([^/]+)$/.exec(
        url,
      );
      if (m) {
        const vwc = store.vwc[m[1]];
        if (!vwc) return send(404, { message: `validatingwebhookconfigurations "${m[1]}" not found` });
        if (req.method === 'GET') return send(200, vwc);
        if (req.method === 'PATCH') {
          if (req.headers['content-type'] !== 'application/json-patch+json')
            return send(415, { message: 'unsupported patch type' });
          applyJsonPatch(vwc, JSON.parse(body));
          store.writes.push('patch vwc');
          return send(200, vwc);
        }
      }
      m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(url);
      if (m) {
        const key = `${m[1]}/${m[2] ?? ''}`;
        if (req.method === 'GET')
          return store.secrets.has(key)
            ? send(200, store.secrets.get(key))
            : send(404, { message: 'not found' });
        const obj = JSON.parse(body);
        if (req.method === 'POST') {
          const k = `${m[1]}/${obj.metadata.name}`;
          if (store.secrets.has(k)) return send(409, { message: 'already exists' });
          obj.metadata.resourceVersion = String(store.rv++);
          store.secrets.set(k, obj);
          store.writes.push('create secret');
          return send(201, obj);
        }
        if (req.method === 'PUT') {
          const cur = store.secrets.get(key);
          if (!cur) return send(404, { message: 'not found' });
          if (obj.metadata.resourceVersion !== cur.metadata.resourceVersion)
            return send(409, { message: 'the object has been modified' });
          obj.metadata.resourceVersion = String(store.rv++);
          store.secrets.set(key, obj);
          store.writes.push('update secret');
          return send(200, obj);
        }
      }
      send(404, { message: `no route ${req.method} ${url}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'zoneguard-certs-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'test',
      contexts: [{ name: 'test', context: { cluster: 'c', user: 'u', namespace: 'zoneguard' } }],
      clusters: [{ name: 'c', cluster: { server: base, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: TOKEN } }],
    }),
  );
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => resetStore());

const api = () => kubeApi(kubeConfigFor({ server: base, token: TOKEN, namespace: 'zoneguard' }));
const opts = (now?: Date) => ({
  webhookConfig: 'zoneguard',
  secretName: 'zoneguard-webhook-tls',
  secretNamespace: 'zoneguard',
  validityMs: 365 * DAY,
  renewBeforeMs: 30 * DAY,
  ...(now ? { now } : {}),
});
const secret = () => store.secrets.get('zoneguard/zoneguard-webhook-tls');
const pem = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
const bundleCerts = () =>
  pem(store.vwc.zoneguard.webhooks[0].clientConfig.caBundle).match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  ) ?? [];

class Capture extends Writable {
  text = '';
  override _write(c: Buffer, _e: BufferEncoding, done: () => void): void {
    this.text += c.toString();
    done();
  }
}

describe('zoneguard certs-in-cluster', () => {
  it('creates the Secret and patches the caBundle on first run, then leaves both alone', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const args = [
      'node',
      'zoneguard',
      'certs-in-cluster',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--webhook-config',
      'zoneguard',
      '--log-level',
      'error',
    ];
    expect(await main(args, { stdout, stderr, env: {} })).toBe(0);
    expect(stdout.text).toMatch(
      /^certificate created \(the secret has no ca\.crt, tls\.crt and tls\.key\); valid until \S+; caBundle patched$/m,
    );
    expect(store.writes).toEqual(['create secret', 'patch vwc']);

    const s = secret();
    expect(s.type).toBe('kubernetes.io/tls');
    const leaf = new X509Certificate(pem(s.data['tls.crt']));
    const ca = new X509Certificate(pem(s.data['ca.crt']));
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:zoneguard-webhook.zoneguard.svc');
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    // the key is the certificate's
    expect(
      createPublicKey(createPrivateKey(pem(s.data['tls.key']))).export({ type: 'spki', format: 'pem' }),
    ).toBe(leaf.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(bundleCerts()).toEqual([ca.toString().trim()]);

    store.writes = [];
    const again = new Capture();
    expect(await main(args, { stdout: again, stderr, env: {} })).toBe(0);
    expect(again.text).toMatch(/^certificate unchanged; valid until \S+; caBundle already current$/m);
    expect(store.writes).toEqual([]);
  });

  it('is also `zoneguard certs --patch-webhook NAME`, with the same outcome', async () => {
    const stdout = new Capture();
    const args = [
      'node',
      'zoneguard',
      'certs',
      '--patch-webhook',
      'zoneguard',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--log-level',
      'error',
    ];
    expect(await main(args, { stdout, stderr: new Capture(), env: {} })).toBe(0);
    expect(stdout.text).toMatch(/^certificate created .*; caBundle patched$/m);
    expect(store.writes).toEqual(['create secret', 'patch vwc']);
    expect(new X509Certificate(pem(secret().data['tls.crt'])).subjectAltName).toContain(
      'DNS:zoneguard-webhook.zoneguard.svc',
    );
  });

  it('renews within --renew-before and trusts the old and the new CA during the rotation', async () => {
    const start = new Date('2030-01-01T00:00:00Z');
    await ensureWebhookCerts(api(), opts(start));
    const oldCa = new X509Certificate(pem(secret().data['ca.crt'])).toString().trim();

    const notYet = await ensureWebhookCerts(api(), opts(new Date(start.getTime() + 300 * DAY)));
    expect(notYet.action).toBe('unchanged');

    const later = new Date(start.getTime() + 340 * DAY);
    const r = await ensureWebhookCerts(api(), opts(later));
    expect(r.action).toBe('renewed');
    expect(r.reason).toMatch(/within --renew-before/);
    const newCa = new X509Certificate(pem(secret().data['ca.crt'])).toString().trim();
    expect(newCa).not.toBe(oldCa);
    expect(bundleCerts()).toEqual([newCa, oldCa]);

    // a year on, the first CA has expired and leaves the bundle
    const r2 = await ensureWebhookCerts(api(), opts(new Date(later.getTime() + 340 * DAY)));
    expect(r2.action).toBe('renewed');
    expect(bundleCerts()).toHaveLength(2);
    expect(bundleCerts()).not.toContain(oldCa);
  });

  it('reissues when the webhook calls a Service the certificate does not name', async () => {
    await ensureWebhookCerts(api(), opts());
    store.vwc.zoneguard.webhooks[0].clientConfig.service.name = 'public-zoneguard-webhook';
    const r = await ensureWebhookCerts(api(), opts());
    expect(r.action).toBe('renewed');
    expect(r.reason).toContain('public-zoneguard-webhook.zoneguard.svc');
  });

  it('fails clearly without the webhook configuration, and on a concurrent update', async () => {
    await expect(ensureWebhookCerts(api(), { ...opts(), webhookConfig: 'missing' })).rejects.toThrow(
      /ValidatingWebhookConfiguration missing not found: apply the manifests first/,
    );
    const now = new Date('2030-01-01T00:00:00Z');
    await ensureWebhookCerts(api(), opts(now));
    // another renewal wrote the Secret between our read and our write: the API server says 409
    const stale = kubeApi(kubeConfigFor({ server: base, token: TOKEN }));
    const raced = {
      ...stale,
      async request(method: string, path: string, body?: unknown, ct?: string) {
        if (method === 'PUT') secret().metadata.resourceVersion = 'moved-on';
        return stale.request(method, path, body, ct);
      },
    };
    await expect(ensureWebhookCerts(raced, opts(new Date(now.getTime() + 340 * DAY)))).rejects.toThrow(
      /updating Secret zoneguard\/zoneguard-webhook-tls: HTTP 409/,
    );
  });

  it('checks the stored certificate', () => {
    expect(renewalReason(undefined, ['a'], new Date(), 0)).toMatch(/no ca\.crt/);
    expect(
      renewalReason(
        { data: { 'ca.crt': 'eA==', 'tls.crt': 'eA==', 'tls.key': 'eA==' } },
        ['a'],
        new Date(),
        0,
      ),
    ).toMatch(/does not parse/);
    expect(serviceDnsNames('svc', 'ns')).toEqual(['svc.ns.svc', 'svc.ns.svc.cluster.local', 'svc.ns', 'svc']);
  });

  it('refuses --renew-before not shorter than --cert-validity', async () => {
    const stderr = new Capture();
    const code = await main(
      [
        'node',
        'zoneguard',
        'certs-in-cluster',
        '--webhook-config',
        'x',
        '--cert-validity',
        '24h',
        '--renew-before',
        '48h',
      ],
      { stdout: new Capture(), stderr, env: {} },
    );
    expect(code).toBe(2);
    expect(stderr.text).toContain('--renew-before');
  });
});
