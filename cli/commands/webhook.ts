/** `zoneguard webhook`: the validating admission webhook, until SIGTERM/SIGINT (graceful stop). */
// the HTTPS server (express and its body parsers) loads only when this command runs
import { checkWebhookConfig } from '../../webhook/check.js';
import type { CommandSpec } from '../program.js';

export const webhookCommand: CommandSpec = {
  name: 'webhook',
  description:
    'serve the validating admission webhook (POST /validate, /healthz, /readyz, /metrics) over HTTPS',
  check: checkWebhookConfig,
  async run(cfg, ctx) {
    const { startWebhook } = await import('../../webhook/run.js');
    const webhook = await startWebhook(cfg, { logger: ctx.logger, env: ctx.env });
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        ctx.logger.info({ signal }, 'stopping: finishing in-flight reviews');
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        void webhook.close().then(resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    return 0;
  },
};
