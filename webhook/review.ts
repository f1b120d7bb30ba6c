/**
 * AdmissionReview (admission.k8s.io/v1) in and out: the one place a request is checked for shape
 * and a verdict becomes the response kube-apiserver expects (uid echoed, allowed, status 403 with
 * one message on denial, warnings).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { clip } from '../core/rules/index.js';

export const REVIEW_API_VERSION = 'admission.k8s.io/v1';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion: string;
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  warnings?: string[];
}

/** The shape of a review this webhook answers; object and oldObject are checked by the rules. */
const REVIEW_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'request'],
  properties: {
    request: {
      type: 'object',
      required: ['uid', 'kind', 'operation'],
      properties: {
        uid: { type: 'string', minLength: 1, maxLength: 128 },
        kind: {
          type: 'object',
          required: ['kind'],
          properties: { group: { type: 'string' }, version: { type: 'string' }, kind: { type: 'string' } },
        },
        resource: { type: 'object' },
        subResource: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
        operation: { enum: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] },
        dryRun: { type: 'boolean' },
      },
    },
  },
} as const;

const validateReview = new Ajv({ allErrors: false, strict: false }).compile(REVIEW_SCHEMA);

function describeAjvError(e: ErrorObject | undefined): string {
  if (!e) return 'not an AdmissionReview';
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'review';
  if (e.keyword === 'required')
    return `${at === 'review' ? '' : `${at}.`}${(e.params as { missingProperty: string }).missingProperty} is missing`;
  if (e.keyword === 'enum')
    return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

export type ParsedReview =
  { ok: true; review: AdmissionReview & { request: AdmissionRequest } } | { ok: false; message: string };

/** Checks a parsed JSON body; a failure names the field and is answered with HTTP 400. */
export function parseReview(body: unknown): ParsedReview {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, message: 'body is not a JSON object (expected an AdmissionReview)' };
  const b = body as Record<string, unknown>;
  if (b.kind !== 'AdmissionReview')
    return {
      ok: false,
      message: `kind must be AdmissionReview, got ${JSON.stringify(b.kind ?? null).slice(0, 80)}`,
    };
  if (b.apiVersion !== REVIEW_API_VERSION) {
    return {
      ok: false,
      message: `apiVersion must be ${REVIEW_API_VERSION}, got ${JSON.stringify(b.apiVersion ?? null).slice(0, 80)} (set admissionReviewVersions: ["v1"] in the webhook configuration)`,
    };
  }
  if (!validateReview(body))
    return { ok: false, message: `invalid AdmissionReview: ${describeAjvError(validateReview.errors?.[0])}` };
  return { ok: true, review: body as AdmissionReview & { request: AdmissionRequest } };
}

/** kube-apiserver drops warnings with control characters; hostnames come from user input. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/**
 * What kube-apiserver keeps of a response's warnings (k8s.io/apiserver warning recorder; the
 * dynamic admission control docs: a warning over 256 characters may be truncated, warnings past
 * 4096 characters in all are dropped): all of them when they fit in 4096 characters; otherwise each
 * cut to 256, as many as fit, and a last one saying how many more there are. A reply never grows
 * with the object.
 */
export const MAX_WARNING_CHARS = 256;
export const MAX_WARNINGS_TOTAL_CHARS = 4096;

export function boundedWarnings(warnings: readonly string[]): string[] {
  let total = 0;
  for (const w of warnings) total += w.length;
  if (total <= MAX_WARNINGS_TOTAL_CHARS) return warnings.map(printable);
  const out: string[] = [];
  // room for the last line, "and 123456 more warnings (…)"
  let room = MAX_WARNINGS_TOTAL_CHARS - 120;
  for (const w of warnings) {
    const line = clip(printable(w), MAX_WARNING_CHARS);
    if (line.length > room) break;
    out.push(line);
    room -= line.length;
  }
  const more = warnings.length - out.length;
  if (more > 0)
    out.push(`and ${more} more warning${more === 1 ? '' : 's'} (zoneguard validate lists them all)`);
  return out;
}

export function reviewResponse(
  uid: string,
  verdict: { allowed: boolean; message?: string; warnings?: readonly string[] },
): AdmissionReview {
  const response: AdmissionResponse = { uid, allowed: verdict.allowed };
  if (!verdict.allowed)
    response.status = { code: 403, reason: 'Forbidden', message: verdict.message ?? 'denied by zoneguard' };
  if (verdict.warnings?.length) response.warnings = boundedWarnings(verdict.warnings);
  return { apiVersion: REVIEW_API_VERSION, kind: 'AdmissionReview', response };
}

/**
 * JSON.stringify(reviewResponse(uid, verdict)), with the usual answer (allowed, no warnings)
 * written as a template: no response object to build and walk for every review.
 */
export function reviewResponseText(
  uid: string,
  verdict: { allowed: boolean; message?: string; warnings?: readonly string[] },
): string {
  if (verdict.allowed && !verdict.warnings?.length)
    return `{"apiVersion":"${REVIEW_API_VERSION}","kind":"AdmissionReview","response":{"uid":${JSON.stringify(uid)},"allowed":true}}`;
  return JSON.stringify(reviewResponse(uid, verdict));
}

/** A Kubernetes Status body for a request the webhook cannot answer with a review (HTTP 4xx). */
export function statusBody(code: number, reason: string, message: string): object {
  return { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message };
}
