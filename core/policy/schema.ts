/**
 * The ZonePolicy CRD's structural schema (zoneguard.io/v1alpha1), as deploy/crds installs it (a test
 * keeps the two equal, descriptions aside), checked with ajv: the webhook applies it to ZonePolicy
 * objects it admits, and `zoneguard validate` to ZonePolicy manifests, with the same field names
 * the API server would use.
 */
import { compileSchema, schemaProblems, type SchemaProblem } from '../crd/schema-problems.js';

const strings = { type: 'array', items: { type: 'string' } };

/** openAPIV3Schema of deploy/crds/zonepolicies.zoneguard.io.yaml, descriptions left out. */
export const ZONEPOLICY_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['namespaceSelector', 'domains'],
      properties: {
        namespaceSelector: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          properties: {
            matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
            matchExpressions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'operator'],
                properties: {
                  key: { type: 'string' },
                  operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
                  values: strings,
                },
              },
            },
          },
        },
        domains: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 255 } },
        excludeDomains: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 } },
        recordTypes: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9]+$' } },
        targets: {
          type: 'object',
          properties: {
            allowCIDRs: strings,
            denyCNAMESuffixes: strings,
          },
        },
        enforcement: { type: 'string', enum: ['Deny', 'Warn', 'Audit'], default: 'Deny' },
        exemptions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['hostname', 'namespace', 'expires'],
            properties: {
              hostname: { type: 'string', minLength: 1 },
              namespace: { type: 'string', minLength: 1 },
              expires: { type: 'string', format: 'date-time' },
              reason: { type: 'string' },
            },
          },
        },
      },
    },
  },
  required: ['spec'],
} as const;

const validate = compileSchema(ZONEPOLICY_SCHEMA);

/** What the CRD's schema refuses in a ZonePolicy, one entry per field (at most 20). */
export function zonePolicySchemaProblems(obj: unknown): SchemaProblem[] {
  return schemaProblems(validate, obj);
}
