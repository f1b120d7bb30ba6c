import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindUnavailable, startBind, type BindServer } from './bind.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

describe.skipIf(!!why)('test/servers/bind: a throw-away BIND9', () => {
  let bind: BindServer;
  beforeAll(async () => {
    bind = await startBind({ port: 15363, zones: ['example.com', 'example.org'] });
  });
  afterAll(() => bind?.stop());

  it('takes signed updates, answers queries, and transfers only with the key', async () => {
    await bind.nsupdate('example.com', ['update add t.example.com 60 A 192.0.2.8']);
    expect(await bind.dig('t.example.com', 'A')).toEqual(['192.0.2.8']);
    expect(await bind.axfr('example.com')).toContain('t.example.com. 60 IN A 192.0.2.8');
    expect(await bind.axfr('example.org')).toEqual([
      'example.org. 300 IN NS ns1.example.org.',
      'example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 60',
      'ns1.example.org. 300 IN A 127.0.0.1',
    ]);
  });

  it('keeps the zone (journal) across a kill and restart', async () => {
    await bind.nsupdate('example.com', ['update add k.example.com 60 A 192.0.2.9']);
    await bind.kill();
    await expect(bind.dig('k.example.com', 'A')).rejects.toThrow();
    await bind.restart();
    expect(await bind.dig('k.example.com', 'A')).toEqual(['192.0.2.9']);
  });
});
