/** Kubernetes label selectors: parsing and matching (--label-filter, --annotation-filter, ZonePolicy). */

/** Kubernetes label selector syntax: key=value, key==value, key!=value, key, !key, key in (a,b), key notin (a,b). */
export function checkLabelSelector(sel: string): string | undefined {
  if (sel.trim() === '') return undefined;
  try {
    parseSelector(sel);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export type SelectorRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
export const LABEL_KEY_RE =
  /^([a-z0-9A-Z]([-a-zA-Z0-9._]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

export function parseSelector(sel: string): SelectorRequirement[] {
  const reqs: SelectorRequirement[] = [];
  // split on commas that are not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') throw new Error(`empty requirement in selector "${sel}"`);
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      reqs.push({ key: checkKey(m[1]), op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(p))) {
      if (!LABEL_VALUE_RE.test(m[3])) throw new Error(`invalid value "${m[3]}" in selector`);
      reqs.push({ key: checkKey(m[1]), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] });
    } else if ((m = /^!\s*(\S+)$/.exec(p))) {
      reqs.push({ key: checkKey(m[1]), op: 'notexists' });
    } else if (/^\S+$/.test(p)) {
      reqs.push({ key: checkKey(p), op: 'exists' });
    } else {
      throw new Error(`cannot parse selector requirement "${p}"`);
    }
  }
  return reqs;
}

function checkKey(k: string): string {
  if (!LABEL_KEY_RE.test(k)) throw new Error(`invalid key "${k}" in selector`);
  return k;
}

export function matchesSelector(
  reqs: readonly SelectorRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}
