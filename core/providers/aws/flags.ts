/** Route 53 flags (external-dns's names). Credentials come from the AWS SDK's standard chain only. */
import type { FlagSpec } from '../../config.js';

export const awsFlags: FlagSpec[] = [
  {
    name: 'aws-zone-type',
    type: 'enum',
    choices: ['', 'public', 'private'],
    default: '',
    help: 'only public or only private hosted zones (default: both)',
  },
  {
    name: 'aws-region',
    type: 'string',
    help: 'AWS region for the SDK (Route 53 is global; default us-east-1 or the SDK chain)',
  },
  { name: 'aws-profile', type: 'string', help: 'shared config/credentials profile to use' },
  {
    name: 'aws-assume-role',
    type: 'string',
    help: 'ARN of a role to assume (STS AssumeRole) on top of the standard credential chain',
  },
  {
    name: 'aws-assume-role-external-id',
    type: 'string',
    help: 'external id to pass when assuming --aws-assume-role',
  },
  {
    name: 'aws-batch-change-size',
    type: 'int',
    min: 1,
    default: 1000,
    help: 'most changes per ChangeResourceRecordSets request (Route 53 maximum: 1000, an UPSERT counting twice)',
    check: (v) => ((v as number) > 1000 ? 'Route 53 accepts at most 1000' : undefined),
  },
  {
    name: 'aws-batch-change-size-bytes',
    type: 'int',
    min: 1,
    default: 32000,
    help: 'most value characters per ChangeResourceRecordSets request (Route 53 maximum: 32000)',
  },
  {
    name: 'aws-prefer-cname',
    type: 'boolean',
    default: false,
    help: 'write CNAMEs to AWS load balancers and CloudFront instead of alias A records',
  },
  {
    name: 'aws-endpoint-url',
    type: 'string',
    help: 'Route 53 API endpoint override (testing, air-gapped emulators)',
  },
];
