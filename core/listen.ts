/** host:port as flags give it: "127.0.0.1:8443", "[::1]:53", ":8443" (every interface). */
import { ConfigError } from './errors.js';

export interface HostPort {
  /** Undefined for ":port": every interface. */
  host?: string;
  port: number;
}

/**
 * Parses host:port; with `defaultPort` the port may be left out ("ns1.example.com"). Undefined when
 * the text is not host:port or the port is out of range.
 */
export function parseHostPort(text: string, opts: { defaultPort?: number } = {}): HostPort | undefined {
  const t = text.trim();
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*))(?::(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const host = m[1] ?? m[2];
  if (m[3] === undefined && opts.defaultPort === undefined) return undefined;
  const port = m[3] === undefined ? (opts.defaultPort as number) : Number(m[3]);
  if (port > 65535) return undefined;
  return host ? { host, port } : { port };
}

/** A listen address flag's value; a ConfigError naming the flag when it is not host:port. */
export function parseListenAddress(text: string, flag: string): HostPort {
  const hp = parseHostPort(text);
  if (!hp) throw new ConfigError(flag, `expects host:port, e.g. :8443 or 127.0.0.1:8443, got "${text}"`);
  return hp;
}
