import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { InMemoryProvider } from './index.js';

describeProviderContract(
  'inmemory',
  async () => {
    const provider = new InMemoryProvider({ zones: ['example.com'] });
    return {
      provider,
      zone: 'example.com',
      seed: (records) => provider.applyChanges({ create: records, updateOld: [], updateNew: [], delete: [] }),
      close: async () => {},
    };
  },
  { noApi: true },
);
