/**
 * The fast reader (core/simple-yaml.ts) answers exactly what `yaml` answers, or leaves the document
 * to `yaml`: checked on generated manifests, on their mutations (one edit of a YAML-significant
 * character), on a table of scalars the two YAML versions and the schemas disagree about, and on
 * every YAML file of this repository.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML, { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DocumentSplitter } from './manifests.js';
import { parseSimpleDocument } from './simple-yaml.js';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

/** What the full reader gives for one document: its value and the 0-based line its content starts on. */
function viaYaml(text: string): { value: unknown; line: number } | 'error' {
  const lineCounter = new LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length !== 1 || list[0].errors.length) return 'error';
  try {
    const value = list[0].toJS({ maxAliasCount: 100 });
    const start = list[0].contents?.range?.[0] ?? 0;
    return { value, line: lineCounter.linePos(start).line - 1 };
  } catch {
    return 'error';
  }
}

/** The property: where the fast reader answers, `yaml` reads the document without error, to the same value and line. */
function agrees(text: string): boolean {
  const fast = parseSimpleDocument(text);
  if (!fast) return false;
  const full = viaYaml(text);
  if (full === 'error') throw new Error(`fast reader accepted what yaml rejects:\n${text}`);
  const why =
    difference(fast.value, full.value, '') ??
    (fast.line === full.line ? undefined : `line ${fast.line} vs ${full.line}`);
  if (why) throw new Error(`fast reader differs from yaml on:\n${text}\n${why}`);
  return true;
}

/** Where two plain values differ: primitives by Object.is (-0, NaN), objects by prototype and own keys in order. */
function difference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null)
    return Object.is(a, b) ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: prototypes differ`;
  const ka = Object.getOwnPropertyNames(a);
  const kb = Object.getOwnPropertyNames(b);
  if (ka.join('\0') !== kb.join('\0')) return `${at}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

// scalars and keys where YAML 1.1/1.2, the core schema, quoting and indicators matter
const SCALARS = [
  'a',
  'app-1.example.com',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'true',
  'True',
  'TRUE',
  'tRue',
  'false',
  'FALSE',
  'null',
  'Null',
  'NULL',
  'nULL',
  '~',
  '~a',
  '0',
  '010',
  '0o17',
  '0o8',
  '0x1F',
  '0xg',
  '0X1F',
  '+1',
  '-1',
  '-0',
  '+0',
  '1.0',
  '1.',
  '.5',
  '-.5',
  '1e3',
  '1E-3',
  '1e400',
  '.1e2',
  '+.inf',
  '-.Inf',
  '.INF',
  '.NaN',
  '.nan',
  '+.nan',
  '1_000',
  '0b101',
  '12:30',
  '2024-01-01',
  '12345678901234567890',
  'a b',
  'a  b',
  'a #b',
  'a#b',
  'a: b',
  'a:b',
  'a:',
  'a :b',
  '-a',
  '- a',
  '-',
  '?a',
  '? a',
  ':a',
  ': a',
  '*a',
  '&a',
  '!a',
  '!!str a',
  '%a',
  '@a',
  '`a',
  '|',
  '>',
  '|-',
  'a|',
  '[a]',
  '{a: 1}',
  '{}',
  '[]',
  'a,b',
  'a]',
  'a}',
  ',a',
  ']a',
  '"q"',
  "'q'",
  '"a\\"b"',
  '"\\x41\\u00e9\\U0001F600"',
  '"\\ud800"',
  '"\\q"',
  '"\\/\\0\\a\\e\\N\\_\\L\\P\\ "',
  '"a',
  "'it''s'",
  "'a''",
  "it's",
  'a"b',
  'http://x:80/y',
  '*.example.com',
  '"*.example.com"',
  "'*.example.com'",
  'a\u00a0',
  '\u00a0a',
  'é',
  '<<',
  '=',
  'a\\b',
  '[a, b]',
  '[a,b]',
  '[ a , "b" ]',
  '[a,]',
  '[a b]',
  '[1, true, null, 0x1F, ~]',
  '[-1, .5]',
  '[\'x\', "y"]',
  '[]  # c',
  '{} x',
  '{ }',
  '"x" # c',
  '"x"#c',
  "'x' y",
  '"x" y',
  'a # c',
  '#c',
  '',
  '  ',
  'x  ',
  '"trailing" ',
  '[a] ]',
];
const KEYS = [
  'a',
  'b',
  'name',
  'app.kubernetes.io/name',
  'a-b',
  '_x',
  'x_1',
  '1',
  '80',
  'true',
  'null',
  'Null',
  '~',
  '0x1',
  'yes',
  'on',
  'y',
  '__proto__',
  'constructor',
  'toString',
  'a b',
  '"q"',
  "'q'",
  '? a',
  '-a',
  'a:b',
  '<<',
  '.a',
  'a.',
  'é',
  'k8s.io/x-y_z',
];
const MUTATION_CHARS = [
  ' ',
  '\n',
  ':',
  '-',
  '#',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '\\',
  '|',
  '>',
  '&',
  '*',
  '!',
  '\t',
  '\r',
  'a',
  '0',
  '.',
  '?',
  '%',
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\x85',
];

/** A small deterministic generator of manifest-like documents (seeded, so a failure names its seed). */
function generate(seed: number): string {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const lines: string[] = [];
  const extras = () => {
    if (rnd() < 0.08) lines.push(' '.repeat(Math.floor(rnd() * 6)) + '# comment');
    if (rnd() < 0.05) lines.push(rnd() < 0.5 ? '' : '   ');
  };
  const key = () =>
    rnd() < 0.85
      ? pick(['name', 'kind', 'spec', 'host', 'port', 'labels', 'a', 'b', 'c', 'x-y', 'k8s.io/z'])
      : pick(KEYS);
  const scalar = () =>
    rnd() < 0.5
      ? pick(['v', 'app.example.com', '80', '"300"', "'q'", 'true', '[a, b]', '{}', '[]'])
      : pick(SCALARS);
  const step = () => (rnd() < 0.85 ? 2 : pick([0, 1, 3, 4]));
  const mapAt = (indent: number, depth: number, prefix?: string) => {
    const n = 1 + Math.floor(rnd() * 4);
    const used = new Set<string>();
    for (let k = 0; k < n; k++) {
      let name = key();
      if (used.has(name) && rnd() < 0.9) name += String(k);
      used.add(name);
      const lead = k === 0 && prefix !== undefined ? prefix : ' '.repeat(indent);
      const r = rnd();
      if (depth < 4 && r < 0.3) {
        lines.push(`${lead}${name}:${rnd() < 0.1 ? ' # c' : ''}`);
        extras();
        mapAt(indent + step(), depth + 1);
      } else if (depth < 4 && r < 0.5) {
        lines.push(`${lead}${name}:`);
        extras();
        seqAt(indent + (rnd() < 0.4 ? 0 : step()), depth + 1);
      } else if (r < 0.53) {
        lines.push(`${lead}${name}:`);
      } else {
        lines.push(`${lead}${name}: ${scalar()}${rnd() < 0.1 ? ' # c' : ''}`);
      }
      extras();
    }
  };
  const seqAt = (indent: number, depth: number) => {
    const n = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      const dash = ' '.repeat(indent) + (rnd() < 0.9 ? '- ' : '-   ');
      if (depth < 4 && r < 0.45) mapAt(indent + (dash.length - indent), depth + 1, dash);
      else if (depth < 4 && r < 0.55) {
        lines.push(dash.trimEnd());
        mapAt(indent + step(), depth + 1);
      } else lines.push(`${dash}${scalar()}`);
      extras();
    }
  };
  if (rnd() < 0.3) lines.push(pick(['---', '--- # doc', '# head', '---x', '--- a: 1', '%YAML 1.2\n---']));
  mapAt(rnd() < 0.95 ? 0 : 2, 0);
  let text = lines.join('\n') + (rnd() < 0.9 ? '\n' : '');
  if (rnd() < 0.5) {
    // one edit of a YAML-significant character
    const at = Math.floor(rnd() * (text.length + 1));
    const op = rnd();
    const c = pick(MUTATION_CHARS);
    text =
      op < 0.4
        ? text.slice(0, at) + c + text.slice(at)
        : op < 0.7
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + c + text.slice(at + 1);
  }
  return text;
}

describe('simple-yaml: the same value as yaml, or none', () => {
  it('scalars as mapping values, sequence items and keys', () => {
    let accepted = 0;
    for (const v of SCALARS) {
      for (const text of [
        `a: ${v}\n`,
        `a:\n  - ${v}\n`,
        `- ${v}\n`,
        `${v}: 1\n`,
        `a: [${v}]\n`,
        `a: x\nb: ${v}\n`,
      ])
        if (agrees(text)) accepted++;
    }
    for (const k of KEYS) if (agrees(`${k}: 1\nz: 2\n`)) accepted++;
    expect(accepted).toBeGreaterThan(100); // the subset is not empty
  });

  it('generated and mutated manifests', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        if (agrees(generate(seed))) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('the benchmark Ingress, a kubectl-style Deployment and every YAML document in this repository', () => {
    const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-1
  namespace: team-1
  labels:
    app.kubernetes.io/name: app-1
  annotations:
    external-dns.kubernetes.io/ttl: "300"
    kubectl.kubernetes.io/last-applied-configuration: "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Ingress\\"}\\n"
spec:
  ingressClassName: nginx
  tls:
    - hosts: [app-1.example.com]
      secretName: app-1-tls
  rules:
  - host: app-1.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app-1
            port:
              number: 80
status:
  loadBalancer:
    ingress:
      - ip: 203.0.113.1
`;
    expect(agrees(ingress)).toBe(true);
    expect(agrees(`# leading comment\n---\n${ingress}`)).toBe(true);

    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        if (e.startsWith('.') || e === 'node_modules' || e === 'dist') continue;
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e)) files.push(p);
      }
    };
    walk(ROOT);
    let docs = 0;
    for (const f of files) {
      const splitter = new DocumentSplitter();
      for (const d of [...splitter.push(readFileSync(f, 'utf8')), ...splitter.end()]) {
        docs++;
        agrees(d.text);
      }
    }
    expect(docs).toBeGreaterThan(100);
  });
});
