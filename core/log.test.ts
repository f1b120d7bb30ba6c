import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, toTextLine, type LogFormat } from './log.js';

function capture(level: string, format: LogFormat) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  return { logger: createLogger({ level, format, destination }), text: () => text };
}

describe('log levels as external-dns (logrus) names them, printed as strings', () => {
  const table: { level: string; logs: string[] }[] = [
    { level: 'trace', logs: ['trace', 'debug', 'info', 'warning', 'error', 'fatal'] },
    { level: 'debug', logs: ['debug', 'info', 'warning', 'error', 'fatal'] },
    { level: 'info', logs: ['info', 'warning', 'error', 'fatal'] },
    { level: 'warning', logs: ['warning', 'error', 'fatal'] },
    { level: 'warn', logs: ['warning', 'error', 'fatal'] },
    { level: 'error', logs: ['error', 'fatal'] },
    { level: 'fatal', logs: ['fatal'] },
    // logrus's panic level prints only panics; zoneguard has none
    { level: 'panic', logs: [] },
  ];
  for (const c of table)
    it(`--log-level=${c.level}`, () => {
      const { logger, text } = capture(c.level, 'json');
      logger.trace('t');
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      logger.fatal('f');
      const levels = text()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { level: unknown }).level);
      expect(levels).toEqual(c.logs);
    });
});

describe('--log-format text: logrus TextFormatter lines', () => {
  const table: { name: string; json: Record<string, unknown>; line: string }[] = [
    {
      name: 'time, level, msg first; fields sorted; bare values unquoted',
      json: {
        level: 'info',
        time: '2026-12-05T18:25:33.120Z',
        msg: 'sync done',
        zone: 'example.com',
        changes: 3,
      },
      line: 'time="2026-12-05T18:25:33.120Z" level=info msg="sync done" changes=3 zone=example.com',
    },
    {
      name: 'quotes what logrus quotes (spaces, =, quotes, empty)',
      json: { level: 'warning', time: 't', msg: 'x', a: 'has space', b: 'k=v', c: 'say "hi"', d: '' },
      line: 'time=t level=warning msg=x a="has space" b="k=v" c="say \\"hi\\"" d=""',
    },
    {
      name: 'err as logrus error field, objects as JSON',
      json: {
        level: 'error',
        time: 't',
        msg: 'provider error',
        err: { type: 'Error', message: 'REFUSED', stack: 'at …' },
        names: ['a', 'b'],
      },
      line: 'time=t level=error msg="provider error" error=REFUSED names="[\\"a\\",\\"b\\"]"',
    },
  ];
  for (const c of table) it(c.name, () => expect(toTextLine(JSON.stringify(c.json))).toBe(`${c.line}\n`));

  it('a real logger writes text lines with secrets redacted', () => {
    const { logger, text } = capture('info', 'text');
    logger.warn({ zone: 'example.com', tsigSecret: 'c2VjcmV0', config: { pdnsApiKey: 'k' } }, 'zone read');
    const line = text();
    expect(line).toMatch(
      /^time="[^"]+" level=warning msg="zone read" config="\{\\"pdnsApiKey\\":\\"\[redacted\]\\"\}" tsigSecret="\[redacted\]" zone=example\.com\n$/,
    );
    expect(line).not.toContain('c2VjcmV0');
  });
});
