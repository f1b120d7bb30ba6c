/**
 * The ownership TXT value, byte-identical to external-dns's endpoint labels serialization:
 *   "heritage=external-dns,external-dns/owner=<id>,external-dns/resource=<kind/ns/name>"
 * heritage first, then every label key sorted, each as external-dns/<key>=<value>, in quotes.
 */
import { InvalidHeritageError } from '../errors.js';
import type { Labels } from '../model/endpoint.js';

export const HERITAGE = 'external-dns';

/** Labels that exist on endpoints but never go into the TXT value. */
const NOT_SERIALIZED = new Set(['ownedRecord', 'txt-encryption-nonce']);

export function serializeLabels(labels: Labels, withQuotes = true): string {
  const tokens = [`heritage=${HERITAGE}`];
  for (const key of Object.keys(labels).sort()) {
    if (NOT_SERIALIZED.has(key)) continue;
    tokens.push(`${HERITAGE}/${key}=${labels[key]}`);
  }
  const text = tokens.join(',');
  return withQuotes ? `"${text}"` : text;
}

/**
 * Parses a TXT value (quoted or not). Throws InvalidHeritageError when the value is not an
 * external-dns ownership record: no heritage token, or a heritage other than external-dns.
 * Tokens that are not key=value are ignored, as external-dns does.
 */
export function parseLabels(value: string): Labels {
  const text = value.replace(/^"+|"+$/g, '');
  const labels: Labels = {};
  let heritage = false;
  for (const token of text.split(',')) {
    const kv = token.split('=');
    if (kv.length !== 2) continue;
    const [key, val] = kv;
    if (key === 'heritage') {
      if (val !== HERITAGE) throw new InvalidHeritageError(value);
      heritage = true;
      continue;
    }
    if (key.startsWith(`${HERITAGE}/`)) labels[key.slice(HERITAGE.length + 1)] = val;
  }
  if (!heritage) throw new InvalidHeritageError(value);
  return labels;
}

/** parseLabels that answers undefined instead of throwing for a foreign TXT value. */
export function tryParseLabels(value: string): Labels | undefined {
  try {
    return parseLabels(value);
  } catch (e) {
    if (e instanceof InvalidHeritageError) return undefined;
    throw e;
  }
}
