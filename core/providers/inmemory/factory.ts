import { strs } from '../../config.js';
import type { ProviderFactory } from '../catalog.js';
import { InMemoryProvider } from './index.js';

/** --inmemory-zone z (repeatable) and --inmemory-zone-file z=path (repeatable). */
export const create: ProviderFactory = async (cfg, deps) => {
  const p = new InMemoryProvider({ zones: strs(cfg, 'inmemoryZone'), domainFilter: deps.domainFilter });
  for (const item of strs(cfg, 'inmemoryZoneFile')) {
    const i = item.indexOf('=');
    p.loadZoneFileFrom(item.slice(0, i), item.slice(i + 1));
  }
  return p;
};
