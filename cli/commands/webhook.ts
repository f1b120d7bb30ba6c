/**
 * `zoneguard webhook`: the validating admission webhook, until SIGTERM/SIGINT. The stop follows
 * Kubernetes: /readyz answers 503 at once, reviews are still served for --shutdown-delay (the API
 * server sends them until the pod leaves the Service's endpoints), then the listener closes and
 * in-flight reviews finish within --shutdown-timeout. A second signal skips what is left of the delay.
 */
// the HTTPS server (express and its body parsers) loads only when this command runs
import { checkWebhookConfig } from '../../webhook/check.js';
import type { CommandSpec } from '../program.js';
import { onStop } from '../stop-signals.js';

export const webhookCommand: CommandSpec = {
  name: 'webhook',
  description:
    'serve the validating admission webhook (POST /validate, /healthz, /readyz, /metrics) over HTTPS',
  check: checkWebhookConfig,
  async run(cfg, ctx) {
    // listening for the stop before starting: Kubernetes may stop a pod that is still starting (a
    // rollout, a node drain), and SIGTERM with no handler would kill node on the spot
    const skipDelay = new AbortController();
    let requested: string | undefined;
    let stop = (why: string) => void (requested = why);
    const off = onStop({ env: ctx.env, logger: ctx.logger }, (why, count) => {
      if (count > 1) {
        ctx.logger.info({ signal: why }, 'stopping now: the rest of --shutdown-delay skipped');
        skipDelay.abort();
        return;
      }
      stop(why);
    });
    try {
      const { startWebhook } = await import('../../webhook/run.js');
      const webhook = await startWebhook(cfg, { logger: ctx.logger, env: ctx.env });
      await new Promise<void>((resolve) => {
        stop = (why) => {
          ctx.logger.info(
            { signal: why, delayMs: cfg.shutdownDelay, timeoutMs: cfg.shutdownTimeout },
            'stopping: unready now; serving for --shutdown-delay, then finishing in-flight reviews',
          );
          void webhook.shutdown(cfg.shutdownDelay, skipDelay.signal).then(resolve);
        };
        // told to stop before it listened: never ready, so never in the Service's endpoints: no delay
        if (requested) {
          ctx.logger.info({ signal: requested }, 'stopping: the stop came while starting');
          void webhook.shutdown(0).then(resolve);
        }
      });
    } finally {
      off();
    }
    return 0;
  },
};
