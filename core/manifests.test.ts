/** The manifest reader: whatever the text, it yields objects or an InputError naming file and line. */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { extract } from './hostnames/index.js';
import { DocumentSplitter, parseManifests, readManifests } from './manifests.js';
import { validateObjects } from './evaluate.js';
import { DomainFilter } from './domain-filter.js';

const ctx = {
  ownerId: 'cluster-a',
  domainFilter: new DomainFilter({ filters: ['example.com'] }),
  managedRecordTypes: ['A', 'AAAA', 'CNAME'],
};
const SEED = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: default
  annotations:
    external-dns.kubernetes.io/ttl: "300"
spec:
  rules:
    - host: app.example.com
  tls:
    - hosts: [secure.example.com]
status:
  loadBalancer:
    ingress: [{ ip: 203.0.113.7 }]
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: { name: ep }
spec:
  endpoints:
    - { dnsName: ep.example.com, recordType: A, targets: [203.0.113.9], recordTTL: 60 }
`;

/** Reads `text` as validate does; anything thrown but an InputError fails the property. */
function readAndValidate(text: string): void {
  let objs;
  try {
    objs = parseManifests(text, 'fuzz.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^fuzz\.yaml(:\d+(:\d+)?)?: /);
    return;
  }
  for (const o of objs) extract(o.obj);
  validateObjects(
    objs.map((o) => o.obj),
    ctx,
    { ingressClasses: [], defaultTargets: [] },
  );
}

describe('manifests: never a crash, whatever the text', () => {
  it('random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => readAndValidate(s)),
      { numRuns: 2000 },
    );
  });

  it('a real manifest with characters cut, repeated or replaced', () => {
    const edit = fc.record({
      at: fc.nat(SEED.length),
      cut: fc.nat(40),
      insert: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(
          '[',
          '{',
          ': ',
          '\n  - ',
          '*a',
          '&a ',
          '!!int ',
          '"',
          "'",
          '\t',
          '---\n',
          ' 5',
          ' null',
          ' []',
          ' {}',
        ),
      ),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = SEED;
        for (const e of edits)
          text =
            text.slice(0, e.at % (text.length + 1)) +
            e.insert +
            text.slice((e.at % (text.length + 1)) + e.cut);
        readAndValidate(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('manifests: read one document at a time, as the whole text parses', () => {
  /** The objects and lines of `text` read through the streaming reader, fed in chunks of `size` characters. */
  async function streamed(text: string, size: number) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const out = [];
    for await (const o of readManifests(['-'], { stdin: Readable.from(chunks) })) out.push(o);
    return out;
  }
  const wholeText = (text: string) =>
    YAML.parseAllDocuments(text, { uniqueKeys: true })
      .map((d) => d.toJS({ maxAliasCount: 100 }) as unknown)
      .filter((v) => v !== null && v !== undefined);

  it('cuts the text at its markers: each document is parsed alone (memory: one document)', () => {
    const splitter = new DocumentSplitter();
    const text = '# c\n---\na: 1\n---\r\nb: 2\n--- {c: 3}\n...\n%YAML 1.2\n---\nd: |\n  ---x\n---\n';
    const docs = [...splitter.push(text.slice(0, 9)), ...splitter.push(text.slice(9)), ...splitter.end()];
    expect(docs).toEqual([
      { text: '# c\n---\na: 1\n', line: 1 },
      { text: '---\r\nb: 2\n', line: 4 },
      { text: '--- {c: 3}\n...\n', line: 6 },
      { text: '%YAML 1.2\n---\nd: |\n  ---x\n', line: 8 },
      { text: '---\n', line: 12 },
    ]);
  });

  const cases: { name: string; text: string; lines: number[] }[] = [
    {
      name: 'one document, no marker',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n',
      lines: [1],
    },
    {
      name: 'comments and a directive before a marker stay with its document',
      text: '# header\n%YAML 1.2\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n# between\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n',
      lines: [4, 9],
    },
    {
      name: 'content on the marker line, an end marker, empty documents',
      text: '--- {apiVersion: v1, kind: Service, metadata: {name: a}}\n...\n---\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n',
      lines: [1, 5],
    },
    {
      name: 'CRLF line ends',
      text: 'apiVersion: v1\r\nkind: Service\r\nmetadata: {name: a}\r\n---\r\napiVersion: v1\r\nkind: Service\r\nmetadata: {name: b}\r\n',
      lines: [1, 5],
    },
    {
      name: 'a block scalar with dashes inside, not at the start of a line',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: |\n    ---\n    y\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n',
      lines: [1, 9],
    },
    {
      name: 'a List: each item at its own line',
      text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: b}\n',
      lines: [4, 7],
    },
    { name: 'no newline at the end', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}', lines: [1] },
    {
      name: 'a byte order mark',
      text: '\uFEFFapiVersion: v1\nkind: Service\nmetadata: {name: a}\n',
      lines: [1],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      for (const size of [1, 7, 1 << 20]) {
        const got = await streamed(c.text, size);
        expect(got.map((o) => o.line)).toEqual(c.lines);
        expect(got.every((o) => o.file === '<stdin>')).toBe(true);
      }
      const whole = wholeText(c.text).flatMap((v) =>
        (v as { kind: string; items?: unknown[] }).kind === 'List' ? (v as { items: unknown[] }).items : [v],
      );
      expect(parseManifests(c.text, 'x.yaml').map((o) => o.obj)).toEqual(whole);
    });

  it('whatever the text, the same objects as the whole text parsed at once, in any chunks', async () => {
    const doc = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      pre: fc.constantFrom('', '# c\n', '\n', '%YAML 1.2\n'),
      marker: fc.constantFrom('---\n', '--- \n', '---\r\n'),
      end: fc.constantFrom('', '...\n'),
      body: fc.constantFrom('', '  note: |\n    --- not a marker\n', '  list: [a, b]\n', '  q: "x\n    y"\n'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 40 }),
        async (docs, size) => {
          const text = docs
            .map(
              (d) =>
                `${d.pre}${d.marker}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${d.name}\ndata:\n${d.body || '  k: v\n'}${d.end}`,
            )
            .join('');
          let whole: unknown[] | undefined;
          try {
            whole = wholeText(text);
          } catch {
            whole = undefined;
          }
          let got: unknown[] | undefined;
          try {
            got = (await streamed(text, size)).map((o) => o.obj);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            got = undefined;
          }
          if (whole && YAML.parseAllDocuments(text).every((d) => d.errors.length === 0))
            expect(got).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });
});
