/**
 * --fqdn-template: the subset of Go's text/template that external-dns's template engine uses
 * (source/template/engine.go, docs/advanced/fqdn-templating.md), evaluated over an object's JSON.
 *
 * What external-dns does, and so this does: the templates (one per flag value, blanks and
 * duplicates dropped) are joined with ","; the output is split on ",", each name trimmed, its
 * trailing dot removed, empties dropped, duplicates dropped, sorted. The data is the object:
 * `.Name`, `.Namespace`, `.Kind`, `.APIVersion`, `.Labels`, `.Annotations`, `.ObjectMeta`/`.Metadata`,
 * `.Spec`, `.Status`, `.Object` and any top-level field (`.Data`). external-dns first runs the
 * template over the typed Go object (Go field names: `.Spec.Type`, `.Status.LoadBalancer.Ingress`)
 * and retries over the unstructured JSON (`.Spec.type`); here a field is looked up by its name, then
 * by its JSON spelling (`LoadBalancer` → `loadBalancer`, `ClusterIP` → `clusterIP`, `UID` → `uid`).
 *
 * Actions: text, `{{ pipeline }}`, `{{- -}}` trimming, comments, `if`/`else if`/`else`, `with`,
 * `range` (lists, maps in key order, integers; `$k, $v :=`), `break`, `continue`, variables
 * (`$`, `$x :=`, `$x =`), pipes and parentheses. Functions: Go's built-ins `and`, `or`, `not`,
 * `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `index`, `len`, `slice`, `print`, `printf`, `println`, and
 * external-dns's documented ones (docs/advanced/fqdn-templating.md "Custom Functions"): `contains`,
 * `isIPv4`, `isIPv6`, `isSource`, `replace`, `trim`, `toLower`, `trimPrefix`, `trimSuffix`,
 * `hasKey`, `fromJson`. Anything else (`template`, `define`, `block`, `call`, `html`, `js`,
 * `urlquery`, an unknown function) is refused when the flag is read, naming the construct.
 *
 * Deliberate difference: a missing map key reads as "no value" (Go prints `<no value>`; it is
 * false in `if`, `and`, `or`) in every map, where Go's typed pass could raise an error for a field
 * the Go struct does not have.
 */
import { isIPv4, isIPv6 } from './targets.js';
import type { KubeObject } from '../model/objects.js';

/** A template that cannot be read (at flag time) or run (on one object). */
export class TemplateError extends Error {}

/** external-dns's source names (source/types/types.go `All`), what `isSource` accepts. */
export const EXTERNAL_DNS_SOURCE_NAMES = [
  'node',
  'service',
  'ingress',
  'pod',
  'gateway-httproute',
  'gateway-grpcroute',
  'gateway-tlsroute',
  'gateway-tcproute',
  'gateway-udproute',
  'istio-gateway',
  'istio-virtualservice',
  'ambassador-host',
  'contour-httpproxy',
  'gloo-proxy',
  'traefik-proxy',
  'openshift-route',
  'fake',
  'empty',
  'connector',
  'crd',
  'skipper-routegroup',
  'kong-tcpingress',
  'f5-virtualserver',
  'f5-transportserver',
  'unstructured',
] as const;

// ---- values ----

/** A map key or field that is not there: Go's invalid value, printed `<no value>`. */
const MISSING = Symbol('no value');
type Value = unknown;

/** Label and annotation maps: Go's map[string]string, so `index` of a missing key is "". */
const stringMaps = new WeakSet<object>();

function isMap(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's truth: false, 0, nil, "", empty list or map, no value. */
function truth(v: Value): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** fmt's %v of a JSON value, as Go prints an unstructured object's fields. */
function show(v: Value): string {
  if (v === MISSING) return '<no value>';
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (isMap(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${show(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

/** A Go field name in its JSON spelling: `LoadBalancer` → `loadBalancer`, `APIVersion` → `apiVersion`, `UID` → `uid`. */
function jsonName(goName: string): string {
  const m = /^[A-Z]+/.exec(goName);
  if (!m) return goName;
  const run = m[0];
  if (run.length === goName.length) return goName.toLowerCase();
  if (run.length === 1) return run.toLowerCase() + goName.slice(1);
  return run.slice(0, -1).toLowerCase() + goName.slice(run.length - 1);
}

function field(v: Value, name: string): Value {
  if (v === MISSING || v === null || v === undefined)
    throw new TemplateError(`can't evaluate field ${name}: the value before it is missing`);
  if (!isMap(v))
    throw new TemplateError(`can't evaluate field ${name} in a ${Array.isArray(v) ? 'list' : typeof v}`);
  if (Object.hasOwn(v, name)) return v[name];
  if (!stringMaps.has(v)) {
    const j = jsonName(name);
    if (Object.hasOwn(v, j)) return v[j];
  }
  return MISSING;
}

function stringMap(m: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(m)) for (const k of Object.keys(m)) if (typeof m[k] === 'string') out[k] = m[k] as string;
  stringMaps.add(out);
  return out;
}

/** The data a template sees for an object (external-dns's fqdnTemplateData, plus Go's promoted fields). */
export function templateData(obj: KubeObject): Record<string, Value> {
  const meta = isMap(obj.metadata) ? (obj.metadata as Record<string, Value>) : {};
  const labels = stringMap(meta.labels);
  const annotations = stringMap(meta.annotations);
  const metadata: Record<string, Value> = {
    ...meta,
    labels,
    annotations,
    Labels: labels,
    Annotations: annotations,
  };
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const data: Record<string, Value> = {};
  for (const k of Object.keys(obj)) data[k] = (obj as Record<string, Value>)[k];
  Object.assign(data, {
    Name: typeof meta.name === 'string' ? meta.name : '',
    Namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    Kind: kind,
    APIVersion: apiVersion,
    TypeMeta: { Kind: kind, APIVersion: apiVersion },
    Labels: labels,
    Annotations: annotations,
    ObjectMeta: metadata,
    Metadata: metadata,
    metadata,
    Spec: isMap(obj.spec) ? obj.spec : {},
    Status: isMap(obj.status) ? obj.status : {},
    Object: obj,
  });
  // the promoted ObjectMeta fields of a typed object (.UID, .CreationTimestamp, .Generation...)
  for (const k of Object.keys(meta)) {
    const goName = k.charAt(0).toUpperCase() + k.slice(1);
    if (!Object.hasOwn(data, goName)) data[goName] = meta[k];
  }
  return data;
}

// ---- lexing ----

type Tok =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'field'; path: string[]; glued: boolean }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'ident'; v: string }
  | { t: 'dot' }
  | { t: '(' | ')' | '|' | ':=' | '=' | ',' };

type Item = { t: 'text'; s: string } | { t: 'action'; toks: Tok[]; src: string };

function lexAction(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const path = (): string[] => {
    const out: string[] = [];
    while (src[i] === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push(m[0]);
      i += m[0].length;
    }
    return out;
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new TemplateError(`unterminated quoted string in {{${src}}}`);
      try {
        toks.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      } catch {
        throw new TemplateError(`bad quoted string ${src.slice(i, j + 1)}`);
      }
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`unterminated raw string in {{${src}}}`);
      toks.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      throw new TemplateError(`character constants ('x') are not supported; write "x"`);
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      toks.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (c === '.') {
      const glued = toks.length > 0 && toks[toks.length - 1].t === ')' && !/\s/.test(src[i - 1]);
      const p = path();
      if (p.length) toks.push({ t: 'field', path: p, glued });
      else {
        i++;
        toks.push({ t: 'dot' });
      }
    } else if (c === '$') {
      i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const name = m ? m[0] : '';
      i += name.length;
      toks.push({ t: 'var', name: `$${name}`, path: path() });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      toks.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (src.startsWith(':=', i)) {
      toks.push({ t: ':=' });
      i += 2;
    } else if (c === '(' || c === ')' || c === '|' || c === '=' || c === ',') {
      toks.push({ t: c });
      i++;
    } else throw new TemplateError(`unexpected "${c}" in {{${src}}}`);
  }
  return toks;
}

function lex(text: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let trimNext = false;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    let chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    if (trimNext) chunk = chunk.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (chunk) items.push({ t: 'text', s: chunk });
      break;
    }
    let start = open + 2;
    // "{{- " trims the text before (the dash must be followed by a space)
    if (/^- /.test(text.slice(start)) || /^-[\t\n\r]/.test(text.slice(start))) {
      chunk = chunk.replace(/\s+$/, '');
      start += 1;
    }
    if (chunk) items.push({ t: 'text', s: chunk });
    let close: number;
    const body = text.slice(start).replace(/^\s*/, '');
    if (body.startsWith('/*')) {
      const end = text.indexOf('*/', start);
      if (end < 0) throw new TemplateError('unclosed comment');
      close = text.indexOf('}}', end);
    } else {
      // find "}}" outside quoted strings
      close = -1;
      let q: string | undefined;
      for (let j = start; j < text.length; j++) {
        const c = text[j];
        if (q) {
          if (c === '\\' && q === '"') j++;
          else if (c === q) q = undefined;
        } else if (c === '"' || c === '`') q = c;
        else if (c === '}' && text[j + 1] === '}') {
          close = j;
          break;
        }
      }
    }
    if (close < 0) throw new TemplateError(`unclosed action starting at "${text.slice(open, open + 20)}"`);
    let inner = text.slice(start, close);
    // " -}}" trims the text after
    if (/[ \t\n\r]-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimNext = true;
    }
    const trimmed = inner.trim();
    if (!(trimmed.startsWith('/*') && trimmed.endsWith('*/')))
      items.push({ t: 'action', toks: lexAction(inner), src: trimmed });
    i = close + 2;
  }
  return items;
}

// ---- parsing ----

type Term =
  | { t: 'dot' }
  | { t: 'field'; path: string[] }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'lit'; v: Value }
  | { t: 'fn'; name: string }
  | { t: 'sub'; pipe: Pipe; path: string[] };
type Cmd = Term[];
interface Pipe {
  decl?: { vars: string[]; assign: boolean };
  cmds: Cmd[];
}
type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; pipe: Pipe }
  | { t: 'if' | 'with'; pipe: Pipe; body: Node[]; else?: Node[] }
  | { t: 'range'; pipe: Pipe; body: Node[]; else?: Node[] }
  | { t: 'break' | 'continue' };

const FUNCTIONS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'index',
  'len',
  'slice',
  'print',
  'printf',
  'println',
  'contains',
  'isIPv4',
  'isIPv6',
  'isSource',
  'replace',
  'trim',
  'toLower',
  'trimPrefix',
  'trimSuffix',
  'hasKey',
  'fromJson',
]);
const REFUSED: Record<string, string> = {
  template: '{{template}}',
  define: '{{define}}',
  block: '{{block}}',
  call: 'the function call',
  html: 'the function html',
  js: 'the function js',
  urlquery: 'the function urlquery',
};

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  parse(): Node[] {
    const { nodes, stop } = this.list(false);
    if (stop) throw new TemplateError(`unexpected {{${stop}}}`);
    return nodes;
  }

  /** Nodes up to an {{end}} / {{else ...}} (returned as stop), or the end of input. */
  private list(inBlock: boolean, inRange = false): { nodes: Node[]; stop?: string; elseToks?: Tok[] } {
    const nodes: Node[] = [];
    while (this.pos < this.items.length) {
      const it = this.items[this.pos++];
      if (it.t === 'text') {
        nodes.push({ t: 'text', s: it.s });
        continue;
      }
      const toks = it.toks;
      if (toks.length === 0) throw new TemplateError('missing value for command: {{}}');
      const head = toks[0];
      const kw = head.t === 'ident' ? head.v : undefined;
      if (kw && Object.hasOwn(REFUSED, kw))
        throw new TemplateError(
          `${REFUSED[kw]} is not supported by zoneguard's --fqdn-template (in {{${it.src}}})`,
        );
      if (kw === 'end' || kw === 'else') {
        if (!inBlock) throw new TemplateError(`unexpected {{${it.src}}}`);
        return { nodes, stop: kw, elseToks: toks.slice(1) };
      }
      if (kw === 'if' || kw === 'with' || kw === 'range') {
        nodes.push(this.block(kw, toks.slice(1), it.src, inRange));
        continue;
      }
      if (kw === 'break' || kw === 'continue') {
        if (!inRange) throw new TemplateError(`{{${kw}}} outside {{range}}`);
        nodes.push({ t: kw });
        continue;
      }
      nodes.push({ t: 'out', pipe: pipeOf(toks, it.src) });
    }
    if (inBlock)
      throw new TemplateError('unexpected end of template: an {{if}}, {{with}} or {{range}} has no {{end}}');
    return { nodes };
  }

  private block(kw: 'if' | 'with' | 'range', toks: Tok[], src: string, inRange: boolean): Node {
    const pipe = pipeOf(toks, src);
    const body = this.list(true, kw === 'range' || inRange);
    const node = { t: kw, pipe, body: body.nodes } as Node & { else?: Node[] };
    if (body.stop === 'else') {
      const rest = body.elseToks ?? [];
      if (
        rest.length &&
        rest[0].t === 'ident' &&
        (rest[0].v === 'if' || rest[0].v === 'with') &&
        kw !== 'range'
      ) {
        // {{else if x}} / {{else with x}}: a nested block sharing this {{end}}
        node.else = [this.block(rest[0].v, rest.slice(1), src, inRange)];
      } else if (rest.length) throw new TemplateError(`unexpected tokens after {{else}} in {{${src}}}`);
      else {
        const e = this.list(true, inRange);
        if (e.stop !== 'end') throw new TemplateError(`expected {{end}} after {{else}} of {{${src}}}`);
        node.else = e.nodes;
      }
    } else if (body.elseToks?.length) throw new TemplateError(`unexpected tokens after {{end}}`);
    return node;
  }
}

function pipeOf(toks: Tok[], src: string): Pipe {
  let i = 0;
  const pipe: Pipe = { cmds: [] };
  // $x := … / $k, $v := … / $x = …
  const declEnd = toks.findIndex((t) => t.t === ':=' || t.t === '=');
  if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.t === 'var' || t.t === ',')) {
    const vars = toks.slice(0, declEnd).filter((t): t is Extract<Tok, { t: 'var' }> => t.t === 'var');
    if (vars.length > 2 || vars.some((v) => v.path.length))
      throw new TemplateError(`bad variable declaration in {{${src}}}`);
    pipe.decl = { vars: vars.map((v) => v.name), assign: toks[declEnd].t === '=' };
    i = declEnd + 1;
  }
  const parseCmd = (): Cmd => {
    const cmd: Cmd = [];
    while (i < toks.length && toks[i].t !== '|' && toks[i].t !== ')') {
      const t = toks[i++];
      switch (t.t) {
        case 'str':
        case 'num':
          cmd.push({ t: 'lit', v: t.v });
          break;
        case 'dot':
          cmd.push({ t: 'dot' });
          break;
        case 'field':
          if (t.glued && cmd.length && cmd[cmd.length - 1].t === 'sub')
            (cmd[cmd.length - 1] as Extract<Term, { t: 'sub' }>).path.push(...t.path);
          else cmd.push({ t: 'field', path: t.path });
          break;
        case 'var':
          cmd.push({ t: 'var', name: t.name, path: t.path });
          break;
        case 'ident':
          if (t.v === 'true' || t.v === 'false') cmd.push({ t: 'lit', v: t.v === 'true' });
          else if (t.v === 'nil') cmd.push({ t: 'lit', v: null });
          else if (Object.hasOwn(REFUSED, t.v))
            throw new TemplateError(
              `${REFUSED[t.v]} is not supported by zoneguard's --fqdn-template (in {{${src}}})`,
            );
          else if (FUNCTIONS.has(t.v)) cmd.push({ t: 'fn', name: t.v });
          else
            throw new TemplateError(
              `function "${t.v}" not defined (in {{${src}}}); zoneguard's --fqdn-template knows ${[...FUNCTIONS].join(', ')}`,
            );
          break;
        case '(': {
          const sub = parsePipe();
          if (toks[i]?.t !== ')') throw new TemplateError(`unclosed "(" in {{${src}}}`);
          i++;
          cmd.push({ t: 'sub', pipe: sub, path: [] });
          break;
        }
        default:
          throw new TemplateError(`unexpected "${t.t}" in {{${src}}}`);
      }
    }
    if (cmd.length === 0) throw new TemplateError(`missing value for command in {{${src}}}`);
    if (cmd[0].t !== 'fn' && cmd.length > 1)
      throw new TemplateError(`can't give an argument to a non-function in {{${src}}}`);
    return cmd;
  };
  const parsePipe = (): Pipe => {
    const p: Pipe = { cmds: [parseCmd()] };
    while (toks[i]?.t === '|') {
      i++;
      p.cmds.push(parseCmd());
    }
    return p;
  };
  pipe.cmds = parsePipe().cmds;
  if (i < toks.length) throw new TemplateError(`unexpected "${toks[i].t}" in {{${src}}}`);
  return pipe;
}

// ---- evaluation ----

class Break {}
class Continue {}

/** Go's eq/lt over basic values: numbers with numbers, strings with strings, bools with bools. */
function basic(v: Value, fn: string): string | number | boolean | null | symbol {
  if (v === MISSING || v === null || v === undefined) return v === MISSING ? MISSING : null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TemplateError(`${fn}: can't compare a ${Array.isArray(v) ? 'list' : 'map'}`);
}

function compare(fn: string, a: Value, b: Value): number {
  const x = basic(a, fn);
  const y = basic(b, fn);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  throw new TemplateError(`${fn}: incompatible types for comparison (${show(a)}, ${show(b)})`);
}

function printf(format: string, args: Value[]): string {
  let n = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svdqtxf%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    if (verb === 'q') return JSON.stringify(show(a));
    if (verb === 'd') return typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${show(a)})`;
    return show(a);
  });
}

interface Scope {
  vars: Map<string, Value>[];
  source: string;
}

function lookupVar(s: Scope, name: string): Value {
  for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i].has(name)) return s.vars[i].get(name);
  throw new TemplateError(`undefined variable "${name}"`);
}

function evalTerm(t: Term, dot: Value, s: Scope): Value {
  let v: Value;
  let path: string[] = [];
  switch (t.t) {
    case 'dot':
      return dot;
    case 'lit':
      return t.v;
    case 'field':
      v = dot;
      path = t.path;
      break;
    case 'var':
      v = lookupVar(s, t.name);
      path = t.path;
      break;
    case 'sub':
      v = evalPipe(t.pipe, dot, s, false);
      path = t.path;
      break;
    case 'fn':
      return call(t.name, [], dot, s, undefined);
  }
  for (const p of path) v = field(v, p);
  return v;
}

function call(name: string, args: Term[], dot: Value, s: Scope, piped: { v: Value } | undefined): Value {
  const thunks: (() => Value)[] = args.map((a) => () => evalTerm(a, dot, s));
  if (piped) thunks.push(() => piped.v);
  const all = () => thunks.map((f) => f());
  const arity = (n: number) => {
    if (thunks.length !== n)
      throw new TemplateError(`wrong number of args for ${name}: want ${n} got ${thunks.length}`);
    return all();
  };
  const str = (v: Value, i: number): string => {
    if (typeof v === 'string') return v;
    throw new TemplateError(`${name}: argument ${i + 1} is ${show(v)}, not a string`);
  };
  switch (name) {
    case 'and': {
      if (!thunks.length) throw new TemplateError('wrong number of args for and: want at least 1 got 0');
      let v: Value;
      for (const f of thunks) if (!truth((v = f()))) return v;
      return v;
    }
    case 'or': {
      if (!thunks.length) throw new TemplateError('wrong number of args for or: want at least 1 got 0');
      let v: Value;
      for (const f of thunks) if (truth((v = f()))) return v;
      return v;
    }
    case 'not':
      return !truth(arity(1)[0]);
    case 'eq': {
      const [a, ...rest] = all();
      if (!rest.length) throw new TemplateError('missing argument for comparison');
      const x = basic(a, 'eq');
      return rest.some((b) => {
        const y = basic(b, 'eq');
        if (x === MISSING || y === MISSING || x === null || y === null) return x === y;
        if (typeof x !== typeof y)
          throw new TemplateError(`eq: incompatible types for comparison (${show(a)}, ${show(b)})`);
        return x === y;
      });
    }
    case 'ne': {
      const [a, b] = arity(2);
      return !call(
        'eq',
        [
          { t: 'lit', v: a },
          { t: 'lit', v: b },
        ],
        dot,
        s,
        undefined,
      );
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const [a, b] = arity(2);
      const c = compare(name, a, b);
      return name === 'lt' ? c < 0 : name === 'le' ? c <= 0 : name === 'gt' ? c > 0 : c >= 0;
    }
    case 'index': {
      const [v0, ...keys] = all();
      let v = v0;
      for (const k of keys) {
        if (Array.isArray(v) || typeof v === 'string') {
          if (typeof k !== 'number' || k < 0 || k >= v.length || !Number.isInteger(k))
            throw new TemplateError(`index out of range: ${show(k)}`);
          v = v[k];
        } else if (isMap(v)) {
          const key = typeof k === 'string' ? k : show(k);
          v = Object.hasOwn(v, key) ? v[key] : stringMaps.has(v) ? '' : null;
        } else if (v === MISSING || v === null || v === undefined) {
          // Go: index of a nil map is the zero value
          v = null;
        } else throw new TemplateError(`can't index item of type ${typeof v}`);
      }
      return v;
    }
    case 'len': {
      const [v] = arity(1);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new TemplateError(`len of ${show(v)}`);
    }
    case 'slice': {
      const [v, ...ix] = all();
      if (typeof v !== 'string' && !Array.isArray(v)) throw new TemplateError(`can't slice ${show(v)}`);
      const [a = 0, b = v.length] = ix as number[];
      if (a < 0 || b > v.length || a > b) throw new TemplateError(`slice index out of range`);
      return v.slice(a, b);
    }
    case 'print': {
      // fmt.Sprint: spaces only between operands when neither is a string
      const vs = all();
      let out = '';
      vs.forEach((v, i) => {
        if (i > 0 && typeof v !== 'string' && typeof vs[i - 1] !== 'string') out += ' ';
        out += show(v);
      });
      return out;
    }
    case 'println':
      return `${all().map(show).join(' ')}\n`;
    case 'printf': {
      const [f, ...rest] = all();
      return printf(str(f, 0), rest);
    }
    case 'contains': {
      const [a, b] = arity(2);
      return str(a, 0).includes(str(b, 1));
    }
    case 'isIPv4':
      return isIPv4(str(arity(1)[0], 0));
    case 'isIPv6': {
      const t = str(arity(1)[0], 0);
      // external-dns: anything its SuitableType calls AAAA, IPv4-mapped IPv6 included
      return isIPv6(t);
    }
    case 'isSource': {
      const want = str(arity(1)[0], 0);
      if (!EXTERNAL_DNS_SOURCE_NAMES.some((n) => n === want.toLowerCase()))
        throw new TemplateError(
          `isSource: unknown source "${want}" (valid: ${EXTERNAL_DNS_SOURCE_NAMES.join(', ')})`,
        );
      return want.toLowerCase() === s.source.toLowerCase();
    }
    case 'replace': {
      const [o, n, t] = arity(3);
      return str(t, 2).split(str(o, 0)).join(str(n, 1));
    }
    case 'trim':
      return str(arity(1)[0], 0).trim();
    case 'toLower':
      return str(arity(1)[0], 0).toLowerCase();
    case 'trimPrefix': {
      const [v, p] = arity(2);
      const a = str(v, 0);
      const b = str(p, 1);
      return b && a.startsWith(b) ? a.slice(b.length) : a;
    }
    case 'trimSuffix': {
      const [v, p] = arity(2);
      const a = str(v, 0);
      const b = str(p, 1);
      return b && a.endsWith(b) ? a.slice(0, a.length - b.length) : a;
    }
    case 'hasKey': {
      const [m, k] = arity(2);
      return isMap(m) && Object.hasOwn(m, str(k, 1));
    }
    case 'fromJson': {
      const text = str(arity(1)[0], 0);
      try {
        return JSON.parse(text) as Value;
      } catch {
        // external-dns ignores the error and yields nil
        return null;
      }
    }
  }
  throw new TemplateError(`function "${name}" not defined`);
}

function evalCmd(cmd: Cmd, dot: Value, s: Scope, piped: { v: Value } | undefined): Value {
  const head = cmd[0];
  if (head.t === 'fn') return call(head.name, cmd.slice(1), dot, s, piped);
  if (piped) throw new TemplateError(`can't give an argument to a non-function`);
  return evalTerm(head, dot, s);
}

function evalPipe(p: Pipe, dot: Value, s: Scope, declare: boolean): Value {
  let piped: { v: Value } | undefined;
  for (const c of p.cmds) piped = { v: evalCmd(c, dot, s, piped) };
  const v = piped!.v;
  if (p.decl && declare && p.decl.vars.length === 1) setVar(s, p.decl.vars[0], v, p.decl.assign);
  return v;
}

function setVar(s: Scope, name: string, v: Value, assign: boolean): void {
  if (!assign) {
    s.vars[s.vars.length - 1].set(name, v);
    return;
  }
  for (let i = s.vars.length - 1; i >= 0; i--)
    if (s.vars[i].has(name)) {
      s.vars[i].set(name, v);
      return;
    }
  throw new TemplateError(`undefined variable "${name}"`);
}

function run(nodes: Node[], dot: Value, s: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out.push(n.s);
        break;
      case 'out': {
        const v = evalPipe(n.pipe, dot, s, true);
        if (!n.pipe.decl) out.push(show(v));
        break;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
      case 'if':
      case 'with': {
        s.vars.push(new Map());
        try {
          const v = evalPipe(n.pipe, dot, s, true);
          if (truth(v)) run(n.body, n.t === 'with' ? v : dot, s, out);
          else if (n.else) run(n.else, dot, s, out);
        } finally {
          s.vars.pop();
        }
        break;
      }
      case 'range': {
        s.vars.push(new Map());
        try {
          const v = evalPipe(n.pipe, dot, s, false);
          let entries: [Value, Value][];
          if (Array.isArray(v)) entries = v.map((e, i) => [i, e]);
          else if (isMap(v))
            entries = Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]);
          else if (typeof v === 'number' && Number.isInteger(v))
            entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
          else if (v === MISSING || v === null || v === undefined) entries = [];
          else throw new TemplateError(`range can't iterate over ${show(v)}`);
          if (entries.length === 0) {
            if (n.else) run(n.else, dot, s, out);
            break;
          }
          for (const [k, e] of entries) {
            const vars = n.pipe.decl?.vars ?? [];
            if (vars.length === 1) s.vars[s.vars.length - 1].set(vars[0], e);
            if (vars.length === 2) {
              s.vars[s.vars.length - 1].set(vars[0], k);
              s.vars[s.vars.length - 1].set(vars[1], e);
            }
            try {
              run(n.body, e, s, out);
            } catch (x) {
              if (x instanceof Break) break;
              if (!(x instanceof Continue)) throw x;
            }
          }
        } finally {
          s.vars.pop();
        }
        break;
      }
    }
  }
}

/** Parsed --fqdn-template values, ready to run over objects. */
export class FqdnTemplate {
  private constructor(
    /** The templates as joined (external-dns joins the flag values with ","). */
    readonly text: string,
    private readonly nodes: Node[],
  ) {}

  /**
   * Parses the flag's values: blanks and duplicates are dropped, each value is checked alone (an
   * error names its index), then they are joined with ",". undefined when nothing is left.
   */
  static parse(values: readonly string[]): FqdnTemplate | undefined {
    const kept: string[] = [];
    values.forEach((v, i) => {
      if (v.trim() === '' || kept.includes(v)) return;
      try {
        new Parser(lex(v)).parse();
      } catch (e) {
        throw new TemplateError(`value [${i}] ${JSON.stringify(v)}: ${(e as Error).message}`);
      }
      kept.push(v);
    });
    if (kept.length === 0) return undefined;
    const text = kept.join(',');
    return new FqdnTemplate(text, new Parser(lex(text)).parse());
  }

  /** The names the templates give an object read by `source`; throws TemplateError when it fails on it. */
  names(obj: KubeObject, source: string): string[] {
    const data = templateData(obj);
    const out: string[] = [];
    try {
      run(this.nodes, data, { vars: [new Map([['$', data]])], source }, out);
    } catch (e) {
      if (e instanceof Break || e instanceof Continue)
        throw new TemplateError('break or continue outside range');
      throw e;
    }
    const names = new Set<string>();
    for (let n of out.join('').split(',')) {
      n = n.trim();
      if (n.endsWith('.')) n = n.slice(0, -1);
      if (n) names.add(n);
    }
    return [...names].sort();
  }
}
