import { describe, expect, it } from 'vitest';
import { emptyChanges } from '../model/changes.js';
import { newEndpoint } from '../model/endpoint.js';
import { InMemoryProvider } from '../providers/inmemory/index.js';
import type { Provider } from '../providers/provider.js';
import { CachedRegistry } from './cached-registry.js';
import { TxtRegistry } from './txt-registry.js';

function counting(p: Provider): { provider: Provider; reads: () => number } {
  let n = 0;
  const provider: Provider = {
    name: p.name,
    zones: () => p.zones(),
    records: () => {
      n++;
      return p.records();
    },
    applyChanges: (c) => p.applyChanges(c),
  };
  return { provider, reads: () => n };
}

describe('--txt-cache-interval: the registry read is reused for the interval', () => {
  it('reads once per interval, again after it, and again after a write', async () => {
    const inner = new InMemoryProvider({ zones: ['example.com'] });
    const { provider, reads } = counting(inner);
    let now = 0;
    const registry = new CachedRegistry(new TxtRegistry(provider, { ownerId: 'a' }), 60_000, () => now);
    await registry.records();
    now = 59_999;
    await registry.records();
    expect(reads()).toBe(1);
    now = 60_000;
    await registry.records();
    expect(reads()).toBe(2);
    await registry.applyChanges({
      ...emptyChanges(),
      create: [newEndpoint('app.example.com', 'A', ['192.0.2.1'])],
    });
    const after = await registry.records();
    expect(reads()).toBe(3);
    expect(after.find((e) => e.dnsName === 'app.example.com')?.labels.owner).toBe('a');
  });
  it('a cached read cannot be changed by its reader', async () => {
    const inner = new InMemoryProvider({ zones: ['example.com'] });
    await inner.applyChanges({
      ...emptyChanges(),
      create: [newEndpoint('x.example.com', 'A', ['192.0.2.1'])],
    });
    const registry = new CachedRegistry(new TxtRegistry(inner, { ownerId: 'a' }), 60_000, () => 0);
    (await registry.records())[0].targets.push('192.0.2.99');
    expect((await registry.records())[0].targets).toEqual(['192.0.2.1']);
  });
});
