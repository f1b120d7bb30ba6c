/** A real pino logger whose JSON lines the test can read back, parsed. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../core/log.js';

export function captureLogs(level = 'info'): { logger: Logger; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level, destination }), logs };
}
