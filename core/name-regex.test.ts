import { describe, expect, it } from 'vitest';
import { DomainFilter } from './domain-filter.js';
import { NameRegex } from './name-regex.js';

/**
 * Go regexp semantics (RE2 syntax, MatchString: unanchored), as external-dns compiles
 * --regex-domain-filter / --regex-domain-exclusion. Rows marked "Go" are what Go's regexp
 * documents (pkg.go.dev/regexp/syntax) and JavaScript's RegExp gets wrong or refuses.
 */
const matches: { pattern: string; yes: string[]; no: string[] }[] = [
  // Go: (?i) inline flag (JavaScript refuses it)
  {
    pattern: '(?i)example\\.com$',
    yes: ['APP.Example.COM', 'example.com'],
    no: ['example.org', 'example.com.evil.org'],
  },
  // Go: \A and \z anchor the text (JavaScript reads them as the letters A and z)
  {
    pattern: '\\Aapp\\.example\\.com\\z',
    yes: ['app.example.com'],
    no: ['xapp.example.com', 'app.example.comz', 'Aapp.example.comz'],
  },
  // Go: $ is end of text, not before a final newline (one-line mode)
  { pattern: '^a\\.example\\.com$', yes: ['a.example.com'], no: ['a.example.com\n'] },
  // Go: flags scoped to a group
  {
    pattern: '^(?i:APP)\\.example\\.com$',
    yes: ['app.example.com', 'App.example.com'],
    no: ['app.EXAMPLE.com'],
  },
  // Go: POSIX classes and Unicode classes
  { pattern: '^[[:alpha:]]+\\.example\\.com$', yes: ['app.example.com'], no: ['app1.example.com'] },
  { pattern: '^\\pL+\\.example\\.com$', yes: ['bücher.example.com'], no: ['b1.example.com'] },
  // Go: named groups in both spellings
  { pattern: '^(?P<env>dev|prod)\\.example\\.com$', yes: ['dev.example.com'], no: ['qa.example.com'] },
  // Go: \Q…\E quotes literally
  { pattern: '^\\Qa.b\\E\\.example\\.com$', yes: ['a.b.example.com'], no: ['axb.example.com'] },
  // endpoint/domain_filter_test.go regexDomainFilterTests
  { pattern: '\\.org$', yes: ['foo.org', 'foo.bar.org'], no: ['foo.com'] },
  { pattern: '(?:foo|bar)\\.org$', yes: ['foo.org', 'a.example.bar.org'], no: ['baz.org'] },
  { pattern: '(?:😍|🤩)\\.org$', yes: ['😍.org', 'example.🤩.org'], no: ['x.org'] },
];

const refused: { pattern: string; error: RegExp }[] = [
  { pattern: '(?<=foo)bar', error: /lookbehind/ },
  { pattern: '(?!internal)\\.example\\.com', error: /lookahead/ },
  { pattern: '(a)\\1', error: /invalid escape sequence: `\\1`.*backreference/ },
  { pattern: 'a++', error: /possessive/ },
  { pattern: '(?>a)', error: /atomic group/ },
  { pattern: 'example\\.com\\Z', error: /\\Z/ },
  { pattern: 'a{1001}', error: /invalid repeat count/ },
  { pattern: '(', error: /missing closing \)/ },
];

describe('RE2 name regexes (Go regexp semantics)', () => {
  for (const c of matches)
    it(`/${c.pattern}/`, () => {
      const re = NameRegex.compile(c.pattern);
      for (const s of c.yes) expect(re.test(s), s).toBe(true);
      for (const s of c.no) expect(re.test(s), s).toBe(false);
      // the answer is remembered per name, and stays right
      for (const s of c.yes) expect(re.test(s), s).toBe(true);
    });
  for (const c of refused)
    it(`refuses /${c.pattern}/, naming what is wrong`, () => {
      expect(() => NameRegex.compile(c.pattern)).toThrow(c.error);
    });

  it('a domain filter with Go regexes: filter and exclusion (endpoint/domain_filter_test.go TestMatchRegex)', () => {
    const f = new DomainFilter({
      regex: NameRegex.compile('(?i)\\.org$'),
      regexExclusion: NameRegex.compile('\\Aexcluded\\.'),
    });
    expect(f.match('foo.ORG')).toBe(true);
    expect(f.match('excluded.foo.org')).toBe(false);
    expect(f.match('foo.com')).toBe(false);
    expect(f.describe()).toBe('/(?i)\\.org$/ excluding /\\Aexcluded\\./');
  });

  it('an empty expression is no filter (external-dns: regex.String() == "")', () => {
    expect(new DomainFilter({ regex: NameRegex.compile('') }).isConfigured()).toBe(false);
  });

  it('prints as its source in settings and logs', () => {
    expect(JSON.stringify({ r: NameRegex.compile('^a$') })).toBe('{"r":"^a$"}');
  });
});
