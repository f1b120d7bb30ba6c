/**
 * Reads Kubernetes manifests as `kubectl apply -f` would: files or directories (recursively:
 * .yaml, .yml, .json), `-` for standard input, multi-document YAML, and List objects. Malformed
 * input is an InputError naming the file, and the line and column of the error itself; nothing is
 * dropped silently.
 *
 * Streaming: a file is read in chunks and cut into its YAML documents at their `---`/`...` marker
 * lines (YAML 1.2 §9.1: a marker at the start of a line always ends the document, even inside a
 * block or quoted scalar, so the cut is exactly the parser's), and each document is parsed alone.
 * Memory is the largest document, not the file (the whole-file parse held ≈ 48× the input: a YAML
 * syntax tree for every document at once). Every object keeps the file and line it came from.
 * Plain block documents are read by a fast reader (core/simple-yaml.ts) giving the same value;
 * anything else, and every error, by `yaml`.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { extname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import YAML, { LineCounter, isSeq, type Document } from 'yaml';
import { InputError } from './errors.js';
import { isRecord, type KubeObject } from './model/objects.js';
import { parseSimpleDocument } from './simple-yaml.js';

/** Where an object was read from: file as given (`<stdin>` for `-`), 1-based line of its document (or List item). */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface LoadedObject extends SourceLocation {
  obj: KubeObject;
}

/** The name `-` reads standard input; messages call it this. */
export const STDIN_NAME = '<stdin>';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/**
 * 64 KiB: a chunk's text stays below V8's large-object size (≈ 128 KB), so it is freed by the
 * young-generation collections; 1 MiB chunks were each a large object kept until a full
 * collection (48 MB of them at the peak of a 66 MB input, plus as much in read buffers).
 */
const CHUNK_BYTES = 1 << 16;

export function listManifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
    if (top && p === '-') {
      out.push('-');
      return;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new InputError(
        `${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { file: p },
      );
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        if (entry.startsWith('.')) continue;
        walk(join(p, entry), false);
      }
    } else if (top || EXTENSIONS.has(extname(p).toLowerCase())) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** The text of one YAML document and the 1-based line of the file it starts on. */
interface DocumentText {
  text: string;
  line: number;
}

const START_MARKER = /^---(?:[ \t\r\n]|$)/;
const END_MARKER = /^\.\.\.(?:[ \t\r\n]|$)/;
/** Lines that are not document content: blank, comment, directive (`%YAML`, before a `---`). */
const NOT_CONTENT = /^(?:[ \t\r]*(?:#.*)?|%.*)$/;

/**
 * Cuts a YAML stream, fed in chunks of text, into documents. Comments and directives before a
 * `---` stay with the document that marker starts, so lines and directives keep their meaning.
 */
export class DocumentSplitter {
  private partial = '';
  private lines: string[] = [];
  private startLine = 1;
  private lineNo = 0;
  private hasContent = false;

  /** Feeds text; returns the documents it completed. */
  push(chunk: string): DocumentText[] {
    const done: DocumentText[] = [];
    let text = this.partial + chunk;
    let nl: number;
    let from = 0;
    while ((nl = text.indexOf('\n', from)) !== -1) {
      this.line(text.slice(from, nl + 1), done);
      from = nl + 1;
    }
    this.partial = text.slice(from);
    text = '';
    return done;
  }

  /** The end of the stream: the last document, if it has anything. */
  end(): DocumentText[] {
    const done: DocumentText[] = [];
    if (this.partial) this.line(this.partial, done);
    this.partial = '';
    this.flush(done);
    return done;
  }

  private line(line: string, done: DocumentText[]): void {
    this.lineNo++;
    if (START_MARKER.test(line)) {
      if (this.hasContent) this.flush(done);
      this.add(line);
      this.hasContent = true;
    } else if (END_MARKER.test(line)) {
      this.add(line);
      this.flush(done);
    } else {
      this.add(line);
      if (!this.hasContent && !NOT_CONTENT.test(line.endsWith('\n') ? line.slice(0, -1) : line))
        this.hasContent = true;
    }
  }

  private add(line: string): void {
    if (this.lines.length === 0) this.startLine = this.lineNo;
    this.lines.push(line);
  }

  private flush(done: DocumentText[]): void {
    if (this.lines.length && this.hasContent) done.push({ text: this.lines.join(''), line: this.startLine });
    this.lines = [];
    this.hasContent = false;
  }
}

/**
 * Parses one document's text (starting at `line` of `file`) into the objects it holds: by the fast
 * reader when the document is plain block YAML (core/simple-yaml.ts, the same value ≈ 20× cheaper),
 * else by `yaml`, which also locates every error.
 */
function parseDocumentText(doc: DocumentText, file: string, out: LoadedObject[]): void {
  const simple = parseSimpleDocument(doc.text);
  if (simple) return pushObject(simple.value, file, doc.line + simple.line, out);
  const lineCounter = new LineCounter();
  const docs = YAML.parseAllDocuments(doc.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: doc.line + p.line - 1, col: p.col };
  };
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    const startLine = d.contents?.range ? at(d.contents.range[0]).line : doc.line;
    if (d.errors.length) {
      const err = d.errors[0];
      const { line, col } = at(err.pos[0]);
      // the parser recurses: a document nested thousands of levels deep exhausts the stack
      const what = /call stack/i.test(err.message)
        ? 'nested too deeply to read (thousands of levels)'
        : err.message.split('\n')[0];
      throw new InputError(`${file}:${line}:${col}: malformed YAML: ${what}`, { file, line, column: col });
    }
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // an alias to an anchor that does not exist, too many aliases (a "billion laughs" document)…
      throw new InputError(`${file}:${startLine}: malformed YAML: ${(e as Error).message.split('\n')[0]}`, {
        file,
        line: startLine,
      });
    }
    if (value === null || value === undefined) continue;
    pushObject(value, file, startLine, out, itemLines(d, at));
  }
}

/** The line of each item of a List document, so a List's objects are located one by one. */
function itemLines(d: Document, at: (offset: number) => { line: number }): number[] | undefined {
  const items = d.contents && YAML.isMap(d.contents) ? d.contents.get('items', true) : undefined;
  if (!isSeq(items)) return undefined;
  return items.items.map((n) => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return r ? at(r[0]).line : 0;
  });
}

function pushObject(value: unknown, file: string, line: number, out: LoadedObject[], lines?: number[]): void {
  if (!isRecord(value)) throw new InputError(`${file}:${line}: document is not an object`, { file, line });
  if (typeof value.kind !== 'string' || value.kind === '')
    throw new InputError(`${file}:${line}: object has no kind`, { file, line });
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '')
    throw new InputError(`${file}:${line}: ${value.kind} has no apiVersion`, { file, line });
  if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
    if (!Array.isArray(value.items))
      throw new InputError(`${file}:${line}: List has no items`, { file, line });
    value.items.forEach((item, i) => pushObject(item, file, lines?.[i] || line, out));
    return;
  }
  const meta = value.metadata;
  if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') {
    throw new InputError(`${file}:${line}: ${value.kind} has no metadata.name`, {
      file,
      line,
      field: 'metadata.name',
    });
  }
  if (meta.annotations !== undefined && !isRecord(meta.annotations)) {
    throw new InputError(`${file}:${line}: ${value.kind} ${meta.name}: metadata.annotations must be a map`, {
      file,
      line,
      field: 'metadata.annotations',
    });
  }
  if (isRecord(meta.annotations)) {
    for (const [k, v] of Object.entries(meta.annotations)) {
      if (typeof v !== 'string')
        throw new InputError(
          `${file}:${line}: ${value.kind} ${meta.name}: annotation ${k} must be a string (quote it)`,
          { file, line, field: `metadata.annotations["${k}"]` },
        );
    }
  }
  out.push({ obj: value as KubeObject, file, line });
}

/** The objects of a manifest text (every document), as read from `file`. */
export function parseManifests(text: string, file: string): LoadedObject[] {
  const out: LoadedObject[] = [];
  const splitter = new DocumentSplitter();
  for (const doc of [...splitter.push(text), ...splitter.end()]) parseDocumentText(doc, file, out);
  return out;
}

function cannotRead(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError(`${file}: cannot read: ${code ?? (e as Error).message}`, { file });
}

/**
 * The objects of files, directories and `-` (standard input), one document at a time: memory holds
 * the document being read, not the file. Errors are InputErrors naming file and line.
 */
export async function* readManifests(
  paths: readonly string[],
  opts: { stdin?: AsyncIterable<string | Buffer> } = {},
): AsyncGenerator<LoadedObject> {
  for (const path of listManifestFiles(paths)) {
    const file = path === '-' ? STDIN_NAME : path;
    const input: AsyncIterable<string | Buffer> =
      path === '-' ? (opts.stdin ?? process.stdin) : createReadStream(path, { highWaterMark: CHUNK_BYTES });
    const decoder = new StringDecoder('utf8');
    const splitter = new DocumentSplitter();
    const out: LoadedObject[] = [];
    try {
      for await (const chunk of input) {
        for (const doc of splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk))) {
          parseDocumentText(doc, file, out);
          yield* out.splice(0);
        }
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw cannotRead(file, e);
    }
    for (const doc of splitter.push(decoder.end()).concat(splitter.end())) {
      parseDocumentText(doc, file, out);
      yield* out.splice(0);
    }
  }
}

/** The same, read synchronously (the reconciler's manifest source, doctor, tests). */
export function* readManifestsSync(paths: readonly string[]): Generator<LoadedObject> {
  for (const path of listManifestFiles(paths)) {
    const file = path === '-' ? STDIN_NAME : path;
    let fd: number;
    try {
      fd = path === '-' ? 0 : openSync(path, 'r');
    } catch (e) {
      throw cannotRead(file, e);
    }
    const decoder = new StringDecoder('utf8');
    const splitter = new DocumentSplitter();
    const buf = Buffer.alloc(CHUNK_BYTES);
    const out: LoadedObject[] = [];
    try {
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw cannotRead(file, e);
        }
        const docs =
          n === 0
            ? splitter.push(decoder.end()).concat(splitter.end())
            : splitter.push(decoder.write(buf.subarray(0, n)));
        for (const doc of docs) {
          parseDocumentText(doc, file, out);
          yield* out.splice(0);
        }
        if (n === 0) break;
      }
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  }
}

export function loadManifests(paths: readonly string[]): LoadedObject[] {
  return [...readManifestsSync(paths)];
}
