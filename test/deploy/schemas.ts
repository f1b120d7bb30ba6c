/**
 * Validation of rendered objects: the Kubernetes OpenAPI schemas (ajv-compiled, shipped by the
 * kubernetes-models package; 4.5.x carries Kubernetes 1.33's API, and what is valid there is valid in
 * later versions) for every field, plus strict schemas (additionalProperties: false)
 * for the parts that must not carry a silently ignored typo: security contexts, probes and the
 * admission webhook entries. The OpenAPI schemas alone accept unknown fields.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null;
}

/**
 * The model's ajv-compiled OpenAPI check as a validator. kubernetes-models 4.x (pinned: 5.x
 * requires Node 22, CI runs Node 20) exposes the check only through the model classes, whose
 * validate() throws a ValidationError carrying ajv's errors.
 */
function viaModel(Model: new (data: never) => { validate(): void }): CompiledValidator {
  const fn: CompiledValidator = (data) => {
    try {
      new Model(data as never).validate();
      fn.errors = null;
      return true;
    } catch (e) {
      const errors = (e as { errors?: CompiledValidator['errors'] }).errors;
      if (!errors) throw e;
      fn.errors = errors;
      return false;
    }
  };
  return fn;
}

/** apiVersion/kind → OpenAPI validator. A kind missing here fails the test: add its schema. */
export const OPENAPI: Record<string, CompiledValidator> = {
  'v1/Namespace': viaModel(Namespace),
  'v1/ServiceAccount': viaModel(ServiceAccount),
  'v1/ConfigMap': viaModel(ConfigMap),
  'v1/Service': viaModel(Service),
  'apps/v1/Deployment': viaModel(Deployment),
  'batch/v1/Job': viaModel(Job),
  'batch/v1/CronJob': viaModel(CronJob),
  'policy/v1/PodDisruptionBudget': viaModel(PodDisruptionBudget),
  'networking.k8s.io/v1/NetworkPolicy': viaModel(NetworkPolicy),
  'rbac.authorization.k8s.io/v1/Role': viaModel(Role),
  'rbac.authorization.k8s.io/v1/RoleBinding': viaModel(RoleBinding),
  'rbac.authorization.k8s.io/v1/ClusterRole': viaModel(ClusterRole),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': viaModel(ClusterRoleBinding),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': viaModel(ValidatingWebhookConfiguration),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': viaModel(CustomResourceDefinition),
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
    // Namespaced for the workloads; Cluster only for ZonePolicies (checked in render.test.ts)
    scope: { enum: ['Namespaced', 'Cluster'] },
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
