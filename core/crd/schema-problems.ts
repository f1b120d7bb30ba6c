/**
 * ajv as the API server applies a CRD's structural schema, and its errors said the way zoneguard
 * says every problem: the field (spec.endpoints[0].recordTTL) and what is wrong with it. Shared by
 * every CRD zoneguard checks offline (DNSEndpoint, ZonePolicy).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describeType } from '../hostnames/common.js';

export interface SchemaProblem {
  /** spec.endpoints[0].recordTTL */
  field: string;
  message: string;
}

// validateSchema: false — the schemas are constants checked against ajv's meta-schema by a test
// (schema-problems.test.ts); compiling the meta-schema at every start cost ~35 ms of a cold `validate`
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
// OpenAPI formats the API server knows: date-time is RFC 3339 (ajv-formats), int64 bounds the integer
addFormats.default(ajv, ['date-time']);
ajv.addFormat('int64', { type: 'number', validate: (n: number) => n >= -(2 ** 63) && n < 2 ** 63 });

/** Compiles an openAPIV3Schema with the formats the API server knows. */
export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

/** "/spec/endpoints/0/recordTTL" → "spec.endpoints[0].recordTTL". */
function fieldOf(e: ErrorObject): string {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty: string }).missingProperty));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(object)';
}

/** What the schema refuses in an object, one entry per field (at most 20). */
export function schemaProblems(validate: ValidateFunction, obj: unknown): SchemaProblem[] {
  if (validate(obj)) return [];
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of validate.errors ?? []) {
    const field = fieldOf(e);
    if (seen.has(field)) continue;
    seen.add(field);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') message = 'is required';
    else if (e.keyword === 'enum')
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}, not ${describeType(e.data)}`;
    else if (e.keyword === 'type')
      message = `must be ${TYPE_WORDS[String((e.params as { type: string }).type)] ?? (e.params as { type: string }).type}, not ${describeType(e.data)}`;
    else if (e.keyword === 'format')
      message = `must be ${formatWords(String((e.params as { format: string }).format))}, not ${describeType(e.data)}`;
    out.push({ field, message });
    if (out.length === 20) break;
  }
  return out;
}

function formatWords(format: string): string {
  return format === 'date-time' ? 'an RFC 3339 time such as "2027-03-01T00:00:00Z"' : `in format ${format}`;
}
