import { DefaultAzureCredential } from '@azure/identity';
import { ConfigError } from '../../errors.js';
import type { ProviderDeps, ProviderFactory } from '../provider.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import type { CloudSettings } from '../cloud.js';
import { AzureProvider } from './azure.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface AzureSettings extends CloudSettings {
  readonly azureZonesCacheDuration: number;
  readonly azureConcurrency: number;
  readonly azureEndpoint?: string;
  readonly azureResourceGroup?: string;
  readonly azureSubscriptionId?: string;
  readonly azureUserAssignedIdentityClientId?: string;
}

/**
 * --provider=azure and --provider=azure-private-dns: DefaultAzureCredential (environment service
 * principal, workload identity, managed identity, Azure CLI), as @azure/identity resolves it.
 */
function factory(isPrivate: boolean): ProviderFactory<AzureSettings> {
  return async (cfg: AzureSettings, deps: ProviderDeps) => {
    const subscriptionId = cfg.azureSubscriptionId ?? deps.env.AZURE_SUBSCRIPTION_ID;
    if (!subscriptionId)
      throw new ConfigError(
        'azure-subscription-id',
        'is required for the azure providers (or set AZURE_SUBSCRIPTION_ID)',
      );
    const clientId = cfg.azureUserAssignedIdentityClientId;
    const endpoint = cfg.azureEndpoint;
    return new AzureProvider({
      private: isPrivate,
      credential: new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {}),
      subscriptionId,
      resourceGroup: cfg.azureResourceGroup,
      endpoint,
      selection: zoneSelectionFrom(cfg, deps.domainFilter),
      concurrency: cfg.azureConcurrency,
      cacheMs: cfg.azureZonesCacheDuration > 0 ? cfg.azureZonesCacheDuration : retryOptionsFrom(cfg).cacheMs,
      logger: deps.logger,
    });
  };
}

export const create = factory(false);
export const createPrivate = factory(true);
