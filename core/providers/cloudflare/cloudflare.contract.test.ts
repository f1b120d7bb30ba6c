import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { cloudflareHarness } from '../../../test/fakes/harnesses.js';

describeProviderContract('cloudflare (SDK against the API fake)', () => cloudflareHarness());
