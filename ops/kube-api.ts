/**
 * The few Kubernetes REST calls the certificate job and `doctor --kubeconfig` make, over
 * node:https. A full client is not needed for a handful of get/list/create/update/patch calls, and
 * @kubernetes/client-node 2.x cannot be loaded on Node 20 (its undici needs zlib's zstd, Node 22+).
 * Credentials: in-cluster (service account token, CA, KUBERNETES_SERVICE_HOST) or a kubeconfig
 * with a token or a client certificate.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import YAML from 'yaml';

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface KubeApi {
  /** The namespace the credentials belong to (in-cluster) or the context's namespace. */
  readonly namespace?: string;
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
}

interface Endpoint {
  server: string;
  ca?: Buffer;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  insecure?: boolean;
  namespace?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function inClusterEndpoint(env: Record<string, string | undefined>, dir = SA_DIR): Endpoint {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('not running in a cluster (KUBERNETES_SERVICE_HOST is not set); give --kubeconfig');
  const read = (f: string) => readFileSync(`${dir}/${f}`);
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: read('ca.crt'),
    token: read('token').toString('utf8').trim(),
    namespace: read('namespace').toString('utf8').trim(),
  };
}

type Named<T> = { name: string } & T;

export function kubeconfigEndpoint(path: string): Endpoint {
  const doc = YAML.parse(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: Named<{ context: { cluster: string; user: string; namespace?: string } }>[];
    clusters?: Named<{ cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean } }>[];
    users?: Named<{ user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string; 'client-certificate'?: string; 'client-key'?: string } }>[];
  };
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
  if (!ctx) throw new Error(`${path}: no context`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.context.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx.context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${path}: context ${ctx.name} has no cluster server`);
  const b64 = (s?: string) => (s ? Buffer.from(s, 'base64') : undefined);
  const file = (p?: string) => (p ? readFileSync(p) : undefined);
  return {
    server: cluster.server.replace(/\/$/, ''),
    ca: b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: user.token,
    cert: b64(user['client-certificate-data']) ?? file(user['client-certificate']),
    key: b64(user['client-key-data']) ?? file(user['client-key']),
    namespace: ctx.context.namespace,
  };
}

export function kubeApi(ep: Endpoint): KubeApi {
  const base = new URL(ep.server);
  const secure = base.protocol === 'https:';
  return {
    namespace: ep.namespace,
    request(method, path, body, contentType = 'application/json') {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (ep.token) headers.authorization = `Bearer ${ep.token}`;
      if (payload) {
        headers['content-type'] = contentType;
        headers['content-length'] = String(payload.length);
      }
      const opts = {
        method,
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || (secure ? 443 : 80),
        path: `${base.pathname.replace(/\/$/, '')}${path}`,
        headers,
        timeout: 15_000,
        ...(secure ? { ca: ep.ca, cert: ep.cert, key: ep.key, rejectUnauthorized: !ep.insecure, minVersion: 'TLSv1.2' as const } : {}),
      };
      return new Promise((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(opts, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (a proxy's error page): keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 15s`)));
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
  };
}
