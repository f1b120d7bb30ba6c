import { describe, expect, it } from 'vitest';
import { LabelKey, newEndpoint } from '../model/endpoint.js';
import { ProviderError, StoppedError } from '../errors.js';
import { BatchPacer, batchSizeFrom, changesOf, flattenChanges, splitChanges, ZoneCache } from './batch.js';
import { ConfigError } from '../errors.js';
import { retryOptionsFrom, sendBatches, sendConcurrently } from './cloud.js';
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
  // a record and its ownership TXT (labelled with the name it owns) are never cut apart: a failed
  // second call would otherwise leave a record with no owner, which no one may then touch
  const owned = (i: number) => ({
    rec: rec(i),
    txt: newEndpoint(
      `a-h${i}.example.com`,
      'TXT',
      ['"heritage=external-dns,external-dns/owner=x"'],
      undefined,
      {
        [LabelKey.ownedRecord]: `h${i}.example.com`,
      },
    ),
  });
  const pairs = [1, 2, 3].map(owned);
  const grouped: {
    name: string;
    changes: ReturnType<typeof flattenChanges>;
    max: number;
    want: string[][];
  }[] = [
    {
      name: 'pairs of record + TXT, 3 per batch: 1 pair each (was 3 + 3, cutting h2 from its TXT)',
      changes: flattenChanges({
        create: pairs.flatMap((p) => [p.rec, p.txt]),
        updateOld: [],
        updateNew: [],
        delete: [],
      }),
      max: 3,
      want: [
        ['h1', 'a-h1'],
        ['h2', 'a-h2'],
        ['h3', 'a-h3'],
      ],
    },
    {
      name: 'a TXT listed apart from its record (another action) joins it',
      changes: [
        { action: 'create', record: pairs[0].rec },
        { action: 'create', record: pairs[1].rec },
        { action: 'update', old: pairs[0].txt, record: pairs[0].txt },
        { action: 'create', record: pairs[1].txt },
      ],
      max: 2,
      want: [
        ['h1', 'a-h1'],
        ['h2', 'a-h2'],
      ],
    },
    {
      name: "a name's delete and create stay together and in order (CNAME → A)",
      changes: [
        { action: 'delete', record: newEndpoint('h1.example.com', 'CNAME', ['x.example.net']) },
        { action: 'delete', record: rec(9) },
        { action: 'create', record: rec(1) },
      ],
      max: 2,
      want: [['h1', 'h1'], ['h9']],
    },
    {
      name: 'a group larger than a batch is cut in order',
      changes: flattenChanges({
        create: [rec(1), newEndpoint('h1.example.com', 'AAAA', ['2001:db8::1']), pairs[0].txt],
        updateOld: [],
        updateNew: [],
        delete: [],
      }),
      max: 2,
      want: [['h1', 'h1'], ['a-h1']],
    },
  ];
  it.each(grouped)('$name', ({ changes: cs, max, want }) => {
    const batches = splitChanges(cs, { maxChanges: max });
    expect(batches.map((b) => b.map((c) => c.record.dnsName.replace('.example.com', '')))).toEqual(want);
    expect(batches.flat()).toHaveLength(cs.length);
  });

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

describe('BatchPacer (--batch-change-interval)', () => {
  // a fake clock: sleeping moves it; each batch takes `work` ms. Each entry of `runs` is one
  // sendBatches call (one zone, or one apply run) of that many batches; returns when each started.
  async function starts(intervalMs: number, runs: number[], work = 10): Promise<number[]> {
    let now = 0;
    const out: number[] = [];
    const pacer = new BatchPacer(intervalMs, { now: () => now, sleep: async (ms) => void (now += ms) });
    for (const n of runs)
      await sendBatches(
        Array.from({ length: n }, (_, i) => i),
        async () => {
          out.push(now);
          now += work;
        },
        { provider: 'test', pacer },
      );
    return out;
  }
  const table: { name: string; interval: number; runs: number[]; starts: number[] }[] = [
    { name: 'no interval: back to back', interval: 0, runs: [3], starts: [0, 10, 20] },
    { name: 'the interval after each batch ends', interval: 100, runs: [3], starts: [0, 110, 220] },
    {
      name: 'across zones (two runs): the second zone waits too',
      interval: 100,
      runs: [2, 2],
      starts: [0, 110, 220, 330],
    },
  ];
  for (const t of table) it(t.name, async () => expect(await starts(t.interval, t.runs)).toEqual(t.starts));
  it('a failed batch counts as sent: the next run still waits', async () => {
    let now = 0;
    const pacer = new BatchPacer(50, { now: () => now, sleep: async (ms) => void (now += ms) });
    await expect(
      sendBatches(
        [1],
        async () => {
          now += 5;
          throw new ConfigError('x', 'boom');
        },
        { provider: 'test', pacer },
      ),
    ).rejects.toThrow('boom');
    let started = -1;
    await sendBatches([1], async () => void (started = now), { provider: 'test', pacer });
    expect(started).toBe(55);
  });
});

describe('stopping (the reconciler on SIGTERM): sendBatches and sendConcurrently with a signal', () => {
  // real timers: a 60 s backoff or pacing wait must end at once when the signal aborts
  const throttled = () => new ProviderError('p', 'throttled', true);
  const cases: {
    name: string;
    run: (signal: AbortSignal, sent: number[], abort: () => void) => Promise<unknown>;
    sent: number[];
    message: RegExp;
  }[] = [
    {
      name: 'a backoff ends at once, the batch is not tried again and no later batch starts',
      run: (signal, sent, abort) =>
        sendBatches(
          [1, 2, 3],
          async (b) => {
            sent.push(b);
            if (b === 2) {
              setTimeout(abort, 50);
              throw throttled();
            }
          },
          { provider: 'p', signal, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 } },
        ),
      sent: [1, 2],
      message: /^stopping: not retried after p: throttled$/,
    },
    {
      name: 'a --batch-change-interval wait ends at once and the next batch is not sent',
      run: (signal, sent, abort) =>
        sendBatches(
          [1, 2, 3],
          async (b) => {
            sent.push(b);
            setTimeout(abort, 50);
          },
          { provider: 'p', signal, pacer: new BatchPacer(60_000) },
        ),
      sent: [1],
      message: /^stopping: 2 of 3 batches not sent$/,
    },
    {
      name: 'the batch in flight when the signal aborts is finished',
      run: (signal, sent, abort) =>
        sendBatches(
          [1, 2],
          async (b) => {
            if (b === 1) {
              abort();
              await new Promise((r) => setTimeout(r, 20));
            }
            sent.push(b);
          },
          { provider: 'p', signal },
        ),
      sent: [1],
      message: /^stopping: 1 of 2 batches not sent$/,
    },
    {
      name: 'one call per change (Azure): no new change starts, a backoff ends at once',
      run: (signal, sent, abort) =>
        sendConcurrently(
          [1, 2, 3, 4],
          async (b) => {
            sent.push(b);
            if (b === 2) {
              setTimeout(abort, 50);
              throw throttled();
            }
          },
          {
            provider: 'p',
            signal,
            limit: 1,
            retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 },
          },
        ),
      sent: [1, 2],
      message: /^stopping: not retried after p: throttled$/,
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const stop = new AbortController();
      const sent: number[] = [];
      const t0 = Date.now();
      const err = await c
        .run(stop.signal, sent, () => stop.abort())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(StoppedError);
      expect((err as Error).message).toMatch(c.message);
      expect(sent).toEqual(c.sent);
      expect(Date.now() - t0).toBeLessThan(5_000);
    });
});

describe('batchSizeFrom (--<provider>-batch-change-size, else --batch-change-size)', () => {
  const route53 = { flag: 'aws-batch-change-size', default: 1000, max: 1000, api: 'Route 53' };
  const table: { name: string; own?: number; common?: number; want: number | RegExp }[] = [
    { name: "neither: the provider's default", want: 1000 },
    { name: 'the common flag alone', common: 20, want: 20 },
    { name: "the provider's own flag wins", own: 5, common: 20, want: 5 },
    {
      name: "a common size over the API's limit is refused naming both flags",
      common: 5000,
      want: /--batch-change-size: 5000: Route 53 accepts at most 1000 \(set --aws-batch-change-size/,
    },
  ];
  for (const t of table)
    it(t.name, () => {
      if (typeof t.want === 'number') expect(batchSizeFrom(t.own, t.common, route53)).toBe(t.want);
      else expect(() => batchSizeFrom(t.own, t.common, route53)).toThrow(t.want);
    });
  it('the cloud providers pause 1s unless told (external-dns), any given value otherwise', () => {
    const base = { zoneIdFilter: [], zoneNameFilter: [], providerCacheTime: 0 };
    expect(retryOptionsFrom(base).intervalMs).toBe(1000);
    expect(retryOptionsFrom({ ...base, batchChangeInterval: 0 }).intervalMs).toBe(0);
    expect(retryOptionsFrom({ ...base, batchChangeInterval: 250 }).intervalMs).toBe(250);
  });
});
