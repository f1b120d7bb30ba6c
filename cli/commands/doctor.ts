/** `zoneguard doctor HOST`: explains why a name is (not) published (doctor/). */
import type { CommandSpec } from '../program.js';
import { requireTextOrJson } from './output.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description:
    'explain why a name is (not) published: claiming objects, filters, rules, TXT owner, live DNS answers',
  args: '<host>',
  check: (cfg) => requireTextOrJson(cfg, 'doctor'),
  // loaded when run: doctor reaches for the Kubernetes client, the largest dependency
  run: async (cfg, ctx) => (await import('../../doctor/run.js')).runDoctor(ctx.args[0] ?? '', cfg, ctx),
};
