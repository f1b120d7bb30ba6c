import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { googleHarness } from '../../../test/fakes/harnesses.js';

describeProviderContract('google (SDK against the API fake)', () => googleHarness());
