/** The names doctor looks at for one host: the host itself and its TXT ownership record names. */
import type { TxtNameMapper } from '../core/registry/txt-names.js';

export interface TxtName {
  name: string;
  /** '' for the old format (no type in the name), which external-dns still reads. */
  recordType: string;
}

export function txtNamesFor(mapper: TxtNameMapper, host: string, types: readonly string[]): TxtName[] {
  const out: TxtName[] = types.map((t) => ({ name: mapper.txtNameFor(host, t), recordType: t }));
  const old = mapper.legacyTxtNameFor(host);
  if (old !== undefined && !out.some((n) => n.name === old)) out.push({ name: old, recordType: '' });
  return out;
}

/** Does a claimed name cover the host: the same name, or a wildcard one level above it. */
export function claimCovers(claimed: string, host: string): boolean {
  if (claimed === host) return true;
  if (!claimed.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === claimed.slice(2);
}
