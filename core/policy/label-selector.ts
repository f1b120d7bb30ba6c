/**
 * A Kubernetes LabelSelector (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist), checked
 * as the API server checks one (apimachinery's LabelSelectorAsSelector: valid keys and values, In
 * and NotIn need values, Exists and DoesNotExist take none) and matched with core/selector.ts.
 * An empty selector selects everything, a missing one nothing — Kubernetes' own convention.
 */
import { isRecord } from '../model/objects.js';
import { LABEL_KEY_RE, LABEL_VALUE_RE, matchesSelector, type SelectorRequirement } from '../selector.js';

export interface CompiledSelector {
  requirements: SelectorRequirement[];
  /** A canonical text form ("team=a,tier in (x,y)"), for messages and for comparing selectors. */
  text: string;
}

const OPS: Record<string, SelectorRequirement['op']> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: 'notexists',
};

/** Compiles a LabelSelector; returns the problems (field: message) when it is not a valid one. */
export function compileLabelSelector(
  sel: unknown,
  field: string,
): { selector?: CompiledSelector; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  if (!isRecord(sel)) return { problems: [{ field, message: 'must be a mapping (a LabelSelector)' }] };
  const reqs: SelectorRequirement[] = [];
  const key = (k: string, f: string) => {
    if (LABEL_KEY_RE.test(k) && k.length <= 317) return true;
    problems.push({ field: f, message: `"${k}" is not a valid label key` });
    return false;
  };
  const value = (v: unknown, f: string): v is string => {
    if (typeof v === 'string' && v.length <= 63 && LABEL_VALUE_RE.test(v)) return true;
    problems.push({ field: f, message: `${JSON.stringify(v)} is not a valid label value` });
    return false;
  };
  if (sel.matchLabels !== undefined) {
    if (!isRecord(sel.matchLabels))
      problems.push({ field: `${field}.matchLabels`, message: 'must be a mapping' });
    else
      for (const [k, v] of Object.entries(sel.matchLabels)) {
        const f = `${field}.matchLabels.${k}`;
        if (key(k, f) && value(v, f)) reqs.push({ key: k, op: 'eq', value: v });
      }
  }
  if (sel.matchExpressions !== undefined) {
    if (!Array.isArray(sel.matchExpressions))
      problems.push({ field: `${field}.matchExpressions`, message: 'must be a list' });
    else
      sel.matchExpressions.forEach((e: unknown, i: number) => {
        const f = `${field}.matchExpressions[${i}]`;
        if (!isRecord(e)) return problems.push({ field: f, message: 'must be a mapping' });
        const op = OPS[String(e.operator)];
        if (!op)
          return problems.push({
            field: `${f}.operator`,
            message: `${JSON.stringify(e.operator)} is not one of In, NotIn, Exists, DoesNotExist`,
          });
        if (typeof e.key !== 'string' || !key(e.key, `${f}.key`)) {
          if (typeof e.key !== 'string') problems.push({ field: `${f}.key`, message: 'is required' });
          return;
        }
        const values = e.values === undefined || e.values === null ? [] : e.values;
        if (!Array.isArray(values)) return problems.push({ field: `${f}.values`, message: 'must be a list' });
        if (op === 'in' || op === 'notin') {
          if (values.length === 0)
            return problems.push({
              field: `${f}.values`,
              message: `must not be empty for operator ${String(e.operator)}`,
            });
          if (!values.every((v, j) => value(v, `${f}.values[${j}]`))) return;
          reqs.push({ key: e.key, op, values: values as string[] });
        } else {
          if (values.length)
            return problems.push({
              field: `${f}.values`,
              message: `must be empty for operator ${String(e.operator)}`,
            });
          reqs.push({ key: e.key, op: op === 'exists' ? 'exists' : 'notexists' });
        }
      });
  }
  if (problems.length) return { problems };
  return { selector: { requirements: reqs, text: selectorText(reqs) }, problems };
}

function selectorText(reqs: readonly SelectorRequirement[]): string {
  const parts = reqs.map((r) => {
    switch (r.op) {
      case 'eq':
        return `${r.key}=${r.value}`;
      case 'neq':
        return `${r.key}!=${r.value}`;
      case 'in':
      case 'notin':
        return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
      case 'exists':
        return r.key;
      case 'notexists':
        return `!${r.key}`;
    }
  });
  return parts.length ? [...new Set(parts)].sort().join(',') : '(every namespace)';
}

export function selects(sel: CompiledSelector, labels: Record<string, string> | undefined): boolean {
  return matchesSelector(sel.requirements, labels);
}
