/**
 * A small Dockerfile reader: enough of the syntax (comments, parser directives, line
 * continuations, exec and shell forms, ARG defaults, FROM ... AS) to check the image's shape
 * where no container engine runs.
 */

export interface Instruction {
  keyword: string;
  /** Raw arguments, continuations joined with a space. */
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  /** Base image, with ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const start = i;
    let cur = lines[i++];
    if (/^\s*(#.*)?$/.test(cur)) continue;
    while (/\\\s*$/.test(cur) && i < lines.length) {
      cur = cur.replace(/\\\s*$/, ' ');
      // comment lines inside a continued instruction are dropped, as Docker does
      while (i < lines.length && /^\s*#/.test(lines[i])) i++;
      cur += lines[i++] ?? '';
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(cur);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].replace(/\s+/g, ' ').trim(), line: start + 1 });
  }
  return out;
}

/** Exec form (JSON array) → its strings; shell form → undefined. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const v: unknown = JSON.parse(args);
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

export function parseStages(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [k, v] = ins.args.split('=', 2);
      args[k] = v ?? '';
      continue;
    }
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      const from = m[1].replace(/\$\{?(\w+)\}?/g, (_, k: string) => args[k] ?? '');
      stages.push({ name: m[2] ?? String(stages.length), from, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    stages[stages.length - 1].instructions.push(ins);
  }
  return { args, stages };
}
