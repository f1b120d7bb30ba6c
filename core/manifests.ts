/**
 * Reads Kubernetes manifests as `kubectl apply -f` would: files or directories (recursively:
 * .yaml, .yml, .json), multi-document YAML, and List objects. Malformed input is an InputError
 * naming the file and line; nothing is dropped silently.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { InputError } from './errors.js';
import { isRecord, type KubeObject } from './model/objects.js';

export interface LoadedObject {
  obj: KubeObject;
  file: string;
  line: number;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export function listManifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
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

export function parseManifests(text: string, file: string): LoadedObject[] {
  const lineCounter = new LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const out: LoadedObject[] = [];
  const docList = Array.isArray(docs) ? docs : [docs];
  for (const doc of docList) {
    const startLine = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : 1;
    if (doc.errors.length) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line ?? startLine;
      // the parser recurses: a document nested thousands of levels deep exhausts the stack
      const what = /call stack/i.test(err.message)
        ? 'nested too deeply to read (thousands of levels)'
        : err.message.split('\n')[0];
      throw new InputError(`${file}:${line}: malformed YAML: ${what}`, { file, line });
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // an alias to an anchor that does not exist, too many aliases (a "billion laughs" document)…
      throw new InputError(`${file}:${startLine}: malformed YAML: ${(e as Error).message.split('\n')[0]}`, {
        file,
        line: startLine,
      });
    }
    if (value === null || value === undefined) continue;
    pushObject(value, file, startLine, out);
  }
  return out;
}

function pushObject(value: unknown, file: string, line: number, out: LoadedObject[]): void {
  if (!isRecord(value)) throw new InputError(`${file}:${line}: document is not an object`, { file, line });
  if (typeof value.kind !== 'string' || value.kind === '')
    throw new InputError(`${file}:${line}: object has no kind`, { file, line });
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '')
    throw new InputError(`${file}:${line}: ${value.kind} has no apiVersion`, { file, line });
  if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
    if (!Array.isArray(value.items))
      throw new InputError(`${file}:${line}: List has no items`, { file, line });
    for (const item of value.items) pushObject(item, file, line, out);
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

export function loadManifests(paths: readonly string[]): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const file of listManifestFiles(paths)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`${file}: cannot read: ${(e as Error).message}`, { file });
    }
    out.push(...parseManifests(text, file));
  }
  return out;
}
