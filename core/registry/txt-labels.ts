/**
 * The ownership TXT value, byte-identical to external-dns's endpoint labels serialization:
 *   "heritage=external-dns,external-dns/owner=<id>,external-dns/resource=<kind/ns/name>"
 * heritage first, then every label key sorted, each as external-dns/<key>=<value>, in quotes;
 * with --txt-encrypt-enabled that text encrypted (txt-crypto.ts), as external-dns's Labels.Serialize.
 */
import { InvalidHeritageError } from '../errors.js';
import type { Labels } from '../model/endpoint.js';
import { generateNonce, NONCE_LABEL, type TxtEncryption } from './txt-crypto.js';

export const HERITAGE = 'external-dns';

/** Labels that exist on endpoints but never go into the TXT value. */
const NOT_SERIALIZED = new Set(['ownedRecord', NONCE_LABEL]);

/**
 * The TXT value of these labels; encrypted when `encryption` is given, with the labels' nonce when
 * they carry one (read from the record's current value) or a fresh one.
 */
export function serializeLabels(labels: Labels, withQuotes = true, encryption?: TxtEncryption): string {
  const tokens = [`heritage=${HERITAGE}`];
  for (const key of Object.keys(labels).sort()) {
    if (NOT_SERIALIZED.has(key)) continue;
    tokens.push(`${HERITAGE}/${key}=${labels[key]}`);
  }
  let text = tokens.join(',');
  if (encryption) text = encryption.encrypt(text, labels[NONCE_LABEL] ?? generateNonce());
  return withQuotes ? `"${text}"` : text;
}

/**
 * Parses a TXT value (quoted or not). Throws InvalidHeritageError when the value is not an
 * external-dns ownership record: no heritage token, or a heritage other than external-dns.
 * Tokens without "=" are ignored and a value keeps any further "=" (strings.Cut; labels_test.go
 * "preserves equals in owner value"), as external-dns does. With a key (`encryption`), a value that
 * key opens is read decrypted and its nonce kept as the txt-encryption-nonce label; any other value
 * is read as plain text (external-dns's NewLabelsFromString: plain records may predate encryption).
 */
export function parseLabels(value: string, encryption?: TxtEncryption): Labels {
  if (encryption) {
    const opened = encryption.decrypt(value.replace(/^"+|"+$/g, ''));
    if (opened) {
      const labels = parseLabels(opened.text);
      labels[NONCE_LABEL] = opened.nonce;
      return labels;
    }
  }
  const text = value.replace(/^"+|"+$/g, '');
  const labels: Labels = {};
  let heritage = false;
  for (const token of text.split(',')) {
    const eq = token.indexOf('=');
    if (eq < 0) continue;
    const key = token.slice(0, eq);
    const val = token.slice(eq + 1);
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
export function tryParseLabels(value: string, encryption?: TxtEncryption): Labels | undefined {
  try {
    return parseLabels(value, encryption);
  } catch (e) {
    if (e instanceof InvalidHeritageError) return undefined;
    throw e;
  }
}
