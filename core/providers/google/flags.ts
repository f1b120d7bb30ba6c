/** Google Cloud DNS flags (external-dns's names). Credentials come from Application Default Credentials only. */
import type { FlagSpec } from '../../config.js';

export const googleFlags: FlagSpec[] = [
  {
    name: 'google-project',
    type: 'string',
    help: "project holding the managed zones (default: the credentials' project)",
  },
  {
    name: 'google-zone-visibility',
    type: 'enum',
    choices: ['', 'public', 'private'],
    default: '',
    help: 'only public or only private managed zones (default: both)',
  },
  {
    name: 'google-batch-change-size',
    type: 'int',
    min: 1,
    default: 1000,
    help: 'most rrset additions plus deletions per Cloud DNS change',
    check: (v) => ((v as number) > 1000 ? 'Cloud DNS accepts at most 1000' : undefined),
  },
  {
    name: 'google-api-endpoint',
    type: 'string',
    help: 'Cloud DNS API endpoint override: a host (private endpoint) or a URL (testing)',
  },
];
