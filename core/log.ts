/**
 * pino logger with secrets redacted by path; a stable `msg` and fields per event. Levels are named
 * and printed as external-dns (logrus) names them — panic, fatal, error, warning, info, debug,
 * trace — and `--log-format text` prints logrus's text lines (`time="…" level=info msg="…" k=v`)
 * from the same, already redacted, JSON.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** The --log-level choices: logrus's names (ParseLevel also takes "warn"). */
export const LOG_LEVELS = ['panic', 'fatal', 'error', 'warning', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'text';

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
  'aesKey',
  '*.aesKey',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'config.rfc2136TsigSecret',
  'config.pdnsApiKey',
  'config.cloudflareApiToken',
  'config.txtEncryptAesKey',
  'txtEncryptAesKey',
  '*.txtEncryptAesKey',
];

/** pino's level for a logrus name: panic is above fatal (zoneguard never panics, so it logs nothing). */
const PINO_LEVEL: Record<string, string> = { warning: 'warn', panic: 'panic' };
/** logrus's name for a pino level label, as printed. */
const PRINTED: Record<string, string> = { warn: 'warning' };

export function createLogger(
  opts: {
    level?: string;
    name?: string;
    destination?: NodeJS.WritableStream;
    format?: LogFormat;
  } = {},
): Logger {
  const out = opts.destination ?? process.stderr;
  const level = opts.level ?? 'info';
  return pino(
    {
      name: opts.name ?? 'zoneguard',
      level: PINO_LEVEL[level] ?? level,
      customLevels: { panic: 70 },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: PRINTED[label] ?? label }) },
    },
    (opts.format === 'text' ? textDestination(out) : out) as pino.DestinationStream,
  ) as unknown as Logger;
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** logrus TextFormatter's rule: a value is quoted unless every character is in [A-Za-z0-9-._/@^+]. */
function textValue(v: unknown): string {
  const s = typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s !== '' && /^[A-Za-z0-9\-._/@^+]+$/.test(s) ? s : JSON.stringify(s);
}

/**
 * One logrus text line from one pino JSON line: time, level, msg first, then the other fields
 * sorted by key (logrus sorts them); an `err` object is printed as logrus's `error` field.
 */
export function toTextLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, msg, err, name: _name, ...fields } = rec;
  if (err !== undefined)
    fields.error = typeof err === 'object' && err !== null && 'message' in err ? err.message : err;
  const parts = [`time=${textValue(time)}`, `level=${textValue(level)}`, `msg=${textValue(msg ?? '')}`];
  for (const key of Object.keys(fields).sort()) parts.push(`${key}=${textValue(fields[key])}`);
  return `${parts.join(' ')}\n`;
}

function textDestination(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line) out.write(toTextLine(line));
    },
  };
}
