/** Flags of `zoneguard doctor` (the policy flags are the core's, shared with the webhook). */
import type { FlagSpec } from '../core/config.js';
import { parseNameServer } from './dns-query.js';

export const doctorFlags: FlagSpec[] = [
  {
    name: 'nameserver',
    type: 'string',
    help: "DNS server to ask, host:port (default: the zone's name server, found through the system resolver)",
    commands: ['doctor'],
    check: (v) =>
      parseNameServer(String(v)) ? undefined : `expects host:port, e.g. 127.0.0.1:5353, got "${String(v)}"`,
  },
  {
    name: 'kubeconfig',
    type: 'string',
    help: 'read the objects that claim the name from this cluster (kubeconfig file)',
    commands: ['doctor', 'certs-in-cluster', 'certs'],
  },
  {
    name: 'dns-timeout',
    type: 'duration',
    default: '2s',
    min: 100,
    help: 'how long to wait for each DNS answer',
    commands: ['doctor'],
  },
];
