import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { azureHarness } from '../../../test/fakes/harnesses.js';

describeProviderContract('azure (SDK against the ARM fake)', () => azureHarness('example.com', 'public'));
describeProviderContract('azure-private-dns (SDK against the ARM fake)', () =>
  azureHarness('example.org', 'private'),
);
