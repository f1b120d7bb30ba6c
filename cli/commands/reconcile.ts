/**
 * `zoneguard reconcile`: publishes what the webhook admits to the DNS provider, with TXT ownership
 * records, on watch events and every --interval (reconciler/). Sources: the cluster (informers)
 * and/or manifest files (-f). --once syncs once; --dry-run prints each plan instead of applying it.
 * The Kubernetes client is loaded only when this command runs.
 */
import { requireTextOrJson } from './output.js';
import { ConfigError } from '../../core/errors.js';
import { parseListenAddress } from '../../core/listen.js';
import type { CommandSpec } from '../program.js';
import { constants as osConstants } from 'node:os';
import { onStop } from '../stop-signals.js';

export const reconcileCommand: CommandSpec = {
  name: 'reconcile',
  description:
    'publish accepted records to the DNS provider with TXT ownership records, on watch events and every --interval',
  check: (cfg) => {
    requireTextOrJson(cfg, 'reconcile');
    if (!cfg.provider) throw new ConfigError('provider', 'reconcile needs a provider to publish to');
    if (cfg.kubeApi === 'off' && cfg.file.length === 0)
      throw new ConfigError('kube-api', 'off leaves no source: give manifests with -f');
    if (cfg.leaderElect && cfg.kubeApi === 'off')
      throw new ConfigError('leader-elect', 'needs the Kubernetes API (--kube-api=off given)');
    if (cfg.leaderElect && cfg.once) throw new ConfigError('leader-elect', 'cannot be combined with --once');
    if (cfg.metricsAddress) parseListenAddress(cfg.metricsAddress, 'metrics-address');
    const lease = cfg.leaderElectionLeaseDuration;
    const renew = cfg.leaderElectionRenewDeadline;
    const retry = cfg.leaderElectionRetryPeriod;
    if (!(lease > renew))
      throw new ConfigError(
        'leader-election-lease-duration',
        'must be greater than --leader-election-renew-deadline',
      );
    if (!(renew > retry))
      throw new ConfigError(
        'leader-election-renew-deadline',
        'must be greater than --leader-election-retry-period',
      );
  },
  run(cfg, ctx) {
    const ac = new AbortController();
    // SIGTERM, SIGINT, or the npm process that launched it gone (cli/stop-signals.ts): the sync in
    // flight finishes (a provider change batch is never cut in half), then the Lease is released.
    // A second signal exits at once, as the signal's default would (128 + its number): what is
    // left is what a crash leaves (the Lease expires), for a provider call that hangs
    const off = onStop({ env: ctx.env, logger: ctx.logger }, (why, count) => {
      if (count === 1) return ac.abort();
      if (why !== 'SIGTERM' && why !== 'SIGINT') return;
      ctx.logger.warn({ signal: why }, 'stopping now: second signal, the sync in flight is abandoned');
      process.exit(128 + (osConstants.signals[why] ?? 15));
    });
    return import('../../reconciler/run.js')
      .then(({ runReconcile }) => runReconcile(cfg, ctx, { signal: ac.signal }))
      .finally(off);
  },
};
