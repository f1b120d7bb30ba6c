/**
 * The few Kubernetes REST calls the certificate job and `doctor --kubeconfig` make. Credentials and
 * TLS come from @kubernetes/client-node's KubeConfig (kubeconfig files with every auth method it
 * supports, or the in-cluster service account); the calls themselves are plain JSON over
 * node:https, since a typed client per kind is not needed for a handful of get/list/patch calls.
 */
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_KUBE_TUNING, TunedKubeConfig } from './client.js';

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface KubeApi {
  /** The namespace the credentials belong to (in-cluster) or the context's namespace. */
  readonly namespace?: string;
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
}

/** A KubeConfig for one server and bearer token (tests, and callers that already hold a token). */
export function kubeConfigFor(opts: {
  server: string;
  token?: string;
  namespace?: string;
  insecure?: boolean;
}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node accepts a plain-http server only with skipTLSVerify (there is no TLS to verify)
    clusters: [
      { name: 'c', server: opts.server, skipTLSVerify: opts.insecure ?? opts.server.startsWith('http:') },
    ],
    users: [{ name: 'u', ...(opts.token ? { token: opts.token } : {}) }],
    contexts: [
      { name: 'ctx', cluster: 'c', user: 'u', ...(opts.namespace ? { namespace: opts.namespace } : {}) },
    ],
    currentContext: 'ctx',
  });
  return kc;
}

export function kubeApi(kc: KubeConfig): KubeApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the current kubeconfig context has no cluster');
  const base = new URL(cluster.server);
  const secure = base.protocol === 'https:';
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace || undefined;
  return {
    namespace,
    async request(method, path, body, contentType = 'application/json') {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const opts: RequestOptions & { headers: Record<string, string> } = {
        method,
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || (secure ? 443 : 80),
        path: `${base.pathname.replace(/\/$/, '')}${path}`,
        headers: { accept: 'application/json' },
      };
      // --kube-api-qps / --kube-api-burst / --kube-api-request-timeout (kube/client.ts)
      const tuned = kc instanceof TunedKubeConfig ? kc : undefined;
      await tuned?.paced();
      const timeoutMs = tuned ? tuned.requestTimeoutMs : DEFAULT_KUBE_TUNING.requestTimeoutMs;
      // client-node adds the token, client certificate, CA and exec/OIDC credentials
      await kc.applyToHTTPSOptions(opts);
      // a plain-http server (local test API servers, kubectl proxy) takes no TLS agent
      if (!secure) delete opts.agent;
      if (payload) {
        opts.headers['content-type'] = contentType;
        opts.headers['content-length'] = String(payload.length);
      }
      return new Promise((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(
          secure ? { ...opts, minVersion: 'TLSv1.2' } : opts,
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (e) => {
              clearTimeout(timer);
              reject(e);
            });
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = text ? JSON.parse(text) : undefined;
              } catch {
                // not JSON (a proxy's error page): keep the text
              }
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          },
        );
        // the whole request, answer included, within the timeout (a socket idle timeout would let a
        // slow trickle run on)
        const timer =
          timeoutMs > 0
            ? setTimeout(
                () =>
                  req.destroy(
                    new Error(
                      `${method} ${path}: no answer within ${timeoutMs / 1000}s (--kube-api-request-timeout)`,
                    ),
                  ),
                timeoutMs,
              )
            : undefined;
        req.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        if (payload) req.write(payload);
        req.end();
      });
    },
  };
}
