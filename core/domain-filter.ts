/**
 * Domain filters with external-dns's semantics (endpoint/domain_filter.go):
 * - names and filters are compared lower-case without a trailing dot;
 * - a plain filter "example.com" matches the apex and every subdomain, never "badexample.com";
 * - a leading-dot filter ".example.com" matches subdomains only, not the apex;
 * - exclusions use the same matching and win over filters;
 * - a regex filter or regex exclusion, when set, replaces the plain filters entirely; the regex
 *   exclusion removes what it matches, and when both are set a name must match the filter AND
 *   escape the exclusion (v0.22 matchRegex, TestMatchRegex). Regexes have Go's RE2 semantics
 *   (core/name-regex.ts).
 * - no filter at all matches everything.
 */
import toUnicodeModule from 'tr46';
import type { NameMatcher } from './name-regex.js';

export interface DomainFilterOptions {
  filters?: readonly string[];
  exclude?: readonly string[];
  /** Go RE2 semantics (core/name-regex.ts) from the flags; a RegExp also fits. */
  regex?: NameMatcher;
  regexExclusion?: NameMatcher;
}

/**
 * A name in the form filters compare: lower-case, no trailing dot, and Unicode, as external-dns's
 * normalizeDomain (IDNA ToUnicode, endpoint/domain_filter.go): "xn--bcher-kva.example.com" and
 * "bücher.example.com" are one name, for plain filters and regexes alike. ASCII without an
 * "xn--" label is left as it is (the usual case costs one scan).
 */
function unicodeName(name: string): string {
  const d = name.toLowerCase();
  const s = d.endsWith('.') ? d.slice(0, -1) : d;
  if (isPlainAscii(s)) return s;
  // best effort, as external-dns logs a conversion error and goes on with what it got
  return toUnicodeModule.toUnicode(s, IDNA).domain;
}

/** Go's idna profile of external-dns (internal/idna): lookup mapping, non-strict (underscores, "*"). */
const IDNA = { processingOption: 'transitional', useSTD3ASCIIRules: false, checkHyphens: false } as const;

function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return !s.startsWith('xn--') && !s.includes('.xn--');
}

function prepare(list: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const f of list ?? []) {
    const d = unicodeName(f.trim());
    if (d !== '') out.push(d);
  }
  return out;
}

function strip(domain: string): string {
  return unicodeName(domain);
}

function matchList(filters: readonly string[], domain: string, whenEmpty: boolean): boolean {
  if (filters.length === 0) return whenEmpty;
  const d = strip(domain);
  for (const f of filters) {
    // external-dns: as many dots as the filter → the name itself; more → a subdomain ("." + filter a
    // suffix). Both at once without counting: a name ending in "." + f has more dots than f.
    if (f.startsWith('.')) {
      if (d.endsWith(f)) return true;
    } else if (d === f || (d.length > f.length && d.endsWith(f) && d[d.length - f.length - 1] === '.')) {
      return true;
    }
  }
  return false;
}

export class DomainFilter {
  readonly filters: string[];
  readonly exclude: string[];
  readonly regex?: NameMatcher;
  readonly regexExclusion?: NameMatcher;

  constructor(opts: DomainFilterOptions = {}) {
    this.filters = prepare(opts.filters);
    this.exclude = prepare(opts.exclude);
    if (opts.regex && !emptyRegex(opts.regex)) this.regex = opts.regex;
    if (opts.regexExclusion && !emptyRegex(opts.regexExclusion)) this.regexExclusion = opts.regexExclusion;
  }

  get usesRegex(): boolean {
    return this.regex !== undefined || this.regexExclusion !== undefined;
  }

  /** Does this filter let the name through? */
  match(domain: string): boolean {
    if (this.usesRegex) {
      const d = strip(domain);
      if (this.regexExclusion && testRegex(this.regexExclusion, d)) return false;
      return this.regex ? testRegex(this.regex, d) : true;
    }
    return matchList(this.filters, domain, true) && !matchList(this.exclude, domain, false);
  }

  /** Is the name excluded by an exclusion (as opposed to simply outside the filters)? */
  excluded(domain: string): boolean {
    if (this.usesRegex) return this.regexExclusion ? testRegex(this.regexExclusion, strip(domain)) : false;
    return matchList(this.exclude, domain, false);
  }

  /** Zone selection: a zone passes if it matches, or is a parent of a (non leading-dot) filter. */
  matchParent(domain: string): boolean {
    if (matchList(this.exclude, domain, false)) return false;
    if (this.filters.length === 0) return true;
    const d = strip(domain);
    return this.filters.some((f) => !f.startsWith('.') && f.endsWith(`.${d}`));
  }

  /** A zone is managed if the filter matches its apex or it is a parent of a filter. */
  matchZone(zone: string): boolean {
    return this.match(zone) || this.matchParent(zone);
  }

  isConfigured(): boolean {
    return this.usesRegex || this.filters.length > 0 || this.exclude.length > 0;
  }

  /** Human description for messages: "[example.com, .example.org]" or the regex. */
  describe(): string {
    if (this.regex && this.regexExclusion)
      return `/${this.regex.source}/ excluding /${this.regexExclusion.source}/`;
    if (this.regexExclusion) return `names not matching /${this.regexExclusion.source}/`;
    if (this.regex) return `/${this.regex.source}/`;
    const inc = this.filters.length ? `[${this.filters.join(', ')}]` : '[any domain]';
    return this.exclude.length ? `${inc} excluding [${this.exclude.join(', ')}]` : inc;
  }
}

/** An empty expression is no filter (external-dns: regex.String() == ""). */
function emptyRegex(re: NameMatcher): boolean {
  return re.source === '' || re.source === '(?:)';
}

/** test() without lastIndex surprises when a RegExp with /g is given. */
function testRegex(re: NameMatcher, s: string): boolean {
  if (re instanceof RegExp) re.lastIndex = 0;
  return re.test(s);
}
