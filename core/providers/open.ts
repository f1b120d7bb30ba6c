/** Opens the configured provider and its TXT registry, and reads ownership for the rules. */
import type { Logger } from '../log.js';
import { OwnershipIndex } from '../ownership.js';
import type { ProviderSettings } from './catalog.js';
import type { Registry } from '../registry/registry.js';
import { domainFilterFrom, registryFrom, type PolicySettings } from '../setup.js';
import { createProvider } from './catalog.js';
import type { Provider } from './provider.js';
import { observeProvider, type ProviderObserver } from './instrument.js';
import { cachedProvider } from './cached.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface OpenSettings extends PolicySettings, ProviderSettings {
  readonly provider?: string;
}

export interface OpenedProvider {
  provider: Provider;
  registry: Registry;
}

export async function openProvider(
  cfg: OpenSettings,
  logger: Logger,
  env: Record<string, string | undefined>,
  /** Told the duration and result of every provider call (the apps' request-duration histogram). */
  observe?: ProviderObserver,
  /**
   * Keep the record list for --provider-cache-time (the reconciler's syncs). The webhook reads
   * ownership every --ownership-refresh and on a reconciler's signal, which a cache would answer
   * with what it read before that reconciler's write; one-shot commands read once.
   */
  cacheRecords = false,
): Promise<OpenedProvider | undefined> {
  const name = cfg.provider;
  if (!name) return undefined;
  const created = await createProvider(name, cfg, { logger, domainFilter: domainFilterFrom(cfg), env });
  // timed calls are the provider's own: the cache sits above them
  const provider = cachedProvider(
    observe ? observeProvider(created, observe) : created,
    cacheRecords ? cfg.providerCacheTime : 0,
    logger,
  );
  return { provider, registry: registryFrom(cfg, provider) };
}

export async function readOwnership(registry: Registry): Promise<OwnershipIndex> {
  return new OwnershipIndex(await registry.snapshot());
}
