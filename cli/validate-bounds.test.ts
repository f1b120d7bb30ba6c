/**
 * `zoneguard validate` applies --max-hostnames-per-object as the webhook does (one core), so CI and
 * admission agree; under the limit its JSON keeps every violation (only the webhook's message and
 * log line list ten and count the rest).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'zoneguard-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A LoadBalancer Service whose hostname annotation lists `n` names outside example.com. */
function serviceFile(n: number): string {
  const names = Array.from({ length: n }, (_, i) => `app-${i}.example.org`).join(',');
  const file = join(dir, `service-${n}.yaml`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Service
metadata:
  name: many
  namespace: default
  annotations:
    external-dns.kubernetes.io/hostname: "${names}"
spec:
  type: LoadBalancer
`,
  );
  return file;
}

interface Result {
  allowed: boolean;
  violations: { rule: string; hostname: string; message: string; field?: string }[];
}
const resultsOf = (out: string) => (JSON.parse(out) as { results: Result[] }).results;

describe('validate and --max-hostnames-per-object', () => {
  const over = serviceFile(1001);

  it('an object over the default limit (1,000) is denied by rule object alone, in text and JSON', async () => {
    const text = await runCli(['validate', '-f', over, '--domain-filter', 'example.com']);
    expect(text.code).toBe(1);
    expect(text.out).toContain(
      'DENY Service default/many: object: metadata.annotations["external-dns.kubernetes.io/hostname"] lists 1001 hostnames, over the limit of 1000 per object (--max-hostnames-per-object)',
    );
    expect(text.out).toContain('violations by rule: object 1');
    const json = await runCli(['validate', '-f', over, '--domain-filter', 'example.com', '-o', 'json']);
    const [r] = resultsOf(json.out);
    expect(r.allowed).toBe(false);
    expect(r.violations).toEqual([
      expect.objectContaining({
        rule: 'object',
        field: 'metadata.annotations["external-dns.kubernetes.io/hostname"]',
      }),
    ]);
  });

  it('under a raised limit every name is checked and the JSON lists every violation', async () => {
    const json = await runCli([
      'validate',
      '-f',
      over,
      '--domain-filter',
      'example.com',
      '--max-hostnames-per-object',
      '2000',
      '-o',
      'json',
    ]);
    expect(json.code).toBe(1);
    const [r] = resultsOf(json.out);
    expect(r.violations).toHaveLength(1001);
    expect(r.violations.every((v) => v.rule === 'domain-filter')).toBe(true);
  });

  it('a limit of 0 is refused naming the flag', async () => {
    const r = await runCli(['validate', '-f', over, '--max-hostnames-per-object', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--max-hostnames-per-object');
  });
});
