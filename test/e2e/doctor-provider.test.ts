/**
 * `zoneguard doctor` with ownership read through a provider (the inmemory provider seeded from the
 * examples' zone file), no DNS server: the zone step, old-format TXT records and the demo objects.
 */
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const ROOT = resolve(__dirname, '../..');
const ZONE = `example.com=${join(ROOT, 'examples/zones/example.com.zone')}`;

class Capture extends Writable {
  text = '';
  override _write(c: Buffer, _e: BufferEncoding, done: () => void): void {
    this.text += c.toString();
    done();
  }
}

async function doctor(args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  // an unroutable name server that answers at once: doctor must not depend on DNS here
  const code = await main(
    [
      'node',
      'zoneguard',
      'doctor',
      ...args,
      '--provider',
      'inmemory',
      '--inmemory-zone-file',
      ZONE,
      '--txt-owner-id',
      'cluster-a',
      '--nameserver',
      '127.0.0.1:9',
      '--dns-timeout',
      '100ms',
      '--output',
      'json',
    ],
    { stdout, stderr, env: {} },
  );
  return { code, report: JSON.parse(stdout.text), stderr: stderr.text };
}

describe('zoneguard doctor with --provider', () => {
  it.each([
    {
      host: 'blog.example.com',
      status: 'ok',
      message: /^blog\.example\.com is published \(A 203\.0\.113\.40\) and owned by "cluster-a"$/,
    },
    {
      host: 'shop.example.com',
      status: 'problem',
      message: /^owned by cluster-b: .*remove the TXT record a-shop\.example\.com/,
    },
    {
      host: 'legacy.example.com',
      status: 'problem',
      message:
        /^owned by old-external-dns: .*remove the TXT record legacy\.example\.com and its CNAME record/,
    },
    {
      host: 'www.example.com',
      status: 'problem',
      message: /^www\.example\.com A exists with no ownership record/,
    },
    {
      host: 'app.example.org',
      status: 'problem',
      message: /^no zone the provider manages contains app\.example\.org \(zones: example\.com\)/,
    },
  ])('$host', async (c) => {
    const { code, report } = await doctor([c.host]);
    expect(report.verdict.message).toMatch(c.message);
    expect(report.verdict.status).toBe(c.status);
    expect(code).toBe(c.status === 'ok' ? 0 : 1);
  });

  it('reads ownership from the provider, not from the unreachable server', async () => {
    const { report } = await doctor(['shop.example.com']);
    expect(report.ownership.records).toEqual([
      {
        recordType: 'A',
        targets: ['198.51.100.20'],
        ttl: 300,
        owner: 'cluster-b',
        resource: 'ingress/shop/storefront',
      },
    ]);
    expect(report.steps.find((s: { step: string }) => s.step === 'zone')).toEqual({
      step: 'zone',
      status: 'ok',
      detail: 'in zone example.com',
    });
    expect(report.steps.find((s: { step: string }) => s.step === 'dns').status).toBe('fail');
  });
});
