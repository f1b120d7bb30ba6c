/**
 * RFC 1035 master-file reader for the formats users export: `dig AXFR` output and plain zone files
 * ($ORIGIN, $TTL, '@', relative names, blank owner = previous owner, parentheses over several lines,
 * ';' comments, quoted TXT character-strings). Returns records of every type; the caller keeps the
 * ones it models. Errors name the file and line.
 */
import { InputError } from '../../errors.js';
import { normalizeDnsName } from '../../model/endpoint.js';

export interface ZoneFileRecord {
  name: string;
  ttl: number;
  type: string;
  /** rdata fields; for TXT, the character-strings joined. */
  data: string;
  line: number;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'ANY']);

/** Splits a line into tokens, honouring quotes and backslash escapes; drops comments. */
function tokenize(line: string): { tokens: string[]; quoted: boolean[]; open: number } {
  const tokens: string[] = [];
  const quoted: boolean[] = [];
  let open = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ';') break;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(') {
      open++;
      i++;
      continue;
    }
    if (c === ')') {
      open--;
      i++;
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          const m = /^\d{3}/.exec(line.slice(i + 1, i + 4));
          if (m) {
            s += String.fromCharCode(Number(m[0]));
            i += 4;
            continue;
          }
          s += line[i + 1];
          i += 2;
          continue;
        }
        s += line[i++];
      }
      if (i >= line.length) throw new Error('unterminated quoted string');
      i++;
      tokens.push(s);
      quoted.push(true);
      continue;
    }
    let s = '';
    while (i < line.length && !' \t\r;()"'.includes(line[i])) s += line[i++];
    tokens.push(s);
    quoted.push(false);
  }
  return { tokens, quoted, open };
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return normalizeDnsName(name);
  return normalizeDnsName(origin ? `${name}.${origin}` : name);
}

export function parseZoneFile(text: string, opts: { origin: string; file?: string }): ZoneFileRecord[] {
  const where = (line: number) => `${opts.file ?? 'zone file'}:${line}`;
  let origin = normalizeDnsName(opts.origin);
  let defaultTtl = 3600;
  let lastName = origin;
  const out: ZoneFileRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    const raw = lines[i];
    let tk: ReturnType<typeof tokenize>;
    try {
      // parentheses continue a record over lines; each line's comment ends at its own end
      tk = tokenize(raw);
      let depth = tk.open;
      while (depth > 0 && i + 1 < lines.length) {
        i++;
        const more = tokenize(lines[i]);
        tk = {
          tokens: [...tk.tokens, ...more.tokens],
          quoted: [...tk.quoted, ...more.quoted],
          open: depth + more.open,
        };
        depth = tk.open;
      }
      if (depth !== 0) throw new Error('unbalanced parentheses');
    } catch (e) {
      throw new InputError(`${where(startLine)}: ${(e as Error).message}`, {
        file: opts.file,
        line: startLine,
      });
    }
    const { tokens, quoted } = tk;
    if (tokens.length === 0) continue;
    if (tokens[0] === '$ORIGIN') {
      if (!tokens[1])
        throw new InputError(`${where(startLine)}: $ORIGIN needs a name`, {
          file: opts.file,
          line: startLine,
        });
      origin = absolute(tokens[1], origin);
      continue;
    }
    if (tokens[0] === '$TTL') {
      const n = Number(tokens[1]);
      if (!Number.isInteger(n) || n < 0)
        throw new InputError(`${where(startLine)}: bad $TTL "${tokens[1]}"`, {
          file: opts.file,
          line: startLine,
        });
      defaultTtl = n;
      continue;
    }
    if (tokens[0].startsWith('$')) continue; // $INCLUDE and friends are not followed
    const ownerGiven = !/^[ \t]/.test(raw);
    let idx = 0;
    let name = lastName;
    if (ownerGiven) {
      name = absolute(tokens[0], origin);
      idx = 1;
    }
    let ttl = defaultTtl;
    let type: string | undefined;
    // [ttl] [class] type  or  [class] [ttl] type
    for (let k = 0; k < 3 && idx < tokens.length; k++) {
      const t = tokens[idx];
      if (!quoted[idx] && /^\d+$/.test(t)) {
        ttl = Number(t);
        idx++;
      } else if (!quoted[idx] && CLASSES.has(t.toUpperCase())) {
        idx++;
      } else {
        type = t.toUpperCase();
        idx++;
        break;
      }
    }
    if (!type || !/^[A-Z0-9]+$/.test(type)) {
      throw new InputError(`${where(startLine)}: cannot read a record type`, {
        file: opts.file,
        line: startLine,
      });
    }
    const rdata = tokens.slice(idx);
    if (rdata.length === 0)
      throw new InputError(`${where(startLine)}: ${type} record has no data`, {
        file: opts.file,
        line: startLine,
      });
    lastName = name;
    let data: string;
    if (type === 'TXT' || type === 'SPF') data = rdata.join('');
    else if (type === 'CNAME' || type === 'NS' || type === 'PTR') data = absolute(rdata[0], origin);
    else data = rdata.join(' ');
    out.push({ name, ttl, type, data, line: startLine });
  }
  return out;
}
