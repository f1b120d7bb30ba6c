/**
 * What stops a long-running command (webhook, reconcile): SIGTERM and SIGINT, and — when npm
 * launched it (`npx zoneguard webhook`, `npm run …`) — its parent going away. npm exec exits on
 * SIGTERM without passing the signal on, which left zoneguard running with no parent, still
 * holding its port; a process whose launcher is gone now stops as on SIGTERM. Outside npm (a pod,
 * a shell, nohup) the parent is not watched.
 */
import type { Logger } from '../core/log.js';

/** The parent when the CLI started (read at load: a launcher may be gone before a server is up). */
const LAUNCHER = process.ppid;

export type StopHandler = (why: string, count: number) => void;

export interface StopSignalOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** How often the parent is checked (ms). */
  parentCheckMs?: number;
}

/** Calls `handler` on each stop request (count 1, 2, …); returns a function that stops listening. */
export function onStop(opts: StopSignalOptions, handler: StopHandler): () => void {
  let count = 0;
  const fire = (why: string) => handler(why, ++count);
  // named here: process.emit('SIGTERM') (tests, embedding code) passes no signal name
  const onTerm = () => fire('SIGTERM');
  const onInt = () => fire('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  let timer: NodeJS.Timeout | undefined;
  const parent = LAUNCHER;
  if (opts.env.npm_command && parent > 1) {
    const check = () => {
      if (process.ppid === parent) return;
      clearInterval(timer);
      opts.logger.warn({ parent }, 'the npm process that launched zoneguard is gone; stopping as on SIGTERM');
      fire('parent exited');
    };
    timer = setInterval(check, opts.parentCheckMs ?? 500);
    timer.unref();
    // gone already while the server started
    queueMicrotask(check);
  }
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    clearInterval(timer);
  };
}
