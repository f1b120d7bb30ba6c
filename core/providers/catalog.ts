/**
 * Provider catalog: --provider name → factory, loaded lazily so that a command pays only for the
 * SDK it uses. Each provider folder exports `create(cfg, deps)` from its factory module and its
 * flags from flags.ts (assembled in cli/flags.ts).
 */
import type { Config } from '../config.js';
import type { DomainFilter } from '../domain-filter.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Provider } from './provider.js';

export interface ProviderDeps {
  logger: Logger;
  domainFilter: DomainFilter;
  /** Environment, for credential chains that read it (never logged). */
  env: Record<string, string | undefined>;
}

export type ProviderFactory = (cfg: Config, deps: ProviderDeps) => Promise<Provider>;

const catalog: Record<string, () => Promise<ProviderFactory>> = {
  inmemory: async () => (await import('./inmemory/factory.js')).create,
  rfc2136: async () => (await import('./rfc2136/factory.js')).create,
  pdns: async () => (await import('./pdns/factory.js')).create,
  aws: async () => (await import('./aws/factory.js')).create,
  cloudflare: async () => (await import('./cloudflare/factory.js')).create,
  google: async () => (await import('./google/factory.js')).create,
  azure: async () => (await import('./azure/factory.js')).create,
  'azure-private-dns': async () => (await import('./azure/factory.js')).createPrivate,
};

export function knownProviders(): string[] {
  return Object.keys(catalog);
}

export async function createProvider(name: string, cfg: Config, deps: ProviderDeps): Promise<Provider> {
  const load = catalog[name];
  if (!load)
    throw new ConfigError(
      'provider',
      `provider "${name}" is not available (available: ${knownProviders().join(', ')})`,
    );
  const factory = await load();
  return factory(cfg, deps);
}
