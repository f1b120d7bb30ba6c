/** zoneguard <command>: the one entry point. */
import { runCli, type CommandSpec, type Io } from './program.js';
import { demoCommand } from './commands/demo.js';
import { planCommand } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import { doctorCommand } from './commands/doctor.js';
import { certsInClusterCommand } from './commands/certs-in-cluster.js';
import { reconcileCommand } from './commands/reconcile.js';
import { webhookCommand } from './commands/webhook.js';
import { certsCommand } from './commands/certs.js';
import { auditCommand } from './commands/audit.js';

export const commands: CommandSpec[] = [
  validateCommand,
  planCommand,
  demoCommand,
  doctorCommand,
  certsInClusterCommand,
  reconcileCommand,
  webhookCommand,
  certsCommand,
  auditCommand,
];

export async function main(
  argv: readonly string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  return runCli(argv, commands, io);
}
