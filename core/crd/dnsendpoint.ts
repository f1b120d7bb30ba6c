/**
 * The DNSEndpoint CRD's structural schema (externaldns.k8s.io/v1alpha1), as deploy/crds installs it
 * (a test keeps the two equal), checked with ajv. The API server applies this schema before any
 * webhook sees an object; `zoneguard validate` has no API server, so it applies it itself, and a
 * manifest that `kubectl apply` would refuse is denied offline with the same field named.
 */
import { compileSchema, schemaProblems, type SchemaProblem } from './schema-problems.js';

export type { SchemaProblem };

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

const validate = compileSchema(DNSENDPOINT_SCHEMA);

/** What the CRD's schema refuses in a DNSEndpoint, one entry per field (at most 20). */
export function dnsEndpointSchemaProblems(obj: unknown): SchemaProblem[] {
  return schemaProblems(validate, obj);
}
