import { readSecretFile } from '../../secrets.js';
import { ConfigError } from '../../errors.js';
import type { ProviderFactory } from '../provider.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import type { CloudSettings } from '../cloud.js';
import { batchSizeFrom } from '../batch.js';
import { CF_DEFAULT_BATCH, CF_MAX_BATCH, CloudflareProvider } from './cloudflare.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface CloudflareSettings extends CloudSettings {
  readonly cloudflareApiTokenFile?: string;
  readonly cloudflareBaseUrl?: string;
  readonly cloudflareBatchChangeSize?: number;
  readonly cloudflareDnsRecordsPerPage: number;
  readonly cloudflareProxied: boolean;
  readonly cloudflareRecordComment: string;
}

/** --provider=cloudflare: API token from --cloudflare-api-token-file or CF_API_TOKEN (never logged). */
export const create: ProviderFactory<CloudflareSettings> = async (cfg, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  return new CloudflareProvider({
    apiToken: tokenFrom(cfg, deps.env),
    baseURL: cfg.cloudflareBaseUrl,
    proxiedByDefault: cfg.cloudflareProxied,
    recordComment: cfg.cloudflareRecordComment || undefined,
    batchSize: batchSizeFrom(cfg.cloudflareBatchChangeSize, cfg.batchChangeSize, {
      flag: 'cloudflare-batch-change-size',
      default: CF_DEFAULT_BATCH,
      max: CF_MAX_BATCH,
      api: 'Cloudflare',
    }),
    perPage: cfg.cloudflareDnsRecordsPerPage,
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    intervalMs,
    cacheMs,
    logger: deps.logger,
  });
};

export function tokenFrom(
  cfg: Pick<CloudflareSettings, 'cloudflareApiTokenFile'>,
  env: Record<string, string | undefined>,
): string {
  const file = cfg.cloudflareApiTokenFile;
  if (file) {
    const token = readSecretFile('cloudflare-api-token-file', file);
    if (!token) throw new ConfigError('cloudflare-api-token-file', `${file} is empty`);
    return token;
  }
  const token = env.CF_API_TOKEN?.trim();
  if (!token)
    throw new ConfigError(
      'cloudflare-api-token-file',
      'no Cloudflare API token: set CF_API_TOKEN or --cloudflare-api-token-file',
    );
  return token;
}
