import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { ProviderFactory } from '../provider.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import type { CloudSettings } from '../cloud.js';
import { batchSizeFrom } from '../batch.js';
import { Route53Provider, ROUTE53_MAX_VALUES } from './route53.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface AwsSettings extends CloudSettings {
  readonly awsAssumeRole?: string;
  readonly awsAssumeRoleExternalId?: string;
  readonly awsBatchChangeSize?: number;
  readonly awsBatchChangeSizeBytes: number;
  readonly awsEndpointUrl?: string;
  readonly awsPreferCname: boolean;
  readonly awsProfile?: string;
  readonly awsRegion?: string;
  readonly awsZoneType: '' | 'public' | 'private';
  readonly awsEvaluateTargetHealth: boolean;
  readonly awsZoneTags: string[];
  readonly awsZoneMatchParent: boolean;
  readonly awsZonesCacheDuration: number;
}

/** --provider=aws: credentials from the SDK chain (env, shared config/profile, web identity, ECS/IMDS), optionally an assumed role. */
export const create: ProviderFactory<AwsSettings> = async (cfg, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  const region = cfg.awsRegion;
  const profile = cfg.awsProfile;
  const role = cfg.awsAssumeRole;
  const credentials = role
    ? fromTemporaryCredentials({
        params: {
          RoleArn: role,
          RoleSessionName: 'zoneguard',
          ...(cfg.awsAssumeRoleExternalId ? { ExternalId: cfg.awsAssumeRoleExternalId } : {}),
        },
        ...(profile ? { masterCredentials: fromIni({ profile }) } : {}),
        clientConfig: { region: region ?? 'us-east-1' },
      })
    : undefined;
  return new Route53Provider({
    region,
    profile: role ? undefined : profile,
    endpoint: cfg.awsEndpointUrl,
    credentials,
    zoneType: cfg.awsZoneType as '' | 'public' | 'private',
    selection: { ...zoneSelectionFrom(cfg, deps.domainFilter), matchParent: cfg.awsZoneMatchParent },
    evaluateTargetHealth: cfg.awsEvaluateTargetHealth,
    zoneTags: cfg.awsZoneTags,
    batchChangeSize: batchSizeFrom(cfg.awsBatchChangeSize, cfg.batchChangeSize, {
      flag: 'aws-batch-change-size',
      default: ROUTE53_MAX_VALUES,
      max: ROUTE53_MAX_VALUES,
      api: 'Route 53',
    }),
    batchChangeSizeBytes: cfg.awsBatchChangeSizeBytes,
    preferCname: cfg.awsPreferCname,
    intervalMs,
    // --aws-zones-cache-duration, else the zone-list cache all cloud providers share
    cacheMs: cfg.awsZonesCacheDuration > 0 ? cfg.awsZonesCacheDuration : cacheMs,
    logger: deps.logger,
  });
};
