/**
 * --provider-cache-time, as external-dns's CachedProvider (provider/cached_provider_test.go): reads
 * within the time come from the cache; a change set with changes drops it; an empty one does not
 * reach the provider; a failed read is not cached; 0 is no cache.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { emptyChanges, type Changes } from '../model/changes.js';
import { newEndpoint, type Endpoint } from '../model/endpoint.js';
import { cachedProvider } from './cached.js';
import type { Provider } from './provider.js';

/** A provider that counts its calls (the wrapper's behaviour is what is under test). */
function counting() {
  const calls = { records: 0, apply: 0 };
  let fail = false;
  let records: Endpoint[] = [newEndpoint('a.example.com', 'A', ['203.0.113.1'])];
  const p: Provider = {
    name: 'counting',
    zones: async () => [{ id: 'z', name: 'example.com' }],
    async records() {
      calls.records++;
      if (fail) throw new Error('provider down');
      return records.map((e) => ({ ...e, targets: [...e.targets] }));
    },
    async applyChanges(c: Changes) {
      calls.apply++;
      records = [...records, ...c.create];
    },
  };
  return { p, calls, setFail: (f: boolean) => (fail = f) };
}

const withCreate = (): Changes => ({
  ...emptyChanges(),
  create: [newEndpoint('b.example.com', 'A', ['203.0.113.2'])],
});

describe('--provider-cache-time', () => {
  type Step = ['read' | 'write' | 'write-empty' | 'fail' | 'recover' | { tick: number }, number?];
  const cases: { name: string; ttl: number; steps: Step[]; reads: number; applies: number }[] = [
    { name: '0s: every read lists', ttl: 0, steps: [['read'], ['read'], ['read']], reads: 3, applies: 0 },
    {
      name: 'reads within the time come from the cache',
      ttl: 60_000,
      steps: [['read'], ['read'], ['read']],
      reads: 1,
      applies: 0,
    },
    {
      name: 'the time runs out: the next read lists',
      ttl: 60_000,
      steps: [['read'], [{ tick: 59_999 }], ['read'], [{ tick: 1 }], ['read']],
      reads: 2,
      applies: 0,
    },
    {
      name: 'a write drops the cache',
      ttl: 60_000,
      steps: [['read'], ['write'], ['read'], ['read']],
      reads: 2,
      applies: 1,
    },
    {
      name: 'an empty change set reaches no provider and keeps the cache',
      ttl: 60_000,
      steps: [['read'], ['write-empty'], ['read']],
      reads: 1,
      applies: 0,
    },
    {
      name: 'a failed read is not cached',
      ttl: 60_000,
      steps: [['fail'], ['read'], ['recover'], ['read'], ['read']],
      reads: 2,
      applies: 0,
    },
  ];
  it.each(cases)('$name', async ({ ttl, steps, reads, applies }) => {
    const { p, calls, setFail } = counting();
    let t = 1_000;
    const c = cachedProvider(p, ttl, silentLogger(), () => t);
    for (const [s] of steps) {
      if (typeof s === 'object') t += s.tick;
      else if (s === 'read') await c.records().catch(() => undefined);
      else if (s === 'write') await c.applyChanges(withCreate());
      else if (s === 'write-empty') await c.applyChanges(emptyChanges());
      else setFail(s === 'fail');
    }
    expect(calls).toEqual({ records: reads, apply: applies });
  });

  it('the read after a write sees the write; a caller cannot change the cache', async () => {
    const { p } = counting();
    const c = cachedProvider(p, 60_000, silentLogger(), () => 0);
    const first = await c.records();
    first[0].targets.push('198.51.100.9');
    expect((await c.records())[0].targets).toEqual(['203.0.113.1']);
    await c.applyChanges(withCreate());
    expect((await c.records()).map((e) => e.dnsName)).toEqual(['a.example.com', 'b.example.com']);
  });
});
