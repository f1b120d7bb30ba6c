/** Azure DNS and Azure Private DNS flags. Credentials come from @azure/identity's DefaultAzureCredential chain only. */
import type { FlagSpec } from '../../config.js';

export const azureFlags: FlagSpec[] = [
  {
    name: 'azure-subscription-id',
    type: 'string',
    help: 'subscription holding the DNS zones (default: AZURE_SUBSCRIPTION_ID)',
  },
  {
    name: 'azure-resource-group',
    type: 'string',
    help: 'only zones of this resource group (default: every zone of the subscription)',
  },
  {
    name: 'azure-user-assigned-identity-client-id',
    type: 'string',
    help: 'client id of the user-assigned managed identity to authenticate as',
  },
  {
    name: 'azure-concurrency',
    type: 'int',
    min: 1,
    default: 8,
    help: 'record-set calls in flight at once (Azure DNS has no batch API: one call per record set)',
  },
  {
    name: 'azure-endpoint',
    type: 'string',
    help: 'Azure Resource Manager endpoint override (sovereign clouds, testing); default https://management.azure.com',
  },
];
