import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * A secret kept in a file (a mounted Kubernetes Secret), trimmed; an unreadable file is a
 * ConfigError naming the flag and the file, never the content.
 */
export function readSecretFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(flag, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
