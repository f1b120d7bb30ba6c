/**
 * `zoneguard validate --output json|sarif|junit|github`: what CI systems read, checked with their
 * own tools' rules — SARIF against the published OASIS schema (ajv), JUnit with an XML parser,
 * GitHub annotations in the workflow-command syntax — and every object result placed at its file
 * and line.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv, type AnySchemaObject } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { packageRoot } from './paths.js';

const root = packageRoot();
const examples = join(root, 'examples', 'manifests');
const bad = join(examples, 'bad.yaml');
const zone = `example.com=${join(root, 'examples', 'zones', 'example.com.zone')}`;
// paths in CI formats are relative to the working directory (the checkout), with '/'
const badRel = relative(process.cwd(), bad).split('\\').join('/');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function validate(output: string, files = [examples]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const args = ['validate', '-o', output, '--domain-filter', 'example.com', '--txt-owner-id', 'cluster-a'];
  for (const f of files) args.push('-f', f);
  args.push('--provider', 'inmemory', '--inmemory-zone-file', zone, '--public-zone', 'example.com');
  const code = await main(['node', 'zoneguard', ...args], { stdout, stderr, env: {} });
  return { code, out: stdout.text, err: stderr.text };
}

/** The 1-based line each object of a file starts on, by name: its document's first line that is not a comment. */
function documentLines(file: string): Map<string, number> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<string, number>();
  let start = 0;
  lines.forEach((l, i) => {
    if (l === '---') start = 0;
    else if (start === 0 && l.trim() !== '' && !l.startsWith('#')) start = i + 1;
    const m = /^ {2}name: (\S+)$/.exec(l);
    if (m && !out.has(m[1])) out.set(m[1], start);
  });
  return out;
}

interface JsonResult {
  kind: string;
  name: string;
  file: string;
  line: number;
  allowed: boolean;
  violations: { rule: string }[];
  warnings: string[];
}

describe('validate --output json', () => {
  it('places every object at its file and line, and sums violations per rule', async () => {
    const r = await validate('json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      results: JsonResult[];
      summary: { objects: number; denied: number; violationsByRule: Record<string, number> };
    };
    const starts = documentLines(bad);
    for (const x of doc.results) {
      expect(x.file, x.name).toMatch(/examples\/manifests\/(bad|good)\.yaml$/);
      expect(x.line, x.name).toBeGreaterThan(0);
      if (x.file === bad) expect([x.name, x.line]).toEqual([x.name, starts.get(x.name)]);
    }
    // the first object of bad.yaml starts after its comment lines
    expect(doc.results.find((x) => x.name === 'outside')).toMatchObject({ file: bad, line: 3 });
    expect(doc.results.find((x) => x.name === 'shop')).toMatchObject({ file: bad, line: starts.get('shop') });
    const byRule: Record<string, number> = {};
    for (const x of doc.results) for (const v of x.violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(doc.summary.violationsByRule).filter(([, n]) => n > 0))).toEqual(
      byRule,
    );
    expect(byRule['domain-filter']).toBe(1);
    expect(byRule.ownership).toBeGreaterThan(0);
    expect(doc.summary.objects).toBe(doc.results.length);
    expect(doc.summary.denied).toBe(doc.results.filter((x) => !x.allowed).length);
  });
});

describe('validate --output sarif', () => {
  // The published schema is draft-04; ajv 8 reads draft-06+. The keywords the schema uses (type,
  // properties, items, enum, minimum, pattern, format, oneOf, anyOf, additionalProperties) mean
  // the same in both drafts; only the root's `id` is spelled `$id` since draft-06.
  const schema = JSON.parse(
    readFileSync(join(root, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
  ) as AnySchemaObject;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const check = ajv.compile({ ...rest, $id: id as string });

  it('is valid SARIF 2.1.0 with a location (file, line, object) on every result', async () => {
    const r = await validate('sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out) as Log;
    expect(check(log), ajv.errorsText(check.errors)).toBe(true);
    const run = log.runs[0];
    const ids = run.tool.driver.rules!.map((x) => x.id);
    const starts = documentLines(bad);
    expect(run.results!.length).toBeGreaterThan(5);
    for (const res of run.results!) {
      expect(ids[res.ruleIndex!]).toBe(res.ruleId);
      const loc = res.locations![0];
      const uri = loc.physicalLocation!.artifactLocation!.uri!;
      expect(uri).toMatch(/^examples\/manifests\/(bad|good)\.yaml$/);
      const name = loc.logicalLocations![0].fullyQualifiedName!.split('/')[2];
      if (uri === badRel) expect(loc.physicalLocation!.region!.startLine).toBe(starts.get(name));
    }
    const outside = run.results!.find((x) => x.ruleId === 'domain-filter')!;
    expect(outside.level).toBe('error');
    expect(outside.message.text).toContain('app.example.org: domain-filter: not in [example.com]');
  });

  it('still validates when nothing is denied (empty results)', async () => {
    const r = await validate('sarif', [join(root, 'cli', 'fixtures', 'list.json')]);
    const log = JSON.parse(r.out) as Log;
    expect(check(log), ajv.errorsText(check.errors)).toBe(true);
    expect(r.code).toBe(0);
  });
});

describe('validate --output junit', () => {
  it('is well-formed JUnit XML: a testsuite per file, a testcase per object, a failure per denied object', async () => {
    const r = await validate('junit');
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.out)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => ['testsuite', 'testcase'].includes(n),
    }).parse(r.out) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: {
          name: string;
          tests: string;
          failures: string;
          testcase: {
            name: string;
            file: string;
            line: string;
            failure?: { type: string; message: string; '#text': string };
          }[];
        }[];
      };
    };
    const json = JSON.parse((await validate('json')).out) as { results: JsonResult[] };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name).sort()).toEqual([badRel, badRel.replace('bad.yaml', 'good.yaml')]);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(json.results.length);
    expect(Number(doc.testsuites.tests)).toBe(json.results.length);
    const failed = cases.filter((c) => c.failure);
    expect(failed).toHaveLength(json.results.filter((x) => !x.allowed).length);
    expect(Number(doc.testsuites.failures)).toBe(failed.length);
    const outside = cases.find((c) => c.name === 'Ingress default/outside')!;
    expect(outside.file).toBe(badRel);
    expect(Number(outside.line)).toBe(documentLines(bad).get('outside'));
    expect(outside.failure!.type).toBe('domain-filter');
    expect(outside.failure!['#text']).toContain('(fix: ');
  });
});

describe('validate --output github', () => {
  it('prints one workflow annotation per violation at its file and line, then the summary', async () => {
    const r = await validate('github');
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    const errors = lines.filter((l) => l.startsWith('::error '));
    const json = JSON.parse((await validate('json')).out) as { results: JsonResult[] };
    expect(errors).toHaveLength(json.results.reduce((n, x) => n + x.violations.length, 0));
    const starts = documentLines(bad);
    expect(errors).toContain(
      `::error file=${badRel},line=${starts.get('outside')},title=zoneguard domain-filter::Ingress default/outside: app.example.org: domain-filter: not in [example.com] (fix: use a hostname under [example.com], or have the allowed domains (--domain-filter) extended)`,
    );
    for (const l of lines.filter((x) => x.startsWith('::')))
      expect(l).toMatch(/^::(error|warning) (file=[^,:]+,line=\d+,)?title=[^:,]+::\S/);
    expect(lines[lines.length - 1]).toMatch(
      /^\d+ object\(s\): \d+ allowed, \d+ denied; violations by rule: domain-filter 1, ownership \d+/,
    );
  });
});

describe('--output formats outside validate', () => {
  it.each(['plan', 'doctor'])('%s refuses sarif naming --output', async (command) => {
    const stdout = new Sink();
    const stderr = new Sink();
    const args =
      command === 'plan'
        ? ['plan', '-f', examples, '--provider', 'inmemory', '-o', 'sarif']
        : ['doctor', 'app.example.com', '-o', 'sarif'];
    const code = await main(['node', 'zoneguard', ...args], { stdout, stderr, env: {} });
    expect(code).toBe(2);
    expect(stderr.text).toMatch(/--output: .* text or json/);
  });
});
