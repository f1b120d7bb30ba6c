/** `--output` choices beyond text and json (sarif, junit, github) are validate's CI formats. */
import { ConfigError } from '../../core/errors.js';
import type { Settings } from '../settings.js';

export function requireTextOrJson(cfg: Pick<Settings, 'output'>, command: string): void {
  if (cfg.output !== 'text' && cfg.output !== 'json')
    throw new ConfigError(
      'output',
      `${command} prints text or json; "${cfg.output}" (like sarif, junit, github) is for validate`,
    );
}
