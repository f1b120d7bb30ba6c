/** Flags of `zoneguard webhook` (the policy flags are the core's, shared with validate and reconcile). */
import type { FlagSpec } from '../core/config.js';

const CMD = ['webhook'];

export const LISTEN_RE = /^(\[[0-9a-fA-F:.]+\]|[^:\s]*):(\d{1,5})$/;

export const webhookFlags: FlagSpec[] = [
  {
    name: 'listen-address',
    type: 'string',
    default: ':8443',
    help: 'host:port to serve HTTPS on (":8443" is every interface; port 0 picks a free port)',
    commands: CMD,
    check: (v) =>
      LISTEN_RE.test(String(v)) && Number(LISTEN_RE.exec(String(v))?.[2]) <= 65535
        ? undefined
        : `expects host:port, e.g. :8443 or 127.0.0.1:8443, got "${String(v)}"`,
  },
  {
    name: 'tls-cert-file',
    type: 'string',
    help: 'serving certificate (PEM); reloaded when the file changes',
    commands: CMD,
  },
  {
    name: 'tls-private-key-file',
    type: 'string',
    help: 'private key of the serving certificate (PEM); reloaded when the file changes',
    commands: CMD,
  },
  {
    name: 'tls-reload-interval',
    type: 'duration',
    default: '10s',
    min: 100,
    help: 'also re-read the certificate files this often (a safety net for file watches that miss a change)',
    commands: CMD,
  },
  {
    name: 'max-request-bytes',
    type: 'int',
    default: 3 * 1024 * 1024,
    min: 1024,
    help: 'largest AdmissionReview body accepted (bigger: HTTP 413)',
    commands: CMD,
  },
  {
    name: 'ownership-refresh',
    type: 'duration',
    default: '30s',
    min: 100,
    help: "re-read the provider's records and TXT ownership records this often",
    commands: CMD,
  },
  {
    name: 'max-ownership-age',
    type: 'duration',
    default: '5m',
    min: 100,
    help: 'ownership data older than this (refreshes failing) is stale: see --stale-ownership',
    commands: CMD,
  },
  {
    name: 'stale-ownership',
    type: 'enum',
    choices: ['deny', 'allow', 'warn'],
    default: 'warn',
    help: 'with stale ownership data: deny new hostnames, allow with the old data silently, or allow with a warning',
    commands: CMD,
  },
  {
    name: 'duplicate-policy',
    type: 'enum',
    choices: ['deny', 'warn', 'off'],
    default: 'deny',
    help: 'a hostname already claimed by another object in the cluster: deny, warn, or off (do not watch the cluster)',
    commands: CMD,
  },
  {
    name: 'kubeconfig',
    type: 'string',
    help: 'watch this cluster (kubeconfig file) for the duplicate rule; in a pod the service account is used without it',
    commands: CMD,
  },
  {
    name: 'in-cluster',
    type: 'boolean',
    help: "watch the cluster with the pod's service account (the default in a pod; this flag makes it an error not to be in one)",
    commands: CMD,
  },
  {
    name: 'shutdown-timeout',
    type: 'duration',
    default: '20s',
    min: 0,
    help: 'on SIGTERM, wait at most this long for in-flight reviews before exiting',
    commands: CMD,
  },
];
