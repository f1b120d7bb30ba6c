/** Cloudflare flags (external-dns's names where it has them). The API token comes from CF_API_TOKEN or a file, never a flag value. */
import type { FlagSpec } from '../../config.js';

export const cloudflareFlags: FlagSpec[] = [
  {
    name: 'cloudflare-proxied',
    type: 'boolean',
    default: false,
    help: 'proxy A/AAAA/CNAME records through Cloudflare by default (the cloudflare-proxied annotation overrides it)',
  },
  {
    name: 'cloudflare-record-comment',
    type: 'string',
    default: '',
    help: 'comment written on every record zoneguard creates or updates',
    check: (v) =>
      String(v).length > 500
        ? 'Cloudflare comments are at most 500 characters (100 on the Free plan)'
        : undefined,
  },
  {
    name: 'cloudflare-dns-records-per-page',
    type: 'int',
    min: 1,
    default: 5000,
    help: 'records per page when listing a zone (Cloudflare maximum: 5000)',
    check: (v) => ((v as number) > 5000 ? 'Cloudflare accepts at most 5000' : undefined),
  },
  {
    name: 'cloudflare-batch-change-size',
    type: 'int',
    min: 1,
    default: 200,
    help: 'most record operations per dns_records/batch request (Free plan: 200, Pro and above: 3500)',
    check: (v) => ((v as number) > 3500 ? 'Cloudflare accepts at most 3500' : undefined),
  },
  {
    name: 'cloudflare-api-token-file',
    type: 'string',
    help: 'file holding the API token (default: the CF_API_TOKEN environment variable)',
  },
  { name: 'cloudflare-base-url', type: 'string', help: 'Cloudflare API base URL override (testing)' },
];
