/** The names doctor looks at for one host: the host itself and its TXT ownership record names. */
import type { TxtNameMapper } from '../core/registry/txt-names.js';

export interface TxtName {
  name: string;
  /** '' for the old format (no type in the name), which external-dns still reads. */
  recordType: string;
}

/** The old-format ownership name (external-dns before 0.12): the affix without the type. */
export function oldFormatTxtName(mapper: TxtNameMapper, host: string): string | undefined {
  if (mapper.recordTypeInAffix) return undefined;
  const dot = host.indexOf('.');
  let first = dot < 0 ? host : host.slice(0, dot);
  const rest = dot < 0 ? undefined : host.slice(dot + 1);
  if (mapper.wildcardReplacement && first === '*') first = mapper.wildcardReplacement;
  return rest === undefined
    ? `${mapper.prefix}${first}${mapper.suffix}`
    : `${mapper.prefix}${first}${mapper.suffix}.${rest}`;
}

export function txtNamesFor(mapper: TxtNameMapper, host: string, types: readonly string[]): TxtName[] {
  const out: TxtName[] = types.map((t) => ({ name: mapper.txtNameFor(host, t), recordType: t }));
  const old = oldFormatTxtName(mapper, host);
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
