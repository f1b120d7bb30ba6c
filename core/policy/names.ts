/**
 * Name sets by whole labels, never by string suffix: `acmecorp.com` covers `a.acmecorp.com` but not
 * `evilacmecorp.com` (the hole in OPA's Kubernetes tutorial, which strips "*." and uses endswith).
 *
 * A ZonePolicy domain is one of:
 * - `a.example.com`   the name and every name below it (as --domain-filter);
 * - `*.a.example.com` (or `.a.example.com`, external-dns's spelling) every name strictly below it,
 *   not the name itself.
 * A claimed hostname is one name, or a wildcard `*.b.example.com`, which (RFC 4592) can answer for
 * any name strictly below `b.example.com`, at any depth. So a wildcard claim is inside a domain when
 * its base is at or below the domain, and it touches an excluded domain when either is below the
 * other: `*.a.example.com` would answer for an excluded `admin.a.example.com`.
 */

export interface NamePattern {
  /** The text as written in the policy, for messages. */
  text: string;
  /** Labels of the base name, lower-case, no trailing dot. */
  labels: string[];
  /** Whether the base name itself is included (false for `*.x` and `.x`). */
  apex: boolean;
}

const LABEL_RE = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

function split(name: string): string[] {
  let n = name.trim().toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n === '' ? [] : n.split('.');
}

/** A policy domain, or what is wrong with it (a wildcard other than the whole first label, a bad label). */
export function parseDomain(text: string): NamePattern | string {
  let labels = split(text);
  let apex = true;
  if (text.trim().startsWith('.')) {
    labels = labels.slice(1);
    apex = false;
  } else if (labels[0] === '*') {
    labels = labels.slice(1);
    apex = false;
  }
  if (labels.length === 0) return 'is empty (a policy cannot delegate the whole DNS)';
  for (const l of labels) {
    if (l.includes('*')) return 'has a wildcard that is not the whole first label';
    if (l === '') return 'has an empty label (two dots in a row)';
    if (l.length > 63) return `has a label of ${l.length} characters (over 63)`;
    if (!LABEL_RE.test(l))
      return `has a label "${l}" with characters outside a-z, 0-9, - and _ (write IDNs as xn--…)`;
  }
  if (labels.join('.').length > 253) return 'is over 253 characters';
  return { text: text.trim(), labels, apex };
}

/** Whether `labels` is `base` or below it (whole labels). */
export function within(labels: readonly string[], base: readonly string[]): boolean {
  if (labels.length < base.length) return false;
  const off = labels.length - base.length;
  for (let i = 0; i < base.length; i++) if (labels[off + i] !== base[i]) return false;
  return true;
}

/** A claimed hostname as a name set: one name, or a wildcard's base (strictly below it). */
export interface ClaimedName {
  labels: string[];
  wildcard: boolean;
}

export function claimedName(hostname: string): ClaimedName {
  const labels = split(hostname);
  if (labels[0] === '*') return { labels: labels.slice(1), wildcard: true };
  return { labels, wildcard: false };
}

/** Every name the claim can answer for is inside the pattern. */
export function covers(p: NamePattern, c: ClaimedName): boolean {
  if (!within(c.labels, p.labels)) return false;
  if (c.wildcard) return true;
  return p.apex || c.labels.length > p.labels.length;
}

/** Some name the claim can answer for is inside the pattern (for exclusions). */
export function touches(p: NamePattern, c: ClaimedName): boolean {
  if (!c.wildcard) return covers(p, c);
  // both are subtrees: they meet when one base is at or below the other
  return within(c.labels, p.labels) || within(p.labels, c.labels);
}

/** Whether a target is the suffix or below it (whole labels): CNAME takeover suffixes. */
export function underSuffix(target: string, suffix: string): boolean {
  const s = split(suffix.startsWith('.') ? suffix.slice(1) : suffix);
  return s.length > 0 && within(split(target), s);
}

/** Do two patterns share a name? (Overlap of two policies' delegations.) */
export function overlaps(a: NamePattern, b: NamePattern): NamePattern | undefined {
  if (within(a.labels, b.labels)) {
    if (a.labels.length === b.labels.length) return a.apex && b.apex ? a : { ...a, apex: false };
    return b.apex || a.labels.length > b.labels.length ? a : undefined;
  }
  if (within(b.labels, a.labels)) return overlaps(b, a);
  return undefined;
}

export function describePattern(p: NamePattern): string {
  return p.apex ? p.labels.join('.') : `*.${p.labels.join('.')}`;
}
