import { describe, it } from 'vitest';
import { describeProviderContract } from '../../../test/contract/provider-contract.js';
import { route53Harness } from '../../../test/fakes/harnesses.js';
import { findMoto } from '../../../test/fakes/moto.js';

const moto = findMoto();
if (!moto.path && process.env.CI) throw new Error(`moto_server is required in CI: ${moto.reason}`);
if (moto.path)
  describeProviderContract('aws (Route 53 SDK against moto)', () => route53Harness(moto.path!), {
    timeout: 120_000,
  });
else describe('provider contract: aws', () => it.skip(`moto_server not found: ${moto.reason}`, () => {}));
