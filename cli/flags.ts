/** Every flag of every command, assembled from the modules that own them. */
import { coreFlags, type FlagSpec } from '../core/config.js';
import { pdnsFlags } from '../core/providers/pdns/flags.js';
import { rfc2136Flags } from '../core/providers/rfc2136/flags.js';
import { doctorFlags } from '../doctor/flags.js';
import { certsInClusterFlags } from './commands/certs-in-cluster.js';
import { cloudFlags } from '../core/providers/cloud.js';
import { awsFlags } from '../core/providers/aws/flags.js';
import { cloudflareFlags } from '../core/providers/cloudflare/flags.js';
import { googleFlags } from '../core/providers/google/flags.js';
import { azureFlags } from '../core/providers/azure/flags.js';
import { reconcileFlags } from '../reconciler/flags.js';
import { webhookFlags } from '../webhook/flags.js';
import { certsFlags } from '../certs/flags.js';

const cliFlags: FlagSpec[] = [
  {
    name: 'file',
    short: 'f',
    type: 'strings',
    help: 'manifest files or directories (repeatable)',
    commands: ['validate', 'plan', 'reconcile', 'doctor', 'demo'],
  },
];

export const allFlags: FlagSpec[] = [
  ...coreFlags,
  ...cliFlags,
  ...cloudFlags,
  ...awsFlags,
  ...cloudflareFlags,
  ...googleFlags,
  ...azureFlags,
  ...doctorFlags,
  ...pdnsFlags,
  ...rfc2136Flags,
  ...certsInClusterFlags,
  ...reconcileFlags,
  ...webhookFlags,
  ...certsFlags,
];
