import { describe, expect, it } from 'vitest';
import { newEndpoint } from '../model/endpoint.js';
import { ProviderError } from '../errors.js';
import { changesOf, flattenChanges, splitChanges, ZoneCache } from './batch.js';
import { backoffDelay, withRetry } from '../backoff.js';

const rec = (i: number) => newEndpoint(`h${i}.example.com`, 'A', ['192.0.2.1']);

describe('splitChanges', () => {
  const changes = flattenChanges({
    create: [rec(1), rec(2), rec(3)],
    delete: [rec(4)],
    updateOld: [rec(5)],
    updateNew: [rec(5)],
  });
  const table: {
    name: string;
    max: number;
    cost?: (c: (typeof changes)[number]) => number;
    maxSize?: number;
    want: number[];
  }[] = [
    { name: 'one batch when under the limit', max: 10, want: [5] },
    { name: 'exact split', max: 1, want: [1, 1, 1, 1, 1] },
    { name: 'split at the limit', max: 2, want: [2, 2, 1] },
    {
      name: 'updates cost two (Route 53 counts DELETE+CREATE)',
      max: 2,
      cost: (c) => (c.action === 'update' ? 2 : 1),
      want: [1, 1, 2, 1],
    },
    { name: 'a size budget splits too', max: 100, maxSize: 40, want: [2, 2, 1] },
  ];
  for (const t of table) {
    it(t.name, () => {
      const batches = splitChanges(changes, {
        maxChanges: t.max,
        cost: t.cost,
        maxSize: t.maxSize,
        size: () => 20,
      });
      expect(batches.map((b) => b.length)).toEqual(t.want);
      expect(batches.flat()).toEqual(changes);
    });
  }
  it('orders deletes, updates, creates and round-trips', () => {
    expect(changes.map((c) => c.action)).toEqual(['delete', 'update', 'create', 'create', 'create']);
    expect(changesOf(changes).updateNew).toEqual([rec(5)]);
  });
});

describe('withRetry', () => {
  it('retries retryable errors with capped jittered backoff, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const r = await withRetry(
      async () => {
        if (++calls < 4) throw new ProviderError('p', 'throttled', true);
        return 'ok';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 1, baseDelayMs: 100, maxDelayMs: 250 },
    );
    expect(r).toBe('ok');
    expect(delays).toEqual([100, 200, 250]);
  });
  it('does not retry a non-retryable error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ProviderError('p', 'BADSIG', false);
        },
        { sleep: async () => {} },
      ),
    ).rejects.toThrow('BADSIG');
    expect(calls).toBe(1);
  });
  it('gives up after the attempts', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ProviderError('p', 'down', true);
        },
        { attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
  });
  it('full jitter stays within the cap', () => {
    for (let a = 0; a < 20; a++) expect(backoffDelay(a, 200, 5000, () => 0.999)).toBeLessThan(5000);
  });
});

describe('ZoneCache', () => {
  it('lists once per interval', async () => {
    let now = 0;
    let loads = 0;
    const cache = new ZoneCache<string>(1000, () => now);
    const load = async () => [`z${++loads}`];
    expect(await cache.get(load)).toEqual(['z1']);
    now = 999;
    expect(await cache.get(load)).toEqual(['z1']);
    now = 1000;
    expect(await cache.get(load)).toEqual(['z2']);
  });
});
