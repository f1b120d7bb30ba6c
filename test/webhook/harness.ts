/** Shared by the webhook tests: certificates from `zoneguard certs`, a config, an HTTPS client. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certsFromConfig } from '../../cli/commands/certs-files.js';
import { settingsFor, type Settings } from '../../cli/settings.js';
import { silentLogger } from '../../core/log.js';
import { startWebhook, type Webhook, type WebhookDeps } from '../../webhook/run.js';
import type { AdmissionReview } from '../../webhook/review.js';
import { kindOf } from '../../core/kinds.js';
import type { KubeObject } from '../../core/model/objects.js';
import { start as startFakeApi, type FakeApiServer } from '../kube/fake-apiserver.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const ZONE_FILE = join(ROOT, 'examples/zones/example.com.zone');

export function configFor(command: string, cli: Record<string, unknown>): Settings {
  return settingsFor(command, cli);
}

export interface CertDir {
  dir: string;
  ca: string;
  caBundle: string;
}

/** Runs the `zoneguard certs` command's function into a fresh (or the given) directory. */
export function makeCerts(dir = mkdtempSync(join(tmpdir(), 'zoneguard-certs-'))): CertDir {
  const { certs } = certsFromConfig(
    configFor('certs', {
      out: dir,
      'service-name': 'zoneguard-webhook',
      'service-namespace': 'zoneguard',
      'dns-name': ['localhost', '127.0.0.1'],
    }),
  );
  return { dir, ca: certs.caPem, caBundle: certs.caBundle };
}

/** The policy the end-to-end tests run with: example.com, the examples' zone, owner cluster-a. */
export const POLICY = {
  provider: 'inmemory',
  'inmemory-zone-file': [`example.com=${ZONE_FILE}`],
  'domain-filter': ['example.com'],
  'public-zone': ['example.com'],
  'txt-owner-id': 'cluster-a',
  'warn-ttl-below': '60',
  // requests unpaced: kube/client.test.ts tests --kube-api-qps; here a start lists ~25 kinds at once
  'kube-api-qps': 0,
};

export async function startTestWebhook(
  certs: CertDir,
  extra: Record<string, unknown> = {},
  deps: Partial<WebhookDeps> = {},
): Promise<Webhook> {
  const cfg = configFor('webhook', {
    'listen-address': '127.0.0.1:0',
    'tls-cert-file': join(certs.dir, 'tls.crt'),
    'tls-private-key-file': join(certs.dir, 'tls.key'),
    ...POLICY,
    ...extra,
  });
  return startWebhook(cfg, { logger: silentLogger(), env: {}, ...deps });
}

/** A webhook reading a cluster: the local list/watch API server, seeded with `objects`. */
export interface ClusterWebhook {
  api: FakeApiServer;
  certs: CertDir;
  wh: Webhook;
  c: ReturnType<typeof client>;
  close(): Promise<void>;
}

/**
 * Starts the local API server with `objects`, and a webhook (the harness POLICY: --public-zone
 * example.com, so a private address there is denied) reading it through a kubeconfig, synced.
 */
export async function startClusterWebhook(
  objects: readonly KubeObject[],
  extra: Record<string, unknown> = {},
): Promise<ClusterWebhook> {
  const api = await startFakeApi();
  for (const o of objects) api.apply(o);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'zoneguard-kube-')), 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfigYaml());
  const certs = makeCerts();
  const wh = await startTestWebhook(certs, { kubeconfig, ...extra });
  await wh.cluster!.whenSynced();
  const c = client(wh.url, certs.ca);
  return {
    api,
    certs,
    wh,
    c,
    close: async () => {
      c.close();
      await wh.close();
      await api.close();
    },
  };
}

export interface Reply {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An HTTPS client that trusts only the given CA, with keep-alive (as kube-apiserver calls webhooks). */
export function client(
  url: string,
  ca: string | (() => string),
  agentOpts: { keepAlive?: boolean } = { keepAlive: true },
) {
  const agent = new Agent({ keepAlive: agentOpts.keepAlive ?? true, maxSockets: 16 });
  const send = (
    method: string,
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${url}${path}`,
        {
          method,
          agent,
          ca: typeof ca === 'function' ? ca() : ca,
          servername: 'localhost',
          headers: { 'content-type': 'application/json', ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    agent,
    get: (path: string) => send('GET', path),
    post: (path: string, body: string | Buffer, headers?: Record<string, string>) =>
      send('POST', path, body, headers),
    review: async (review: unknown) => {
      const r = await send('POST', '/validate', typeof review === 'string' ? review : JSON.stringify(review));
      return { ...r, review: r.body as AdmissionReview };
    },
    close: () => agent.destroy(),
  };
}

export function fixture(name: string): AdmissionReview & { request: { uid: string; [k: string]: unknown } } {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

let reviewSeq = 0;

/**
 * The AdmissionReview kube-apiserver sends for creating this object (admission.k8s.io/v1; kind,
 * resource, requestKind and requestResource from the object's row of core/kinds.ts; the user,
 * options and a fresh uid as in the recorded fixtures).
 */
export function reviewOf(obj: KubeObject, operation: 'CREATE' | 'UPDATE' = 'CREATE', oldObject?: KubeObject) {
  const k = kindOf(obj);
  if (!k) throw new Error(`${String(obj.apiVersion)} ${String(obj.kind)} is not in core/kinds.ts`);
  const version = String(obj.apiVersion).split('/').pop()!;
  const gvk = { group: k.group, version, kind: k.kind };
  const gvr = { group: k.group, version, resource: k.plural };
  reviewSeq++;
  return {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: `7e3c1${String(reviewSeq).padStart(3, '0')}-5b1a-4c1e-9d0a-${String(reviewSeq).padStart(12, '0')}`,
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: obj.metadata?.name,
      namespace: obj.metadata?.namespace,
      operation,
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: obj,
      oldObject: oldObject ?? null,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
        fieldManager: 'kubectl-client-side-apply',
        fieldValidation: 'Strict',
      },
    },
  };
}
