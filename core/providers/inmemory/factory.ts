import type { ProviderFactory } from '../provider.js';
import { InMemoryProvider } from './index.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface InmemorySettings {
  readonly inmemoryZone: string[];
  readonly inmemoryZoneFile: string[];
}

/** --inmemory-zone z (repeatable) and --inmemory-zone-file z=path (repeatable). */
export const create: ProviderFactory<InmemorySettings> = async (cfg, deps) => {
  const p = new InMemoryProvider({ zones: cfg.inmemoryZone, domainFilter: deps.domainFilter });
  for (const item of cfg.inmemoryZoneFile) {
    const i = item.indexOf('=');
    p.loadZoneFileFrom(item.slice(0, i), item.slice(i + 1));
  }
  return p;
};
