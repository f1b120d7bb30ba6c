import { DefaultAzureCredential } from '@azure/identity';
import { num, str, type Config } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { ProviderDeps, ProviderFactory } from '../catalog.js';
import { retryOptionsFrom, zoneSelectionFrom } from '../cloud.js';
import { AZURE_DEFAULT_CONCURRENCY, AzureProvider } from './azure.js';

/**
 * --provider=azure and --provider=azure-private-dns: DefaultAzureCredential (environment service
 * principal, workload identity, managed identity, Azure CLI), as @azure/identity resolves it.
 */
function factory(isPrivate: boolean): ProviderFactory {
  return async (cfg: Config, deps: ProviderDeps) => {
    const subscriptionId = str(cfg, 'azureSubscriptionId') ?? deps.env.AZURE_SUBSCRIPTION_ID;
    if (!subscriptionId)
      throw new ConfigError(
        'azure-subscription-id',
        'is required for the azure providers (or set AZURE_SUBSCRIPTION_ID)',
      );
    const clientId = str(cfg, 'azureUserAssignedIdentityClientId');
    const endpoint = str(cfg, 'azureEndpoint');
    return new AzureProvider({
      private: isPrivate,
      credential: new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {}),
      subscriptionId,
      resourceGroup: str(cfg, 'azureResourceGroup'),
      endpoint,
      selection: zoneSelectionFrom(cfg, deps.domainFilter),
      concurrency: num(cfg, 'azureConcurrency', AZURE_DEFAULT_CONCURRENCY),
      cacheMs: retryOptionsFrom(cfg).cacheMs,
      logger: deps.logger,
    });
  };
}

export const create = factory(false);
export const createPrivate = factory(true);
