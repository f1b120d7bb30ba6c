import type { ProviderFactory } from '../provider.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import type { CloudSettings } from '../cloud.js';
import { batchSizeFrom } from '../batch.js';
import { CloudDnsProvider, GOOGLE_DEFAULT_BATCH } from './clouddns.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface GoogleSettings extends CloudSettings {
  readonly googleApiEndpoint?: string;
  readonly googleBatchChangeSize?: number;
  readonly googleProject?: string;
  readonly googleZoneVisibility: '' | 'public' | 'private';
}

/**
 * --provider=google: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
 * application-default login, workload identity / the metadata server), as the SDK resolves them.
 */
export const create: ProviderFactory<GoogleSettings> = async (cfg, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  const provider = new CloudDnsProvider({
    project: cfg.googleProject ?? '',
    apiEndpoint: cfg.googleApiEndpoint,
    zoneVisibility: cfg.googleZoneVisibility as '' | 'public' | 'private',
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    batchSize: batchSizeFrom(cfg.googleBatchChangeSize, cfg.batchChangeSize, {
      flag: 'google-batch-change-size',
      default: GOOGLE_DEFAULT_BATCH,
      max: GOOGLE_DEFAULT_BATCH,
      api: 'Cloud DNS',
    }),
    intervalMs,
    cacheMs,
    logger: deps.logger,
  });
  if (!cfg.googleProject) {
    // as external-dns: fall back to the project of the credentials
    provider.dns.projectId = await provider.dns.getProjectId();
  }
  return provider;
};
