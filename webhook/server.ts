/**
 * The HTTPS server (node:https; TLS policy from core/tls-policy.ts, socket timeouts from
 * core/http-timeouts.ts, both from flags): POST /validate, and an express app for GET /healthz,
 * /readyz, /metrics and everything else. Bodies are read here with a byte limit; malformed reviews
 * get a 4xx Kubernetes Status, never a 5xx. close() stops accepting, lets in-flight reviews finish,
 * then closes every connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from '../core/log.js';
import { clip, MAX_LISTED_VIOLATIONS } from '../core/rules/index.js';
import { admit, type AdmissionVerdict, type AdmitContext } from './admit.js';
import type { ReviewVerdict, WebhookMetrics } from './metrics.js';
import { parseReview, reviewResponseText, statusBody, type AdmissionRequest } from './review.js';
import type { TlsPair } from './tls-reload.js';
import { httpServerOptions, type HttpTimeoutSettings } from '../core/http-timeouts.js';
import { tlsServerOptions, type TlsPolicySettings } from '../core/tls-policy.js';

export interface AppOptions {
  admit: AdmitContext;
  metrics: WebhookMetrics;
  logger: Logger;
  maxRequestBytes: number;
  /** Ready to answer reviews: the ownership index (and cluster cache) loaded; reasons when not. */
  readiness: () => string[];
}

type Body = { ok: true; text: string } | { ok: false; code: number; reason: string; message: string };

/**
 * Reads the body up to `limit` bytes, then calls `done` once; stops reading (and closes the
 * connection) beyond it. A callback, not a promise: this runs for every review.
 */
function readBody(req: IncomingMessage, limit: number, done: (body: Body) => void): void {
  const declared = Number(req.headers['content-length']);
  const tooLarge = (n: number): Body => ({
    ok: false,
    code: 413,
    reason: 'RequestEntityTooLarge',
    message: `request body is ${n} bytes${Number.isFinite(declared) ? '' : ' or more'}, over --max-request-bytes ${limit}`,
  });
  if (Number.isFinite(declared) && declared > limit) return done(tooLarge(declared));
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on('data', (c: Buffer) => {
    if (finished) return;
    size += c.length;
    if (size > limit) {
      finished = true;
      req.pause();
      done(tooLarge(size));
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    // a review fits one TLS record (16 KiB) and so usually arrives as one chunk: no copy then
    const text =
      chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    done({ ok: true, text });
  });
  req.on('error', () => {
    if (finished) return;
    finished = true;
    done({ ok: false, code: 400, reason: 'BadRequest', message: 'request body could not be read' });
  });
}

/** A DNS name is at most 253 characters; a longer one (hostname-rule finding) is cut in the log. */
const MAX_LOGGED_HOSTNAME = 256;

function verdictLabel(v: AdmissionVerdict): ReviewVerdict {
  return !v.allowed ? 'denied' : v.warnings.length ? 'warned' : 'allowed';
}

export type WebhookApp = Express & {
  /** The POST /validate handler, served ahead of express's router (see listen()). */
  validate: (req: IncomingMessage, res: ServerResponse) => void;
  inFlight: () => number;
  setClosing: () => void;
};

export function createApp(opts: AppOptions): WebhookApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  let inFlight = 0;
  let closing = false;
  const { metrics, logger } = opts;

  const send = (res: ServerResponse, code: number, body: object | string) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.statusCode = code;
    res.setHeader('Content-Type', 'application/json');
    if (closing) res.setHeader('Connection', 'close');
    res.end(text);
  };

  const fail = (
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    reason: string,
    message: string,
    closeConnection = false,
  ) => {
    metrics.reviews.inc({ kind: '', operation: '', verdict: 'invalid' });
    logger.info({ code, reason, err: message, remote: req.socket.remoteAddress }, 'review rejected');
    if (closeConnection) res.setHeader('Connection', 'close');
    send(res, code, statusBody(code, reason, message));
  };

  /** A thrown error is a bug, never a verdict: a 500 (the API server applies failurePolicy). */
  const failed = (res: ServerResponse, e: unknown) => {
    logger.error({ err: (e as Error)?.stack ?? String(e) }, 'review failed');
    metrics.reviews.inc({ kind: '', operation: '', verdict: 'error' });
    if (!res.headersSent)
      send(
        res,
        500,
        statusBody(
          500,
          'InternalError',
          'zoneguard failed to review this request (a bug; see the webhook log)',
        ),
      );
  };

  /** What is done once a review is answered: metrics and the log line (denials; debug: all). */
  const answered = (request: AdmissionRequest, verdict: AdmissionVerdict, start: number) => {
    metrics.reviewed(
      verdict.kind,
      request.operation,
      verdictLabel(verdict),
      (performance.now() - start) / 1000,
    );
    if (verdict.violations.length) {
      const rules = new Set(verdict.violations.map((v) => v.rule));
      for (const rule of rules)
        metrics.ruleFindings.inc({
          kind: verdict.kind,
          operation: request.operation,
          rule,
          decision: 'denied',
        });
    }
    for (const rule of verdict.warnedRules ?? [])
      metrics.ruleFindings.inc({
        kind: verdict.kind,
        operation: request.operation,
        rule,
        decision: 'warned',
      });
    for (const f of verdict.zonePolicy ?? []) metrics.zonePolicyFindings.inc(f);
    if (!verdict.allowed) {
      logger.info(
        {
          uid: request.uid,
          operation: request.operation,
          object: clip(verdict.object ?? verdict.kind, MAX_LOGGED_HOSTNAME),
          dryRun: request.dryRun === true,
          // the first few, as the denial message lists them: a line never grows with the object
          violations: verdict.violations
            .slice(0, MAX_LISTED_VIOLATIONS)
            .map((v) => ({ hostname: clip(v.hostname, MAX_LOGGED_HOSTNAME), rule: v.rule })),
          violationCount: verdict.violations.length,
        },
        'review denied',
      );
    } else if (logger.isLevelEnabled('debug')) {
      logger.debug(
        {
          uid: request.uid,
          operation: request.operation,
          object: verdict.object ?? verdict.kind,
          warnings: verdict.warnings.length,
          skipped: verdict.skipped,
        },
        'review allowed',
      );
    }
  };

  /** Reviews answered since the last check phase (see the end of validate). */
  let answeredThisTurn = 0;
  const newTurn = () => void (answeredThisTurn = 0);

  /** Reads, checks and answers one review. Plain callbacks, no promise: this runs for every review. */
  const validate = (req: IncomingMessage, res: ServerResponse): void => {
    const start = performance.now();
    inFlight++;
    readBody(req, opts.maxRequestBytes, (body) => {
      let request: AdmissionRequest;
      let verdict: AdmissionVerdict;
      let reply: string;
      try {
        if (!body.ok) {
          inFlight--;
          return fail(req, res, body.code, body.reason, body.message, body.code === 413);
        }
        let json: unknown;
        try {
          json = JSON.parse(body.text);
        } catch (e) {
          inFlight--;
          return fail(
            req,
            res,
            400,
            'BadRequest',
            `body is not valid JSON: ${(e as Error).message.slice(0, 200)}`,
          );
        }
        const parsed = parseReview(json);
        if (!parsed.ok) {
          inFlight--;
          return fail(req, res, 400, 'BadRequest', parsed.message);
        }
        request = parsed.review.request;
        verdict = admit(request, opts.admit);
        reply = reviewResponseText(request.uid, verdict);
      } catch (e) {
        inFlight--;
        return failed(res, e);
      }
      const answer = () => {
        try {
          send(res, 200, reply);
          answered(request, verdict, start);
        } catch (e) {
          failed(res, e);
        } finally {
          inFlight--;
        }
      };
      // The first review read in a loop turn is answered at once: alone (a quiet webhook), waiting
      // for the check phase only adds latency. Under load, the reviews read after it in the same
      // turn are answered together in the check phase: 1.7x the throughput of writing each at once
      // (npm run bench:webhook).
      if (answeredThisTurn++ === 0) {
        setImmediate(newTurn);
        answer();
      } else setImmediate(answer);
    });
  };
  app.post('/validate', (req, res) => validate(req, res));

  app.get('/healthz', (_req, res) => send(res, 200, { status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const reasons = closing ? ['shutting down'] : opts.readiness();
    send(
      res,
      reasons.length ? 503 : 200,
      reasons.length ? { status: 'not ready', reasons } : { status: 'ready' },
    );
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    // draining: like every answer (send()), so a keep-alive scraper reconnects to a live replica
    if (closing) res.setHeader('Connection', 'close');
    res.end(await metrics.registry.metrics());
  });
  // anything else: a Kubernetes Status 404/405, not express's HTML page
  app.use((req: Request, res: Response) => {
    const known = ['/validate', '/healthz', '/readyz', '/metrics'].includes(req.path);
    send(
      res,
      known ? 405 : 404,
      statusBody(
        known ? 405 : 404,
        known ? 'MethodNotAllowed' : 'NotFound',
        known ? `${req.method} ${req.path} is not supported` : `no route ${req.path}`,
      ),
    );
  });
  // express reports errors of its own (e.g. a malformed URL) here; a 400, since they are the client's
  app.use((err: Error, _req: Request, res: Response, _next: express.NextFunction) => {
    logger.warn({ err: err.message }, 'request failed');
    if (!res.headersSent) send(res, 400, statusBody(400, 'BadRequest', err.message));
  });

  return Object.assign(app, { validate, inFlight: () => inFlight, setClosing: () => void (closing = true) });
}

export interface Listening {
  server: Server;
  host: string;
  port: number;
  /** Stops accepting, waits for in-flight reviews (at most timeoutMs), then closes every connection. */
  close: (timeoutMs?: number) => Promise<void>;
}

/** kube-apiserver calls <path>?timeout=10s. */
const isValidate = (req: IncomingMessage) =>
  req.method === 'POST' && (req.url === '/validate' || req.url?.startsWith('/validate?') === true);

/** The settings the HTTPS server reads. */
export interface ServerSettings extends HttpTimeoutSettings, TlsPolicySettings {
  /** ms from the TCP connection to a finished TLS handshake. */
  readonly tlsHandshakeTimeout: number;
}

export async function listen(
  app: WebhookApp,
  tls: TlsPair,
  host: string | undefined,
  port: number,
  settings: ServerSettings,
): Promise<Listening> {
  // the hot route bypasses express's router and its per-request prototype swaps, which cost 2-3x
  // throughput on this path (measured with npm run bench:webhook); express serves everything else
  const server = createServer(
    {
      ...tlsServerOptions(settings),
      ...tls,
      // a client that stops sending never holds a connection for long (see core/http-timeouts.ts)
      ...httpServerOptions(settings),
      handshakeTimeout: settings.tlsHandshakeTimeout,
    },
    (req, res) => (isValidate(req) ? app.validate(req, res) : app(req, res)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (timeoutMs = 20_000) =>
    (closed ??= new Promise<void>((resolve) => {
      app.setClosing();
      server.close(() => resolve());
      server.closeIdleConnections();
      const started = Date.now();
      const tick = setInterval(() => {
        // idle keep-alive connections would keep close() waiting; in-flight ones finish first
        if (app.inFlight() === 0 || Date.now() - started > timeoutMs) {
          if (app.inFlight() === 0) server.closeIdleConnections();
          else server.closeAllConnections();
          if (Date.now() - started > timeoutMs) server.closeAllConnections();
        }
      }, 25);
      server.once('close', () => clearInterval(tick));
    }));
  return { server, host: addr.address, port: addr.port, close };
}
