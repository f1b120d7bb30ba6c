/**
 * Validation of rendered objects: the Kubernetes OpenAPI schemas (ajv-compiled, shipped by the
 * kubernetes-models package) for every field, plus strict schemas (additionalProperties: false)
 * for the parts that must not carry a silently ignored typo: security contexts, probes and the
 * admission webhook entries. The OpenAPI schemas alone accept unknown fields.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as serviceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as job } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as cronJob } from 'kubernetes-models/_schemas/IoK8sApiBatchV1CronJob';
import { validate as pdb } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as networkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';
import { validate as role } from 'kubernetes-models/_schemas/IoK8sApiRbacV1Role';
import { validate as roleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import { validate as clusterRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole';
import { validate as clusterRoleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRoleBinding';
import { validate as vwc } from 'kubernetes-models/_schemas/IoK8sApiAdmissionregistrationV1ValidatingWebhookConfiguration';
import { validate as crd } from 'kubernetes-models/_schemas/IoK8sApiextensionsApiserverPkgApisApiextensionsV1CustomResourceDefinition';

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null;
}

/** apiVersion/kind → OpenAPI validator. A kind missing here fails the test: add its schema. */
export const OPENAPI: Record<string, CompiledValidator> = {
  'v1/Namespace': namespace,
  'v1/ServiceAccount': serviceAccount,
  'v1/ConfigMap': configMap,
  'v1/Service': service,
  'apps/v1/Deployment': deployment,
  'batch/v1/Job': job,
  'batch/v1/CronJob': cronJob,
  'policy/v1/PodDisruptionBudget': pdb,
  'networking.k8s.io/v1/NetworkPolicy': networkPolicy,
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': clusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': clusterRoleBinding,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': vwc,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': crd,
};

/** Errors of one object against its OpenAPI schema, as readable strings ([] when valid). */
export function openApiErrors(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const v = OPENAPI[key];
  if (!v) return [`no OpenAPI schema registered for ${key}`];
  if (v(obj)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

const capabilities = {
  type: 'object',
  additionalProperties: false,
  required: ['drop'],
  properties: { drop: { type: 'array', const: ['ALL'] } },
};

export const containerSecurityContext: ValidateFunction = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'runAsNonRoot', 'capabilities'],
  properties: {
    allowPrivilegeEscalation: { const: false },
    readOnlyRootFilesystem: { const: true },
    runAsNonRoot: { const: true },
    capabilities,
  },
});

export const podSecurityContext: ValidateFunction = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['runAsNonRoot', 'runAsUser', 'seccompProfile'],
  properties: {
    runAsNonRoot: { const: true },
    runAsUser: { type: 'integer', minimum: 1000 },
    runAsGroup: { type: 'integer', minimum: 1000 },
    fsGroup: { type: 'integer', minimum: 1000 },
    seccompProfile: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: { type: { const: 'RuntimeDefault' } },
    },
  },
});

export const httpProbe: ValidateFunction = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['httpGet'],
  properties: {
    httpGet: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'port'],
      properties: { path: { type: 'string' }, port: { type: ['string', 'integer'] }, scheme: { enum: ['HTTP', 'HTTPS'] } },
    },
    initialDelaySeconds: { type: 'integer', minimum: 0 },
    periodSeconds: { type: 'integer', minimum: 1 },
    failureThreshold: { type: 'integer', minimum: 1 },
    timeoutSeconds: { type: 'integer', minimum: 1 },
  },
});

const ruleWithOperations = {
  type: 'object',
  additionalProperties: false,
  required: ['apiGroups', 'apiVersions', 'resources', 'operations', 'scope'],
  properties: {
    apiGroups: { type: 'array', items: { type: 'string' }, minItems: 1 },
    apiVersions: { type: 'array', items: { type: 'string' }, minItems: 1 },
    resources: { type: 'array', items: { type: 'string', not: { const: '*' } }, minItems: 1 },
    operations: { type: 'array', items: { enum: ['CREATE', 'UPDATE'] }, minItems: 2, maxItems: 2, uniqueItems: true },
    scope: { const: 'Namespaced' },
  },
};

const selectorRequirement = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'operator'],
  properties: { key: { type: 'string' }, operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: { type: 'array', items: { type: 'string' } } },
};

/** One entry of ValidatingWebhookConfiguration.webhooks, as zoneguard requires it. */
export const admissionWebhook: ValidateFunction = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'admissionReviewVersions', 'sideEffects', 'timeoutSeconds', 'failurePolicy', 'matchPolicy', 'namespaceSelector', 'clientConfig', 'rules'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+){2,}$' },
    admissionReviewVersions: { const: ['v1'] },
    sideEffects: { const: 'None' },
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 5 },
    failurePolicy: { enum: ['Ignore', 'Fail'] },
    matchPolicy: { const: 'Equivalent' },
    namespaceSelector: {
      type: 'object',
      additionalProperties: false,
      required: ['matchExpressions'],
      properties: { matchExpressions: { type: 'array', items: selectorRequirement, minItems: 1 } },
    },
    objectSelector: {
      type: 'object',
      additionalProperties: false,
      properties: { matchExpressions: { type: 'array', items: selectorRequirement } },
    },
    clientConfig: {
      type: 'object',
      additionalProperties: false,
      required: ['service'],
      properties: {
        caBundle: { type: 'string' },
        service: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'namespace', 'path', 'port'],
          properties: { name: { type: 'string' }, namespace: { type: 'string' }, path: { const: '/validate' }, port: { type: 'integer' } },
        },
      },
    },
    rules: { type: 'array', items: ruleWithOperations, minItems: 1 },
  },
});

export function ajvErrors(v: ValidateFunction): string {
  return ajv.errorsText(v.errors, { separator: '; ' });
}
