/** Leader election on a Lease of the fake API server: one leader, conflicts, release, expiry. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/log.js';
import { start, type FakeApiServer } from '../test/kube/fake-apiserver.js';
import { LeaderElector } from './leader.js';

describe('leader election', () => {
  let api: FakeApiServer;
  const electors: LeaderElector[] = [];
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop({ release: false });
    await api.close();
  });

  /** An elector whose leading/not-leading transitions are awaitable. */
  function candidate(
    identity: string,
    times = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 50 },
  ) {
    const transitions: string[] = [];
    const waiters: { want: string; resolve: () => void }[] = [];
    const note = (t: string) => {
      transitions.push(t);
      for (const w of waiters.filter((x) => x.want === t)) w.resolve();
    };
    const e = new LeaderElector({
      kubeConfig: api.kubeConfig(),
      namespace: 'zoneguard',
      name: 'lease',
      identity,
      ...times,
      logger: silentLogger(),
      onStartedLeading: () => note('started'),
      onStoppedLeading: () => note('stopped'),
    });
    electors.push(e);
    const when = (want: string) =>
      new Promise<void>((resolve) =>
        transitions.includes(want) ? resolve() : waiters.push({ want, resolve }),
      );
    return { e, transitions, when };
  }
  const holder = () =>
    (api.leases.get('zoneguard', 'lease')?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
  /** Waits until the fake API server has served `n` more Lease reads (candidates are trying). */
  const leaseReads = (n: number) =>
    new Promise<void>((resolve) => {
      const count = () =>
        api.requests().filter((r) => r.method === 'GET' && r.path.includes('/leases/')).length;
      const target = count() + n;
      const t = setInterval(() => count() >= target && (clearInterval(t), resolve()), 10);
    });

  it('elects one leader; the other takes over at once when the leader releases the Lease', async () => {
    const a = candidate('a');
    a.e.start();
    await a.when('started');
    const b = candidate('b');
    b.e.start();
    await leaseReads(6);
    expect(b.transitions).toEqual([]);
    expect(holder()).toBe('a');
    await a.e.stop();
    expect(a.transitions).toEqual(['started', 'stopped']);
    expect(holder()).toBe('');
    await b.when('started');
    expect(holder()).toBe('b');
    expect(api.leases.get('zoneguard', 'lease')?.spec).toMatchObject({ leaseTransitions: 0 });
  });

  it('takes over a Lease that is no longer renewed (leader crashed) after the lease duration', async () => {
    const a = candidate('a');
    a.e.start();
    await a.when('started');
    const b = candidate('b');
    b.e.start();
    await a.e.stop({ release: false });
    expect(holder()).toBe('a');
    await b.when('started');
    expect(holder()).toBe('b');
    expect(api.leases.get('zoneguard', 'lease')?.spec).toMatchObject({ leaseTransitions: 1 });
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const a = candidate('a');
    a.e.start();
    await a.when('started');
    api.failNext('PUT', /\/leases\/lease$/, 500, 1000);
    api.failNext('GET', /\/leases\/lease$/, 500, 1000);
    await a.when('stopped');
    expect(a.e.isLeader).toBe(false);
  });

  it('rejects inconsistent durations', () => {
    expect(() =>
      candidate('x', { leaseDurationMs: 1000, renewDeadlineMs: 1000, retryPeriodMs: 100 }),
    ).toThrow(/lease duration/);
    expect(() =>
      candidate('x', { leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 1000 }),
    ).toThrow(/renew deadline/);
  });
});
