/** Runs the zoneguard CLI in process, as `bin/zoneguard.js` would, and returns what it printed. */
import { Readable, Writable } from 'node:stream';
import { main } from '../cli/main.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `args` without `node zoneguard`; `env` is the whole environment the command sees. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<CliRun> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(['node', 'zoneguard', ...args], {
    stdout,
    stderr,
    env: { ...env },
    ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
  });
  return { code, out: stdout.text, err: stderr.text };
}
