/**
 * A fast reader for the plain block YAML that manifests are nearly always written in (what
 * `kubectl get -o yaml`, Helm and people write): block mappings and sequences indented with
 * spaces, one-line plain, single- and double-quoted scalars, one-line flow sequences of scalars,
 * `{}`/`[]`, comments. It is an accelerator, not a second YAML implementation: anything outside
 * that subset — block scalars (`|`, `>`), multi-line scalars, anchors, aliases, tags, directives,
 * flow mappings, complex or non-string keys, duplicate keys, tabs, CR, a BOM, control characters,
 * Lists (their items are located line by line by the full reader) — makes it answer `undefined`,
 * and the caller reads the document with the `yaml` package as before (which also reports every
 * error with its line and column). Where it answers, the value is exactly what `yaml`'s
 * `parseAllDocuments(…).toJS()` gives (YAML 1.2 core schema: `yes`/`no`/`on`/`off` stay strings,
 * `0o17`/`0x1F` are numbers; checked by core/simple-yaml.test.ts against `yaml` on generated and
 * mutated documents and on every manifest of the repository).
 *
 * Why: `yaml`'s parser builds a concrete syntax tree, a document tree and then the objects —
 * ≈ 200 µs of CPU for an Ingress of 30 lines, 80–90 % of `zoneguard validate -f` on large inputs;
 * this reader costs ≈ 10 µs for the same document (test/bench/validate.mjs).
 */

/** Thrown inside the reader when the text leaves the subset; never escapes parseSimpleDocument. */
const OUTSIDE = new Error('outside the simple subset');

/**
 * Characters the subset admits: printable ASCII and newline, and printable non-ASCII outside the
 * surrogates, U+2028/U+2029, the BOM and U+FFFE/U+FFFF. Anything else (tab, CR, C0/C1 controls,
 * astral characters) goes to `yaml`.
 */
const OUTSIDE_CHARS = /[^\n\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
/**
 * A mapping key the subset reads: a plain scalar of name characters (`[A-Za-z0-9_][A-Za-z0-9_./-]*`),
 * then `:` and a space or the end of the line. The index of that `:`, or -1 (a scan, not a regular
 * expression: no match array per line).
 */
function keyEnd(s: string): number {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    if (word || (i > 0 && (c === 46 || c === 47 || c === 45))) continue; // . / - after the first
    break;
  }
  if (i === 0 || s.charCodeAt(i) !== 58) return -1;
  return i + 1 === s.length || s.charCodeAt(i + 1) === 32 ? i : -1;
}
/** A plain scalar item of a one-line flow sequence. */
const FLOW_PLAIN = /^-?[A-Za-z0-9_./][A-Za-z0-9_./+=~-]*/;

// YAML 1.2 core schema, as the `yaml` package resolves plain scalars (its schema/core tags, same order)
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * A string that does not hold on to the document's text. V8 makes a substring of 13 characters or
 * more a view of its parent, so a hostname kept in a verdict would keep its whole document alive
 * (≈ 0.7 KB per Ingress: 70 MB at 100,000 objects); this copies it into a string of its own size.
 */
const own = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

/**
 * One string for each apiVersion and kind value: every object and the verdict naming it keep them
 * (a bounded table: a stream of made-up kinds only empties it now and then).
 */
const SHARED = new Map<string, string>();
function shared(s: string): string {
  const known = SHARED.get(s);
  if (known !== undefined) return known;
  if (SHARED.size >= 1024) SHARED.clear();
  SHARED.set(s, s);
  return s;
}

/** A letter other than n/N/t/T/f/F (null, true, false) starts a plain scalar that is a string. */
function startsString(s: string): boolean {
  const c = s.charCodeAt(0);
  return (
    ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) &&
    c !== 110 &&
    c !== 78 &&
    c !== 116 &&
    c !== 84 &&
    c !== 102 &&
    c !== 70
  );
}

/** The value of a plain scalar under the core schema, as `yaml` gives it. */
export function resolvePlain(s: string): unknown {
  if (startsString(s)) return own(s);
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s))
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return own(s);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

/** After a scalar: nothing, spaces, or spaces and a comment. */
function endsCleanly(s: string, from: number): boolean {
  if (from >= s.length) return true;
  if (s.charCodeAt(from) !== 32) return false;
  let i = from;
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i === s.length || s.charCodeAt(i) === 35; // '#'
}

const countSpaces = (s: string, from = 0): number => {
  let i = from;
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i - from;
};

/** An array of its own length: one grown by push keeps room for 16 more items (≈ 130 bytes). */
const fit = (a: unknown[]): unknown[] => (a.length > 0 && a.length <= 16 ? a.slice() : a);

const isDash = (s: string): boolean => s.charCodeAt(0) === 45 && (s.length === 1 || s.charCodeAt(1) === 32);

class SimpleReader {
  private readonly lines: string[];
  private i = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  /** The document: its value and the 0-based index of the line its content starts on. */
  document(): { value: Record<string, unknown>; line: number } {
    this.skip();
    const lines = this.lines;
    if (this.i < lines.length && lines[this.i].startsWith('---')) {
      if (!endsCleanly(lines[this.i], 3)) throw OUTSIDE;
      this.i++;
      this.skip();
    }
    if (this.i >= lines.length) throw OUTSIDE; // empty: `yaml` says what it is
    const line = this.i;
    const indent = countSpaces(lines[line]);
    const value = this.map(indent);
    this.skip();
    if (this.i < lines.length) throw OUTSIDE;
    // a List's items are located one by one from `yaml`'s node ranges
    if (Object.prototype.hasOwnProperty.call(value, 'items')) throw OUTSIDE;
    return { value, line };
  }

  /** Moves past blank and comment lines. */
  private skip(): void {
    const lines = this.lines;
    while (this.i < lines.length) {
      const s = lines[this.i];
      const k = countSpaces(s);
      if (k < s.length && s.charCodeAt(k) !== 35) return;
      this.i++;
    }
  }

  /** The indentation of the next content line, or -1 at the end. */
  private nextIndent(): number {
    this.skip();
    return this.i < this.lines.length ? countSpaces(this.lines[this.i]) : -1;
  }

  /**
   * A block mapping whose keys are at column `indent`, starting at the current line; `first` is
   * the text of its first entry when it shares a line with a sequence item's `- `.
   */
  private map(indent: number, first?: string): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let s = first ?? this.lines[this.i].slice(indent);
    for (;;) {
      const colon = keyEnd(s);
      if (colon === -1) throw OUTSIDE;
      const key = s.slice(0, colon);
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key)) throw OUTSIDE;
      if (!startsString(key) && typeof resolvePlain(key) !== 'string') throw OUTSIDE; // `80:`, `true:`, `null:` keys
      const rest = s.slice(colon + 1 + countSpaces(s, colon + 1));
      if (rest === '' || rest.charCodeAt(0) === 35) {
        this.i++;
        obj[key] = this.nested(indent, true);
      } else {
        const value = this.inline(rest);
        obj[key] =
          typeof value === 'string' && (key === 'apiVersion' || key === 'kind') ? shared(value) : value;
        this.i++;
      }
      const next = this.nextIndent();
      if (next < indent) return obj;
      if (next > indent) throw OUTSIDE; // a continuation line, or a misplaced one
      s = this.lines[this.i].slice(indent);
    }
  }

  /** A block sequence whose `- ` are at column `indent`, starting at the current line. */
  private seq(indent: number): unknown[] {
    const arr: unknown[] = [];
    for (;;) {
      const s = this.lines[this.i].slice(indent);
      const gap = countSpaces(s, 1);
      const content = s.slice(1 + gap);
      if (content === '' || content.charCodeAt(0) === 35) {
        this.i++;
        arr.push(this.nested(indent, false));
      } else if (isDash(content)) {
        throw OUTSIDE; // `- - x`
      } else if (keyEnd(content) !== -1) {
        arr.push(this.map(indent + 1 + gap, content));
      } else {
        arr.push(this.inline(content));
        this.i++;
      }
      const next = this.nextIndent();
      if (next < indent) return fit(arr);
      if (next > indent) throw OUTSIDE;
      if (!isDash(this.lines[this.i].slice(indent))) return fit(arr); // the parent mapping's next key
    }
  }

  /**
   * The node below a key or a `-` with nothing after it on its line: more indented lines, or a
   * sequence at the key's own column (`key:` then `- x` at the same indentation), else null.
   */
  private nested(parent: number, sequenceAtSameColumn: boolean): unknown {
    const next = this.nextIndent();
    if (next < 0) return null;
    const dash = isDash(this.lines[this.i].slice(next));
    if (next > parent) return dash ? this.seq(next) : this.map(next);
    if (next === parent && dash && sequenceAtSameColumn) return this.seq(next);
    return null;
  }

  /** A node that starts and ends on this line (after `key: ` or `- `). */
  private inline(s: string): unknown {
    const c = s[0];
    if (c === '"') {
      const [value, end] = doubleQuoted(s, 1);
      if (!endsCleanly(s, end)) throw OUTSIDE;
      return value;
    }
    if (c === "'") {
      const [value, end] = singleQuoted(s, 1);
      if (!endsCleanly(s, end)) throw OUTSIDE;
      return value;
    }
    if (c === '[') return flowSequence(s);
    if (c === '{') {
      if (s[1] !== '}' || !endsCleanly(s, 2)) throw OUTSIDE;
      return {};
    }
    return plain(s);
  }
}

/** A one-line plain scalar in block context (the rest of the line, less a comment). */
function plain(s: string): unknown {
  const c = s[0];
  // indicators that start something else (or an error) when they begin a plain scalar
  if ('|>&*!%@`,]}#'.includes(c)) throw OUTSIDE;
  if ((c === '-' || c === '?' || c === ':') && (s.length === 1 || s[1] === ' ')) throw OUTSIDE;
  const hash = s.indexOf(' #');
  let end = hash === -1 ? s.length : hash;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  const text = end === s.length ? s : s.slice(0, end);
  // `: ` or a final `:` would make it a mapping: an error in this position
  if (text.includes(': ') || text.endsWith(':')) throw OUTSIDE;
  return resolvePlain(text);
}

/** A double-quoted scalar from `from` (after the quote) to its closing quote on the same line. */
function doubleQuoted(s: string, from: number): [string, number] {
  let out = '';
  let i = from;
  let run = from;
  for (;;) {
    if (i >= s.length) throw OUTSIDE; // continues on the next line
    const ch = s.charCodeAt(i);
    if (ch === 34) {
      out += s.slice(run, i);
      return [own(out), i + 1];
    }
    if (ch === 92) {
      out += s.slice(run, i);
      const e = s[i + 1];
      if (e === undefined) throw OUTSIDE; // an escaped line break
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined && Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
        out += simple;
        i += 2;
      } else if (Object.prototype.hasOwnProperty.call(HEX_LENGTH, e)) {
        const n = HEX_LENGTH[e];
        const hex = s.slice(i + 2, i + 2 + n);
        if (hex.length !== n || !HEX.test(hex)) throw OUTSIDE;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw OUTSIDE;
        out += String.fromCodePoint(code);
        i += 2 + n;
      } else throw OUTSIDE;
      run = i;
    } else i++;
  }
}

/** A single-quoted scalar from `from` to its closing quote on the same line (`''` is a quote). */
function singleQuoted(s: string, from: number): [string, number] {
  let out = '';
  let i = from;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q === -1) throw OUTSIDE;
    out += s.slice(i, q);
    if (s.charCodeAt(q + 1) === 39) {
      out += "'";
      i = q + 2;
    } else return [own(out), q + 1];
  }
}

/** `[a, "b", 'c']` on one line: scalars only. */
function flowSequence(s: string): unknown[] {
  const arr: unknown[] = [];
  let i = 1 + countSpaces(s, 1);
  if (s[i] === ']') {
    if (!endsCleanly(s, i + 1)) throw OUTSIDE;
    return arr;
  }
  for (;;) {
    const c = s[i];
    let value: unknown;
    if (c === '"') [value, i] = doubleQuoted(s, i + 1);
    else if (c === "'") [value, i] = singleQuoted(s, i + 1);
    else {
      const m = FLOW_PLAIN.exec(s.slice(i));
      if (!m) throw OUTSIDE;
      value = resolvePlain(m[0]);
      i += m[0].length;
    }
    arr.push(value);
    i += countSpaces(s, i);
    if (s[i] === ']') {
      if (!endsCleanly(s, i + 1)) throw OUTSIDE;
      return fit(arr);
    }
    if (s[i] !== ',') throw OUTSIDE;
    i += 1 + countSpaces(s, i + 1);
  }
}

/**
 * The value of one YAML document and the 0-based line of its text its content starts on, when the
 * document is in the simple subset; `undefined` when `yaml` must read it. Never throws.
 */
export function parseSimpleDocument(
  text: string,
): { value: Record<string, unknown>; line: number } | undefined {
  if (OUTSIDE_CHARS.test(text)) return undefined;
  try {
    return new SimpleReader(text).document();
  } catch {
    // OUTSIDE, or a stack overflow on deep nesting: the full reader decides
    return undefined;
  }
}
