/**
 * Provider catalog: --provider name → factory, loaded lazily so that a command pays only for the
 * SDK it uses. Each provider folder exports `create(settings, deps)` from its factory module, typed
 * by the slice of the settings it reads.
 */
import { ConfigError } from '../errors.js';
import type { Provider, ProviderDeps, ProviderFactory } from './provider.js';
import type { AwsSettings } from './aws/factory.js';
import type { AzureSettings } from './azure/factory.js';
import type { CloudflareSettings } from './cloudflare/factory.js';
import type { GoogleSettings } from './google/factory.js';
import type { InmemorySettings } from './inmemory/factory.js';
import type { PdnsSettings } from './pdns/factory.js';
import type { Rfc2136Settings } from './rfc2136/factory.js';

/** Every provider's settings: what a --provider choice may read. */
export type ProviderSettings = AwsSettings &
  AzureSettings &
  CloudflareSettings &
  GoogleSettings &
  InmemorySettings &
  PdnsSettings &
  Rfc2136Settings;

const catalog = {
  inmemory: async () => (await import('./inmemory/factory.js')).create,
  rfc2136: async () => (await import('./rfc2136/factory.js')).create,
  pdns: async () => (await import('./pdns/factory.js')).create,
  aws: async () => (await import('./aws/factory.js')).create,
  google: async () => (await import('./google/factory.js')).create,
  azure: async () => (await import('./azure/factory.js')).create,
  'azure-private-dns': async () => (await import('./azure/factory.js')).createPrivate,
  cloudflare: async () => (await import('./cloudflare/factory.js')).create,
} satisfies Record<string, () => Promise<ProviderFactory<never>>>;

export type ProviderName = keyof typeof catalog;

/** The --provider choices. */
export const PROVIDERS = Object.keys(catalog) as ProviderName[];

export async function createProvider(
  name: string,
  settings: ProviderSettings,
  deps: ProviderDeps,
): Promise<Provider> {
  const load = (catalog as Record<string, () => Promise<ProviderFactory<ProviderSettings>>>)[name];
  if (!load)
    throw new ConfigError(
      'provider',
      `provider "${name}" is not available (available: ${PROVIDERS.join(', ')})`,
    );
  const factory = await load();
  return factory(settings, deps);
}
