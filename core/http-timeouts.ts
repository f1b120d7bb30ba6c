/**
 * Socket timeouts of zoneguard's HTTP(S) servers (the webhook and the metrics listener), set
 * explicitly instead of Node's defaults: a client that stops sending is closed after
 * --http-header-timeout (headers), --http-request-timeout (the whole request, body included),
 * --http-idle-timeout (between requests on a keep-alive connection) and, with TLS,
 * --tls-handshake-timeout (from the TCP connection to a finished handshake; Node's default is 120 s).
 *
 * Node checks the header and request deadlines on a timer (`connectionsCheckingInterval`, 30 s by
 * default — which made a 10 s header timeout hold a slow client ≈ 30 s); here it runs every
 * min(1 s, a quarter of the shorter deadline), so a deadline is overrun by at most that.
 */
import type { ServerOptions } from 'node:http';

export interface HttpTimeoutSettings {
  /** ms to receive a request's headers. */
  readonly httpHeaderTimeout: number;
  /** ms to receive a whole request (headers and body). */
  readonly httpRequestTimeout: number;
  /** ms a keep-alive connection may wait for its next request (Node adds 1 s before closing). */
  readonly httpIdleTimeout: number;
}

/** How often Node checks the header and request deadlines. */
export function checkingIntervalMs(t: HttpTimeoutSettings): number {
  return Math.max(25, Math.min(1000, Math.floor(Math.min(t.httpHeaderTimeout, t.httpRequestTimeout) / 4)));
}

/** node:http server options (https.createServer takes them too). */
export function httpServerOptions(t: HttpTimeoutSettings): ServerOptions {
  return {
    headersTimeout: t.httpHeaderTimeout,
    requestTimeout: t.httpRequestTimeout,
    keepAliveTimeout: t.httpIdleTimeout,
    connectionsCheckingInterval: checkingIntervalMs(t),
  };
}

/** A cross-flag check (Node refuses a header timeout above the request timeout); the message, or undefined. */
export function checkHttpTimeouts(t: HttpTimeoutSettings): string | undefined {
  if (t.httpHeaderTimeout > t.httpRequestTimeout)
    return `must not be longer than --http-request-timeout (${t.httpHeaderTimeout} ms > ${t.httpRequestTimeout} ms): the headers are part of the request`;
  return undefined;
}
