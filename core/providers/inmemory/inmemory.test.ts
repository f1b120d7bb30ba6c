import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newEndpoint } from '../../model/endpoint.js';
import { InputError, ProviderError } from '../../errors.js';
import { DomainFilter } from '../../domain-filter.js';
import { emptyChanges } from '../../model/changes.js';
import { InMemoryProvider } from './index.js';
import { parseZoneFile } from './zonefile.js';

const AXFR = `
; <<>> DiG 9.18 <<>> @127.0.0.1 -p 15353 example.com AXFR
;; global options: +cmd
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300
example.com.		3600	IN	NS	ns1.example.com.
a-app.example.com.	300	IN	TXT	"heritage=external-dns,external-dns/owner=other,external-dns/resource=ingress/default/app"
app.example.com.	300	IN	A	192.0.2.10
app.example.com.	300	IN	A	192.0.2.11
split.example.com.	60	IN	TXT	"part one " "part two"
alias.example.com.	300	IN	CNAME	app.example.com.
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300
;; XFR size: 7 records
`;

const MASTER = `$ORIGIN example.org.
$TTL 120
@   IN SOA ns1 hostmaster (
        2026112401 ; serial
        3600 600 86400 300 )
    IN NS ns1
ns1 IN A 192.0.2.53
www 60 IN A 192.0.2.80
    IN AAAA 2001:db8::80
api IN CNAME www
esc IN TXT "say \\"hi\\"; not a comment"
`;

describe('zone files', () => {
  it('reads dig AXFR output', () => {
    const recs = parseZoneFile(AXFR, { origin: 'example.com' });
    expect(recs.filter((r) => r.type === 'A').map((r) => r.data)).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(recs.find((r) => r.type === 'TXT' && r.name === 'split.example.com')?.data).toBe(
      'part one part two',
    );
    expect(recs.find((r) => r.type === 'CNAME')?.data).toBe('app.example.com');
  });

  it('reads master files with $ORIGIN, $TTL, @, blank owners, parentheses and escapes', () => {
    const recs = parseZoneFile(MASTER, { origin: 'example.org' });
    expect(recs.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.type === 'SOA' ? '' : r.data}`.trim())).toEqual([
      'example.org 120 SOA',
      'example.org 120 NS ns1.example.org',
      'ns1.example.org 120 A 192.0.2.53',
      'www.example.org 60 A 192.0.2.80',
      'www.example.org 120 AAAA 2001:db8::80',
      'api.example.org 120 CNAME www.example.org',
      'esc.example.org 120 TXT say "hi"; not a comment',
    ]);
  });

  const bad: [string, RegExp][] = [
    ['www IN A', /zone\.db:1: A record has no data/],
    ['x IN TXT "open', /zone\.db:1: unterminated quoted string/],
    ['x IN SOA a b ( 1 2', /zone\.db:1: unbalanced parentheses/],
    ['$TTL forever', /zone\.db:1: bad \$TTL/],
    ['x 300 IN', /zone\.db:1: cannot read a record type/],
  ];
  for (const [text, err] of bad)
    it(`rejects "${text}" naming file and line`, () =>
      expect(() => parseZoneFile(text, { origin: 'example.com', file: 'zone.db' })).toThrow(err));

  it('arbitrary text yields records or an InputError, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parseZoneFile(s, { origin: 'example.com' });
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('InMemoryProvider', () => {
  it('is seeded from an AXFR dump, groups record sets and drops SOA/apex NS', async () => {
    const p = new InMemoryProvider();
    p.loadZoneFile('example.com', AXFR);
    const recs = await p.records();
    expect(recs.map((r) => `${r.dnsName} ${r.recordType} ${r.targets.join(',')}`).sort()).toEqual([
      'a-app.example.com TXT heritage=external-dns,external-dns/owner=other,external-dns/resource=ingress/default/app',
      'alias.example.com CNAME app.example.com',
      'app.example.com A 192.0.2.10,192.0.2.11',
      'split.example.com TXT part one part two',
    ]);
  });

  it('applies a change set whole or not at all', async () => {
    const p = new InMemoryProvider({ zones: ['example.com'] });
    await p.applyChanges({ ...emptyChanges(), create: [newEndpoint('a.example.com', 'A', ['192.0.2.1'])] });
    await expect(
      p.applyChanges({
        ...emptyChanges(),
        create: [
          newEndpoint('b.example.com', 'A', ['192.0.2.2']),
          newEndpoint('a.example.com', 'A', ['192.0.2.3']),
        ],
      }),
    ).rejects.toThrow(ProviderError);
    expect((await p.records()).map((r) => r.dnsName)).toEqual(['a.example.com']);
    await expect(
      p.applyChanges({ ...emptyChanges(), delete: [newEndpoint('zz.example.com', 'A', ['192.0.2.1'])] }),
    ).rejects.toThrow(/delete of missing record/);
    await expect(
      p.applyChanges({ ...emptyChanges(), create: [newEndpoint('a.example.org', 'A', ['192.0.2.1'])] }),
    ).rejects.toThrow(/no zone for a.example.org/);
  });

  it('matches names to the most specific zone and honours the domain filter for zones', async () => {
    const p = new InMemoryProvider({
      zones: ['example.com', 'sub.example.com', 'example.org'],
      domainFilter: new DomainFilter({ filters: ['example.com'] }),
    });
    expect((await p.zones()).map((z) => z.name)).toEqual(['example.com', 'sub.example.com']);
    await p.applyChanges({
      ...emptyChanges(),
      create: [newEndpoint('x.sub.example.com', 'A', ['192.0.2.1'])],
    });
    expect(await p.records()).toHaveLength(1);
  });

  it('rejects a zone file record outside its zone', () => {
    expect(() =>
      new InMemoryProvider().loadZoneFile('example.com', 'x.example.org. 60 IN A 192.0.2.1', 'f.zone'),
    ).toThrow(/f\.zone:1: x\.example\.org is outside zone example\.com/);
  });
});
