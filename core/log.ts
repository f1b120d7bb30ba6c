/** pino logger with secrets redacted by path; a stable `msg` and fields per event. */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'tsigSecret',
  '*.tsigSecret',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'config.rfc2136TsigSecret',
  'config.pdnsApiKey',
  'config.cloudflareApiToken',
];

export function createLogger(
  opts: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? 'zoneguard',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (opts.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
