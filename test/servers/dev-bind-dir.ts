/** Where `npm run dev:bind` writes the TSIG secret (DEV_BIND_DIR overrides it, for tests). */
import { fileURLToPath } from 'node:url';

/** `.dev-bind/` at the repository root, where examples/reconcile-bind.yaml's rfc2136-tsig-secret-file points. */
export const DEFAULT_DEV_BIND_DIR = fileURLToPath(new URL('../../.dev-bind', import.meta.url));
export const DEV_BIND_DIR = process.env.DEV_BIND_DIR || DEFAULT_DEV_BIND_DIR;
