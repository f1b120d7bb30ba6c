import { num, readSecretFile, str, type Config } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { ProviderFactory } from '../catalog.js';
import { zoneSelectionFrom } from '../cloud.js';
import { PdnsProvider } from './pdns.js';

function apiKeyFrom(cfg: Config): string {
  const file = str(cfg, 'pdnsApiKeyFile');
  if (file) return readSecretFile('pdns-api-key-file', file);
  const key = str(cfg, 'pdnsApiKey');
  if (!key)
    throw new ConfigError(
      'pdns-api-key',
      'is required for --provider pdns (or ZONEGUARD_PDNS_API_KEY, or --pdns-api-key-file)',
    );
  return key;
}

/** --provider=pdns */
export const create: ProviderFactory = async (cfg, deps) => {
  const server = str(cfg, 'pdnsServer') ?? 'http://localhost:8081';
  try {
    new URL(server);
  } catch {
    throw new ConfigError('pdns-server', `"${server}" is not a URL`);
  }
  return new PdnsProvider({
    server,
    apiKey: apiKeyFrom(cfg),
    serverId: str(cfg, 'pdnsServerId') ?? 'localhost',
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    batchSize: num(cfg, 'pdnsBatchChangeSize', 1000),
    timeoutMs: num(cfg, 'pdnsTimeout', 10_000),
    logger: deps.logger,
  });
};
