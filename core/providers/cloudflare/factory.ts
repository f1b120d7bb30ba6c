import { bool, num, readSecretFile, str, type Config } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { ProviderFactory } from '../catalog.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import { CloudflareProvider } from './cloudflare.js';

/** --provider=cloudflare: API token from --cloudflare-api-token-file or CF_API_TOKEN (never logged). */
export const create: ProviderFactory = async (cfg: Config, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  return new CloudflareProvider({
    apiToken: tokenFrom(cfg, deps.env),
    baseURL: str(cfg, 'cloudflareBaseUrl'),
    proxiedByDefault: bool(cfg, 'cloudflareProxied'),
    recordComment: str(cfg, 'cloudflareRecordComment') || undefined,
    batchSize: num(cfg, 'cloudflareBatchChangeSize', 200),
    perPage: num(cfg, 'cloudflareDnsRecordsPerPage', 5000),
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    intervalMs,
    cacheMs,
    logger: deps.logger,
  });
};

export function tokenFrom(cfg: Config, env: Record<string, string | undefined>): string {
  const file = str(cfg, 'cloudflareApiTokenFile');
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
