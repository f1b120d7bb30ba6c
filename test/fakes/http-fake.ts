/**
 * The part every cloud API fake shares: an HTTP(S) server on 127.0.0.1 port 0, a call counter per
 * operation, and throttling on demand (the next n calls answer 429, as the real APIs do under load).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCert, type TestCert } from './tls.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (req: FakeRequest, params: string[]) => FakeResponse | Promise<FakeResponse>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export abstract class HttpFake {
  private server?: Server;
  private readonly routes: { method: string; pattern: RegExp; op: string; handler: Route }[] = [];
  /** Calls per operation name (throttled calls included). */
  readonly calls = new Map<string, number>();
  private throttled = 0;
  private throttleSkip = 0;
  /** Every authorization header seen is checked against this, when set. */
  expectedAuthorization?: string;
  cert?: TestCert;
  url = '';
  /** Answers this much later, as a real API's latency (0: at once). */
  latencyMs = 0;
  /** Requests being answered right now, and the most there have been at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly tls = false) {}

  protected route(method: string, pattern: RegExp, op: string, handler: Route): void {
    this.routes.push({ method, pattern, op, handler });
  }

  /** The next n calls (after `skip` calls that pass) answer 429 Too Many Requests. */
  throttleNext(n: number, skip = 0): void {
    this.throttled += n;
    this.throttleSkip = skip;
  }

  callCount(op?: string): number {
    if (op) return this.calls.get(op) ?? 0;
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  resetCalls(): void {
    this.calls.clear();
  }

  /** The 429 body in the API's own error format. */
  protected abstract throttleBody(): FakeResponse;
  /** A 4xx/5xx body in the API's own error format. */
  protected abstract errorBody(status: number, message: string): FakeResponse;

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (this.tls) {
      this.cert = this.cert ?? selfSignedCert();
      this.server = createHttpsServer({ key: this.cert.key, cert: this.cert.cert }, handler);
    } else {
      this.server = createHttpServer(handler);
    }
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const url = new URL(req.url ?? '/', 'http://fake');
    let out: FakeResponse;
    const r = this.routes.find((x) => x.method === req.method && x.pattern.test(url.pathname));
    if (!r) out = this.errorBody(404, `no route ${req.method} ${url.pathname}`);
    else {
      this.calls.set(r.op, (this.calls.get(r.op) ?? 0) + 1);
      if (
        this.expectedAuthorization !== undefined &&
        req.headers.authorization !== this.expectedAuthorization
      ) {
        out = this.errorBody(401, 'bad credentials');
      } else if (this.throttled > 0 && this.throttleSkip-- <= 0) {
        this.throttled--;
        out = this.throttleBody();
      } else {
        let body: unknown;
        try {
          body =
            rawBody && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(rawBody) : rawBody;
        } catch {
          body = undefined;
        }
        try {
          const params = r.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
          out = await r.handler(
            {
              method: req.method!,
              path: url.pathname,
              query: url.searchParams,
              headers: req.headers,
              body,
              rawBody,
            },
            params,
          );
        } catch (e) {
          out =
            e instanceof HttpError
              ? { status: e.status, body: e.body }
              : this.errorBody(500, (e as Error).message);
        }
      }
    }
    this.inFlight--;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...out.headers };
    res.writeHead(out.status, headers);
    res.end(out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
  }
}
