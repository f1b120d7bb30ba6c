import { readSecretFile } from '../../secrets.js';
import { ConfigError } from '../../errors.js';
import type { ProviderFactory } from '../provider.js';
import { zoneSelectionFrom, type ZoneFilterSettings } from '../cloud.js';
import { batchSizeFrom } from '../batch.js';
import { PDNS_DEFAULT_BATCH, PdnsProvider } from './pdns.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface PdnsSettings extends ZoneFilterSettings {
  readonly batchChangeInterval?: number;
  readonly pdnsApiKey?: string;
  readonly pdnsApiKeyFile?: string;
  readonly pdnsBatchChangeSize?: number;
  readonly batchChangeSize?: number;
  readonly pdnsServer: string;
  readonly pdnsServerId: string;
  readonly pdnsTimeout: number;
}

function apiKeyFrom(cfg: PdnsSettings): string {
  const file = cfg.pdnsApiKeyFile;
  if (file) return readSecretFile('pdns-api-key-file', file);
  const key = cfg.pdnsApiKey;
  if (!key)
    throw new ConfigError(
      'pdns-api-key',
      'is required for --provider pdns (or ZONEGUARD_PDNS_API_KEY, or --pdns-api-key-file)',
    );
  return key;
}

/** --provider=pdns */
export const create: ProviderFactory<PdnsSettings> = async (cfg, deps) => {
  const server = cfg.pdnsServer;
  try {
    new URL(server);
  } catch {
    throw new ConfigError('pdns-server', `"${server}" is not a URL`);
  }
  return new PdnsProvider({
    server,
    apiKey: apiKeyFrom(cfg),
    serverId: cfg.pdnsServerId,
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    batchSize: batchSizeFrom(cfg.pdnsBatchChangeSize, cfg.batchChangeSize, {
      flag: 'pdns-batch-change-size',
      default: PDNS_DEFAULT_BATCH,
    }),
    intervalMs: cfg.batchChangeInterval ?? 0,
    timeoutMs: cfg.pdnsTimeout,
    logger: deps.logger,
  });
};
