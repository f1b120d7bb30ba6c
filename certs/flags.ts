/** Flags of `zoneguard certs`. */
import type { FlagSpec } from '../core/config.js';

const CMD = ['certs'];

export const certsFlags: FlagSpec[] = [
  {
    name: 'out',
    type: 'string',
    default: '.',
    help: 'directory to write ca.crt, tls.crt and tls.key (0600) into',
    commands: CMD,
  },
  {
    name: 'service-name',
    type: 'string',
    default: 'zoneguard-webhook',
    help: "the webhook's Service name (certificate for <service>.<namespace>.svc)",
    commands: CMD,
  },
  {
    name: 'service-namespace',
    type: 'string',
    default: 'zoneguard',
    help: "the webhook Service's namespace",
    commands: CMD,
  },
  {
    name: 'dns-name',
    type: 'strings',
    help: 'extra DNS names or IP addresses for the serving certificate, e.g. localhost, 127.0.0.1 (repeatable)',
    commands: CMD,
  },
  {
    name: 'cert-validity',
    type: 'duration',
    default: '8760h',
    min: 60_000,
    help: 'lifetime of the serving certificate (default 1 year)',
    commands: CMD,
  },
  {
    name: 'ca-validity',
    type: 'duration',
    default: '87600h',
    min: 60_000,
    help: 'lifetime of the CA (default 10 years); the serving certificate never outlives it',
    commands: CMD,
  },
];
