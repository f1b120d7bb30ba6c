/** Flags of `zoneguard reconcile` (external-dns names where external-dns has the flag). */
import type { FlagSpec } from '../core/config.js';

const CMD = ['reconcile'];

export const reconcileFlags: FlagSpec[] = [
  { name: 'interval', type: 'duration', default: '1m', min: 1000, help: 'full resync every this long, events or not (external-dns --interval)', commands: CMD },
  { name: 'min-event-sync-interval', type: 'duration', default: '1s', min: 0, help: 'after a watched object changes, wait at least this long since the last sync (debounce; external-dns --min-event-sync-interval)', commands: CMD },
  { name: 'events', type: 'boolean', default: true, help: 'sync when watched objects change, not only every --interval (external-dns --events; set false in the environment or config file to poll only)', commands: CMD },
  { name: 'once', type: 'boolean', help: 'sync once and exit (exit 1 when the sync failed)', commands: CMD },
  { name: 'dry-run', type: 'boolean', help: 'print the plan of each sync (as `zoneguard plan`) instead of applying it; writes nothing, emits no Events', commands: CMD },
  { name: 'kubeconfig', type: 'string', help: 'kubeconfig file of the cluster to watch (default: in-cluster service account, else $KUBECONFIG / ~/.kube/config)', commands: CMD },
  { name: 'kube-api', type: 'enum', choices: ['auto', 'off'], default: 'auto', help: 'auto: watch the cluster unless only -f manifests are given; off: never talk to Kubernetes (manifest source only)', commands: CMD },
  { name: 'emit-events', type: 'enum', choices: ['all', 'warnings', 'none'], default: 'all', help: 'Kubernetes Events on source objects: all (published records and rejections), warnings (rejections and conflicts only), none', commands: CMD },
  { name: 'leader-elect', type: 'boolean', help: 'with several replicas, only the holder of a coordination.k8s.io Lease reconciles', commands: CMD },
  { name: 'leader-election-lease-name', type: 'string', default: 'zoneguard-reconciler', help: 'name of the leader election Lease', commands: CMD },
  { name: 'leader-election-namespace', type: 'string', default: '', help: "namespace of the Lease (default: the pod's own namespace, else the kubeconfig context's, else default)", commands: CMD },
  { name: 'leader-election-identity', type: 'string', default: '', help: 'this replica in the Lease (default: $POD_NAME or the host name, plus a random suffix)', commands: CMD },
  { name: 'leader-election-lease-duration', type: 'duration', default: '15s', min: 1000, help: 'how long a Lease that is not renewed keeps others from taking over', commands: CMD },
  { name: 'leader-election-renew-deadline', type: 'duration', default: '10s', min: 500, help: 'the leader stops reconciling when it could not renew for this long', commands: CMD },
  { name: 'leader-election-retry-period', type: 'duration', default: '2s', min: 100, help: 'how often candidates try to acquire and the leader renews', commands: CMD },
  // shared with the webhook: the reconciler bumps this Lease after it writes, the webhook watches it
  { name: 'ownership-signal-lease', type: 'string', default: 'zoneguard-ownership', help: 'Lease the reconciler bumps after each write so webhook replicas re-read ownership at once (empty: off; webhooks then rely on --ownership-refresh)', commands: ['reconcile', 'webhook'] },
  { name: 'ownership-signal-namespace', type: 'string', default: '', help: "namespace of that Lease (default: the pod's own namespace, else the kubeconfig context's, else default)", commands: ['reconcile', 'webhook'] },
  { name: 'metrics-address', type: 'string', default: ':7979', help: 'serve /metrics and /healthz on this host:port (empty: no HTTP server)', commands: CMD },
  { name: 'retry-base-delay', type: 'duration', default: '1s', min: 1, help: 'first delay after a failed sync; doubles per failure (with full jitter) up to --retry-max-delay', commands: CMD },
  { name: 'retry-max-delay', type: 'duration', default: '1m', min: 1, help: 'longest delay between two attempts after failed syncs', commands: CMD },
];
