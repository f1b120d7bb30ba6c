import { num, str, type Config } from '../../config.js';
import type { ProviderFactory } from '../catalog.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import { CloudDnsProvider } from './clouddns.js';

/**
 * --provider=google: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
 * application-default login, workload identity / the metadata server), as the SDK resolves them.
 */
export const create: ProviderFactory = async (cfg: Config, deps) => {
  const { intervalMs, cacheMs } = retryOptionsFrom(cfg);
  const provider = new CloudDnsProvider({
    project: str(cfg, 'googleProject') ?? '',
    apiEndpoint: str(cfg, 'googleApiEndpoint'),
    zoneVisibility: (str(cfg, 'googleZoneVisibility') ?? '') as '' | 'public' | 'private',
    selection: zoneSelectionFrom(cfg, deps.domainFilter),
    batchSize: num(cfg, 'googleBatchChangeSize', 1000),
    intervalMs,
    cacheMs,
    logger: deps.logger,
  });
  if (!str(cfg, 'googleProject')) {
    // as external-dns: fall back to the project of the credentials
    provider.dns.projectId = await provider.dns.getProjectId();
  }
  return provider;
};
