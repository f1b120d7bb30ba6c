/**
 * TXT ownership record names, as external-dns's affix name mapper builds and reads them.
 * New format: the record type, lower-case, prefixed to the first label: "a-app.example.com";
 * with --txt-prefix "txt-": "txt-a-app.example.com"; with --txt-suffix "-txt": "a-app-txt.example.com";
 * a prefix/suffix containing %{record_type} carries the type itself ("%{record_type}-zg." gives
 * "a-zg.app.example.com"). The old format (no type) is still read, never written.
 */
import { SUPPORTED_RECORD_TYPES } from '../model/endpoint.js';

export const RECORD_TYPE_TEMPLATE = '%{record_type}';

/** Types recognised in a TXT name (external-dns's mapper list: no TXT). */
const MAPPED_TYPES = SUPPORTED_RECORD_TYPES.filter((t) => t !== 'TXT');

export interface TxtNameOptions {
  prefix?: string;
  suffix?: string;
  wildcardReplacement?: string;
}

export class TxtNameMapper {
  readonly prefix: string;
  readonly suffix: string;
  readonly wildcardReplacement: string;

  constructor(opts: TxtNameOptions = {}) {
    this.prefix = (opts.prefix ?? '').toLowerCase();
    this.suffix = (opts.suffix ?? '').toLowerCase();
    this.wildcardReplacement = (opts.wildcardReplacement ?? '').toLowerCase();
    if (this.prefix && this.suffix) throw new Error('txt-prefix and txt-suffix are mutually exclusive');
  }

  get recordTypeInAffix(): boolean {
    return this.prefix.includes(RECORD_TYPE_TEMPLATE) || this.suffix.includes(RECORD_TYPE_TEMPLATE);
  }

  private get isPrefix(): boolean {
    return this.suffix.length === 0;
  }

  private get isSuffix(): boolean {
    return this.prefix.length === 0 && this.suffix.length > 0;
  }

  /** The TXT record name that holds ownership of (dnsName, recordType). */
  txtNameFor(dnsName: string, recordType: string): string {
    const dot = dnsName.indexOf('.');
    let first = dot < 0 ? dnsName : dnsName.slice(0, dot);
    const rest = dot < 0 ? undefined : dnsName.slice(dot + 1);
    const type = recordType.toLowerCase();
    const prefix = this.prefix.split(RECORD_TYPE_TEMPLATE).join(type);
    const suffix = this.suffix.split(RECORD_TYPE_TEMPLATE).join(type);
    if (this.wildcardReplacement && first === '*') first = this.wildcardReplacement;
    if (!this.recordTypeInAffix) first = `${type}-${first}`;
    return rest === undefined ? prefix + first + suffix : `${prefix}${first}${suffix}.${rest}`;
  }

  /**
   * The old-format name (no record type) external-dns also writes by default, unless the affix
   * carries %{record_type}; read, and deleted with its record, never written.
   */
  legacyTxtNameFor(dnsName: string): string | undefined {
    if (this.recordTypeInAffix) return undefined;
    const dot = dnsName.indexOf('.');
    let first = dot < 0 ? dnsName : dnsName.slice(0, dot);
    const rest = dot < 0 ? undefined : dnsName.slice(dot + 1);
    if (this.wildcardReplacement && first === '*') first = this.wildcardReplacement;
    return rest === undefined
      ? this.prefix + first + this.suffix
      : `${this.prefix}${first}${this.suffix}.${rest}`;
  }

  /**
   * The (endpoint name, record type) a TXT name stands for; type '' for the old format,
   * name '' when the TXT name does not carry this mapper's affix.
   */
  endpointFor(txtName: string): { dnsName: string; recordType: string } {
    const lower = txtName.toLowerCase();
    if (this.isPrefix) return this.dropAffix(lower);
    if (this.isSuffix) {
      const dc = count(this.suffix, '.');
      const parts = splitN(lower, '.', 2 + dc);
      const withSuffix = parts.slice(0, 1 + dc).join('.');
      const r = this.dropAffix(withSuffix);
      if (!lower.includes('.') || parts.length < 2 + dc) return r;
      return { dnsName: `${r.dnsName}.${parts[1 + dc]}`, recordType: r.recordType };
    }
    return { dnsName: '', recordType: '' };
  }

  private dropAffix(name: string): { dnsName: string; recordType: string } {
    let prefix = this.prefix;
    let suffix = this.suffix;
    if (this.recordTypeInAffix) {
      for (const t of MAPPED_TYPES) {
        const lt = t.toLowerCase();
        const p = prefix.split(RECORD_TYPE_TEMPLATE).join(lt);
        const s = suffix.split(RECORD_TYPE_TEMPLATE).join(lt);
        if (this.isPrefix && name.startsWith(p)) return { dnsName: name.slice(p.length), recordType: t };
        if (this.isSuffix && name.endsWith(s))
          return { dnsName: name.slice(0, name.length - s.length), recordType: t };
      }
      // old records written before the template was in use
      prefix = prefix.split(RECORD_TYPE_TEMPLATE).join('');
      suffix = suffix.split(RECORD_TYPE_TEMPLATE).join('');
    }
    if (this.isPrefix && name.startsWith(prefix)) return typeFromDefaultPosition(name.slice(prefix.length));
    if (this.isSuffix && name.endsWith(suffix))
      return typeFromDefaultPosition(name.slice(0, name.length - suffix.length));
    return { dnsName: '', recordType: '' };
  }
}

function typeFromDefaultPosition(name: string): { dnsName: string; recordType: string } {
  const head = name.split('-')[0];
  for (const t of MAPPED_TYPES) {
    if (head === t.toLowerCase()) return { dnsName: name.slice(head.length + 1), recordType: t };
  }
  return { dnsName: name, recordType: '' };
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
