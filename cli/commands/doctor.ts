/** `zoneguard doctor HOST`: explains why a name is (not) published (doctor/). */
import { runDoctor } from '../../doctor/run.js';
import type { CommandSpec } from '../program.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description:
    'explain why a name is (not) published: claiming objects, filters, rules, TXT owner, live DNS answers',
  args: '<host>',
  run: (cfg, ctx) => runDoctor(ctx.args[0] ?? '', cfg, ctx),
};
