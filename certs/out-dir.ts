/**
 * Where `zoneguard certs` may write a private key. Apart from index.ts so that checking --out
 * does not load node-forge (the CLI checks flags before any command runs).
 */
import { readdirSync } from 'node:fs';

/** The files `zoneguard certs` writes; a folder holding anything else is not written into. */
export const CERT_FILE_NAMES = ['ca.crt', 'tls.crt', 'tls.key'] as const;

/**
 * Why `dir` must not receive a private key, or undefined when it may: only a new or empty folder,
 * or one holding nothing but these files (a renewal), so that a key never lands in a source tree
 * or project folder where `git add .` would pick it up.
 */
export function certDirProblem(dir: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return `${dir}: cannot read: ${code ?? (e as Error).message}`;
  }
  const others = entries.filter(
    (f) => !(CERT_FILE_NAMES as readonly string[]).includes(f) && !/\.tmp-\d+$/.test(f),
  );
  if (others.length === 0) return undefined;
  const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ', …' : '');
  return `${dir} already holds other files (${shown}); the private key goes only into a new or empty folder, or one holding just ca.crt, tls.crt and tls.key`;
}
