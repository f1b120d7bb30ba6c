import { readSecretFile } from '../../secrets.js';
import { ConfigError } from '../../errors.js';
import type { ProviderFactory } from '../provider.js';
import { batchSizeFrom } from '../batch.js';
import { RFC2136_DEFAULT_BATCH, Rfc2136Provider } from './rfc2136.js';
import { tsigAlgorithm, type TsigKey } from './tsig.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface Rfc2136Settings {
  readonly batchChangeInterval?: number;
  readonly rfc2136BatchChangeSize?: number;
  readonly batchChangeSize?: number;
  readonly rfc2136Host?: string;
  readonly rfc2136Insecure: boolean;
  readonly rfc2136MinTtl: number;
  readonly rfc2136Port: number;
  readonly rfc2136Timeout: number;
  readonly rfc2136TsigAxfr: boolean;
  readonly rfc2136TsigKeyname?: string;
  readonly rfc2136TsigSecret?: string;
  readonly rfc2136TsigSecretAlg: string;
  readonly rfc2136TsigSecretFile?: string;
  readonly rfc2136Zone: string[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function secretFrom(cfg: Rfc2136Settings): string | undefined {
  const file = cfg.rfc2136TsigSecretFile;
  if (file) return readSecretFile('rfc2136-tsig-secret-file', file);
  return cfg.rfc2136TsigSecret;
}

function tsigFrom(cfg: Rfc2136Settings): TsigKey | undefined {
  const name = cfg.rfc2136TsigKeyname;
  const secret = secretFrom(cfg);
  if (cfg.rfc2136Insecure) {
    if (name || secret)
      throw new ConfigError(
        'rfc2136-insecure',
        'cannot be combined with a TSIG key (--rfc2136-tsig-keyname / secret)',
      );
    return undefined;
  }
  if (!name)
    throw new ConfigError(
      'rfc2136-tsig-keyname',
      'is required for --provider rfc2136 (or pass --rfc2136-insecure for a server that takes unsigned updates)',
    );
  if (!secret)
    throw new ConfigError(
      'rfc2136-tsig-secret',
      'is required with --rfc2136-tsig-keyname (set ZONEGUARD_RFC2136_TSIG_SECRET or --rfc2136-tsig-secret-file)',
    );
  if (!BASE64.test(secret) || Buffer.from(secret, 'base64').length === 0)
    throw new ConfigError('rfc2136-tsig-secret', 'is not base64 (as in BIND\'s key { secret "..."; })');
  const algorithm = cfg.rfc2136TsigSecretAlg;
  if (!tsigAlgorithm(algorithm))
    throw new ConfigError('rfc2136-tsig-secret-alg', `"${algorithm}" is not a TSIG algorithm`);
  return { name, secret, algorithm: tsigAlgorithm(algorithm)! };
}

/** --provider=rfc2136 */
export const create: ProviderFactory<Rfc2136Settings> = async (cfg, deps) => {
  const host = cfg.rfc2136Host;
  if (!host) throw new ConfigError('rfc2136-host', 'is required for --provider rfc2136');
  const zones = cfg.rfc2136Zone;
  if (zones.length === 0)
    throw new ConfigError('rfc2136-zone', 'is required for --provider rfc2136 (repeat it for several zones)');
  for (const z of zones)
    if (!/^[a-z0-9_.-]+\.?$/i.test(z.trim()))
      throw new ConfigError('rfc2136-zone', `"${z}" is not a zone name`);
  return new Rfc2136Provider({
    host,
    port: cfg.rfc2136Port,
    zones,
    tsig: tsigFrom(cfg),
    tsigAxfr: cfg.rfc2136TsigAxfr !== false,
    batchSize: batchSizeFrom(cfg.rfc2136BatchChangeSize, cfg.batchChangeSize, {
      flag: 'rfc2136-batch-change-size',
      default: RFC2136_DEFAULT_BATCH,
    }),
    // external-dns's rfc2136 never pauses; the server is usually the operator's own
    intervalMs: cfg.batchChangeInterval ?? 0,
    minTtl: Math.floor(cfg.rfc2136MinTtl / 1000),
    timeoutMs: cfg.rfc2136Timeout,
    logger: deps.logger,
  });
};
