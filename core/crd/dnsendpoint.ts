/**
 * The DNSEndpoint CRD's structural schema (externaldns.k8s.io/v1alpha1), as deploy/crds installs it
 * (a test keeps the two equal), checked with ajv. The API server applies this schema before any
 * webhook sees an object; `zoneguard validate` has no API server, so it applies it itself, and a
 * manifest that `kubectl apply` would refuse is denied offline with the same field named.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { describeType } from '../hostnames/common.js';

const int64 = { type: 'integer', format: 'int64' };

/** openAPIV3Schema of deploy/crds/dnsendpoints.externaldns.k8s.io.yaml, descriptions left out. */
export const DNSENDPOINT_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        endpoints: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              dnsName: { type: 'string' },
              recordType: { type: 'string' },
              targets: { type: 'array', items: { type: 'string' } },
              recordTTL: int64,
              setIdentifier: { type: 'string' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              providerSpecific: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, value: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        observedGeneration: int64,
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: { type: 'string' },
              status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
              observedGeneration: int64,
              lastTransitionTime: { type: 'string', format: 'date-time' },
              reason: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
// OpenAPI formats the API server knows: date-time is RFC 3339 (ajv-formats), int64 bounds the integer
addFormats.default(ajv, ['date-time']);
ajv.addFormat('int64', { type: 'number', validate: (n: number) => n >= -(2 ** 63) && n < 2 ** 63 });
const validate = ajv.compile(DNSENDPOINT_SCHEMA);

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

export interface SchemaProblem {
  /** spec.endpoints[0].recordTTL */
  field: string;
  message: string;
}

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

/** What the CRD's schema refuses in a DNSEndpoint, one entry per field (at most 20). */
export function dnsEndpointSchemaProblems(obj: unknown): SchemaProblem[] {
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
    out.push({ field, message });
    if (out.length === 20) break;
  }
  return out;
}
