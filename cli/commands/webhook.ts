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
    const { startWebhook } = await import('../../webhook/run.js');
    const webhook = await startWebhook(cfg, { logger: ctx.logger, env: ctx.env });
    await new Promise<void>((resolve) => {
      const skipDelay = new AbortController();
      const off = onStop({ env: ctx.env, logger: ctx.logger }, (why, count) => {
        if (count > 1) {
          ctx.logger.info({ signal: why }, 'stopping now: the rest of --shutdown-delay skipped');
          skipDelay.abort();
          return;
        }
        ctx.logger.info(
          { signal: why, delayMs: cfg.shutdownDelay, timeoutMs: cfg.shutdownTimeout },
          'stopping: unready now; serving for --shutdown-delay, then finishing in-flight reviews',
        );
        void webhook.shutdown(cfg.shutdownDelay, skipDelay.signal).then(() => {
          off();
          resolve();
        });
      });
    });
    return 0;
  },
};
