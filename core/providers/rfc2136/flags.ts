/**
 * RFC2136 flags, with external-dns's names. The TSIG secret is a secret: give it as
 * ZONEGUARD_RFC2136_TSIG_SECRET or in a file (--rfc2136-tsig-secret-file), not on the command line.
 */
import type { FlagSpec } from '../../config.js';
import { TSIG_ALGORITHMS, tsigAlgorithm } from './tsig.js';

const COMMANDS = ['validate', 'plan', 'reconcile', 'webhook', 'doctor'];

export const rfc2136Flags: FlagSpec[] = [
  {
    name: 'rfc2136-host',
    type: 'string',
    help: 'host of the authoritative DNS server that takes the updates',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-port',
    type: 'int',
    min: 1,
    default: 53,
    help: 'port of the DNS server (TCP)',
    commands: COMMANDS,
    check: (v) => ((v as number) > 65535 ? 'must be a port number 1-65535' : undefined),
  },
  { name: 'rfc2136-zone', type: 'strings', help: 'zone to manage (repeatable)', commands: COMMANDS },
  {
    name: 'rfc2136-tsig-keyname',
    type: 'string',
    help: 'TSIG key name, as configured on the server',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret',
    type: 'string',
    secret: true,
    help: 'TSIG secret, base64 (prefer ZONEGUARD_RFC2136_TSIG_SECRET or --rfc2136-tsig-secret-file)',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret-file',
    type: 'string',
    help: 'file holding the base64 TSIG secret',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret-alg',
    type: 'string',
    default: 'hmac-sha256',
    help: `TSIG algorithm (${TSIG_ALGORITHMS.join(', ')})`,
    commands: COMMANDS,
    check: (v) =>
      tsigAlgorithm(String(v))
        ? undefined
        : `"${String(v)}" is not a TSIG algorithm (use one of ${TSIG_ALGORITHMS.join(', ')})`,
  },
  {
    name: 'rfc2136-tsig-axfr',
    type: 'boolean',
    default: true,
    help: 'sign zone transfers (AXFR) with the TSIG key',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-insecure',
    type: 'boolean',
    default: false,
    help: 'send updates without TSIG (the server must allow unsigned updates)',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-batch-change-size',
    type: 'int',
    min: 1,
    default: 50,
    help: 'most changes per UPDATE message',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-min-ttl',
    type: 'duration',
    default: '0s',
    help: 'TTLs below this are raised to it',
    commands: COMMANDS,
  },
  {
    name: 'rfc2136-timeout',
    type: 'duration',
    default: '10s',
    help: 'timeout of one update or zone transfer',
    commands: COMMANDS,
  },
];
