/**
 * The webhook's settings checked before anything starts (exit 2 naming the flag). Apart from
 * run.ts so that the CLI can check them without loading the HTTPS server and its dependencies.
 */
import { ConfigError } from '../core/errors.js';
import { parseListenAddress } from '../core/listen.js';

/** The part of WebhookSettings (run.ts) the check reads. */
export interface WebhookCheckedSettings {
  readonly listenAddress: string;
  readonly maxOwnershipAge: number;
  readonly metricsAddress: string;
  readonly ownershipRefresh: number;
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
}

export function checkWebhookConfig(cfg: WebhookCheckedSettings): void {
  if (!cfg.tlsCertFile)
    throw new ConfigError(
      'tls-cert-file',
      'give the serving certificate (PEM), e.g. tls.crt made by `zoneguard certs`',
    );
  if (!cfg.tlsPrivateKeyFile)
    throw new ConfigError(
      'tls-private-key-file',
      'give the private key (PEM), e.g. tls.key made by `zoneguard certs`',
    );
  if (cfg.maxOwnershipAge < cfg.ownershipRefresh)
    throw new ConfigError(
      'max-ownership-age',
      'must be at least --ownership-refresh, or the data would be stale between two refreshes',
    );
  parseListenAddress(cfg.listenAddress, 'listen-address');
  if (cfg.metricsAddress) parseListenAddress(cfg.metricsAddress, 'metrics-address');
}
