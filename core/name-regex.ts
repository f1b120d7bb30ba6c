/**
 * Regular expressions over DNS names with Go's RE2 semantics, as external-dns compiles
 * --regex-domain-filter and --regex-domain-exclusion (kingpin's Regexp flags: Go's regexp.Compile,
 * matched with MatchString, i.e. unanchored). re2js is a port of Go's regexp: the same syntax
 * (`(?i)`, `(?s)`, `\A`, `\z`, `\pL`, `[[:alpha:]]`, `(?P<name>…)`), the same errors, linear time.
 * What RE2 does not have (lookaround, backreferences, possessive or atomic groups) is refused with
 * Go's message and the construct named.
 */
import { RE2JS } from 're2js';

/** What a domain filter needs of a regex; a JavaScript RegExp fits too (tests). */
export interface NameMatcher {
  readonly source: string;
  test(name: string): boolean;
}

/** Constructs JavaScript or PCRE users reach for that RE2 refuses, named for the error message. */
const NOT_RE2: readonly (readonly [RegExp, string])[] = [
  [/\(\?<[=!]/, 'lookbehind (?<=…) / (?<!…)'],
  [/\(\?[=!]/, 'lookahead (?=…) / (?!…)'],
  [/\(\?>/, 'atomic group (?>…)'],
  [/\\[1-9]|\\k</, 'backreference \\1 / \\k<name>'],
  [/[*+?}]\+/, 'possessive quantifier (*+, ++, ?+)'],
  [/\\Z/, '\\Z (RE2 has \\z: end of text)'],
];

export class NameRegex implements NameMatcher {
  private readonly re: RE2JS;
  /** Names seen and their answer: the same names come back every sync and every UPDATE review. */
  private readonly seen = new Map<string, boolean>();

  private constructor(readonly source: string) {
    this.re = RE2JS.compile(source);
  }

  /** Compiles Go RE2 syntax; throws an Error whose message says what is wrong, naming the construct. */
  static compile(source: string): NameRegex {
    try {
      return new NameRegex(source);
    } catch (e) {
      const go = (e as Error).message;
      const hint = NOT_RE2.find(([re]) => re.test(source));
      throw new Error(
        hint
          ? `${go}: ${hint[1]} is not RE2 syntax (external-dns uses Go's regexp)`
          : `${go} (RE2 syntax, as Go's regexp)`,
      );
    }
  }

  /** Go's MatchString: does the expression match anywhere in the name? */
  test(name: string): boolean {
    let hit = this.seen.get(name);
    if (hit === undefined) {
      hit = this.re.test(name);
      if (this.seen.size >= 8192) this.seen.clear();
      this.seen.set(name, hit);
    }
    return hit;
  }

  toString(): string {
    return this.source;
  }

  /** Settings printed or logged show the expression, not the compiled program. */
  toJSON(): string {
    return this.source;
  }
}
