import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { bool, num, str, type Config } from '../../config.js';
import type { ProviderFactory } from '../catalog.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import { Route53Provider } from './route53.js';

/** --provider=aws: credentials from the SDK chain (env, shared config/profile, web identity, ECS/IMDS), optionally an assumed role. */
export const create: ProviderFactory = async (cfg: Config, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  const region = str(cfg, 'awsRegion');
  const profile = str(cfg, 'awsProfile');
  const role = str(cfg, 'awsAssumeRole');
  const credentials = role
    ? fromTemporaryCredentials({
        params: {
          RoleArn: role,
          RoleSessionName: 'zoneguard',
          ...(str(cfg, 'awsAssumeRoleExternalId') ? { ExternalId: str(cfg, 'awsAssumeRoleExternalId') } : {}),
        },
        ...(profile ? { masterCredentials: fromIni({ profile }) } : {}),
        clientConfig: { region: region ?? 'us-east-1' },
      })
    : undefined;
  return new Route53Provider({
    region,
    profile: role ? undefined : profile,
    endpoint: str(cfg, 'awsEndpointUrl'),
    credentials,
    zoneType: (str(cfg, 'awsZoneType') ?? '') as '' | 'public' | 'private',
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    batchChangeSize: num(cfg, 'awsBatchChangeSize', 1000),
    batchChangeSizeBytes: num(cfg, 'awsBatchChangeSizeBytes', 32000),
    preferCname: bool(cfg, 'awsPreferCname'),
    intervalMs,
    cacheMs,
    logger: deps.logger,
  });
};
