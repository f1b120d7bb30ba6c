/** PowerDNS flags (external-dns's names). The API key is a secret: give it as ZONEGUARD_PDNS_API_KEY. */
import type { FlagSpec } from '../../config.js';

const COMMANDS = ['validate', 'plan', 'reconcile', 'webhook', 'doctor'];

export const pdnsFlags: FlagSpec[] = [
  {
    name: 'pdns-server',
    type: 'string',
    default: 'http://localhost:8081',
    help: 'PowerDNS API server URL',
    commands: COMMANDS,
  },
  {
    name: 'pdns-api-key',
    type: 'string',
    secret: true,
    help: 'PowerDNS API key (prefer ZONEGUARD_PDNS_API_KEY or --pdns-api-key-file)',
    commands: COMMANDS,
  },
  {
    name: 'pdns-api-key-file',
    type: 'string',
    help: 'file holding the PowerDNS API key',
    commands: COMMANDS,
  },
  {
    name: 'pdns-server-id',
    type: 'string',
    default: 'localhost',
    help: 'PowerDNS server id in the API path',
    commands: COMMANDS,
  },
  {
    name: 'pdns-batch-change-size',
    type: 'int',
    min: 1,
    default: 1000,
    help: 'most RRsets per PATCH request',
    commands: COMMANDS,
  },
  {
    name: 'pdns-timeout',
    type: 'duration',
    default: '10s',
    help: 'timeout of one API request',
    commands: COMMANDS,
  },
];
