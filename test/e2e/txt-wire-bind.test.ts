/**
 * Taking over records an external-dns wrote, on a real BIND 9, by `zoneguard validate` and
 * `zoneguard reconcile --once -f` from the command line: encrypted ownership records
 * (--txt-encrypt-enabled, --txt-encrypt-aes-key-file; the value is external-dns's own, from
 * registry/txt/registry_test.go TestTXTRegistryApplyChangesEncrypt), zoneguard's old
 * "dnsendpoint/<ns>/<name>" resource label, TTL "0". Checked by AXFR: an unchanged record's
 * ownership record stays byte for byte, written ones are encrypted, a second run writes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { TxtEncryption } from '../../core/registry/txt-crypto.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

const PORT = 15377;
/** external-dns's test key and the value it wrote with it: owner "owner", no resource. */
const KEY = '12345678901234567890123456789012';
const WRITTEN =
  'h8UQ6jelUFUsEIn7SbFktc2MYXPx/q8lySqI4VwfVtVaIbb2nkHWV/88KKbuLtu7fJNzMir8ELVeVnRSY01KdiIuj7ledqZe5ailEjQaU5Z6uEKd5pgs6sH8';
const OLD_LABEL =
  '"heritage=external-dns,external-dns/owner=owner,external-dns/resource=dnsendpoint/default/api"';

const MANIFESTS = `
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: { name: foobar, namespace: default }
spec:
  endpoints:
    - { dnsName: foobar.example.com, recordType: CNAME, targets: [foobar.loadbalancer.com], recordTTL: 300 }
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: { name: api, namespace: default }
spec:
  endpoints:
    - { dnsName: api.example.com, recordType: A, targets: [192.0.2.21], recordTTL: 300 }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations:
    external-dns.kubernetes.io/hostname: web.example.com
    external-dns.kubernetes.io/ttl: "0"
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: 192.0.2.30 }] } }
`;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

describe.skipIf(!!why)(
  'taking over external-dns records on BIND 9: encryption, resource labels, TTL 0',
  () => {
    let bind: BindServer;
    let dir: string;
    beforeAll(async () => {
      bind = await startBind({ port: PORT, zones: ['example.com'] });
      dir = mkdtempSync(join(tmpdir(), 'zoneguard-txt-wire-'));
      writeFileSync(join(dir, 'objects.yaml'), MANIFESTS);
      writeFileSync(join(dir, 'aes.key'), `${KEY}\n`, { mode: 0o600 });
      await bind.nsupdate('example.com', [
        'update add foobar.example.com. 300 IN CNAME foobar.loadbalancer.com.',
        `update add cname-foobar.example.com. 300 IN TXT "${WRITTEN}"`,
        'update add api.example.com. 300 IN A 192.0.2.20',
        `update add a-api.example.com. 300 IN TXT ${OLD_LABEL}`,
      ]);
    });
    afterAll(async () => {
      await bind?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const run = async (command: string, extra: string[]) => {
      const stdout = new Sink();
      const stderr = new Sink();
      const args = [
        command,
        '-f',
        join(dir, 'objects.yaml'),
        '--provider',
        'rfc2136',
        '--rfc2136-host',
        '127.0.0.1',
        '--rfc2136-port',
        String(PORT),
        '--rfc2136-zone',
        'example.com',
        '--rfc2136-tsig-keyname',
        bind.tsig.name,
        '--domain-filter',
        'example.com',
        '--txt-owner-id',
        'owner',
        '--log-level',
        'fatal',
        ...extra,
      ];
      const code = await main(['node', 'zoneguard', ...args], {
        stdout,
        stderr,
        env: { ZONEGUARD_RFC2136_TSIG_SECRET: bind.tsig.secret },
      });
      return { code, out: stdout.text, err: stderr.text };
    };
    const encrypted = ['--txt-encrypt-enabled', '--txt-encrypt-aes-key-file', '__KEY__'];
    const withKey = () => encrypted.map((a) => (a === '__KEY__' ? join(dir, 'aes.key') : a));

    it('without the key the encrypted record is unowned: validate denies the name', async () => {
      const r = await run('validate', []);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/foobar\.example\.com: ownership: CNAME record exists with no ownership record/);
      expect(r.out).not.toMatch(/api\.example\.com: ownership/);
    });

    it('with the key the name is ours: validate allows every object', async () => {
      const r = await run('validate', withKey());
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    });

    it('reconcile takes over: existing ownership records kept byte for byte, new ones encrypted, TTL 0 left to the server', async () => {
      const r = await run('reconcile', ['--once', '--kube-api', 'off', ...withKey()]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const zone = await bind.axfr('example.com');
      expect(zone).toContain(`cname-foobar.example.com. 300 IN TXT "${WRITTEN}"`);
      expect(zone).toContain('api.example.com. 300 IN A 192.0.2.21');
      // the updated record's plain ownership record (zoneguard's old label, read as ours) is
      // rewritten as external-dns rewrites one on update: from the labels, encrypted, "crd/"
      const enc = new TxtEncryption(Buffer.from(KEY));
      const valueAt = (name: string) =>
        /TXT "([^"]+)"/.exec(zone.find((l) => l.startsWith(name)) ?? '')?.[1] ?? '';
      expect(enc.decrypt(valueAt('a-api.example.com.'))?.text).toBe(
        'heritage=external-dns,external-dns/owner=owner,external-dns/resource=crd/default/api',
      );
      // no TTL asked for: the zone's default ($TTL 300 here, the provider's choice)
      expect(zone.filter((l) => l.startsWith('web.example.com.'))).toEqual([
        'web.example.com. 300 IN A 192.0.2.30',
      ]);
      const value = valueAt('a-web.example.com.');
      expect(value).not.toContain('heritage');
      expect(enc.decrypt(value)?.text).toBe(
        'heritage=external-dns,external-dns/owner=owner,external-dns/resource=service/default/web',
      );
    });

    it('a second run writes nothing (SOA serial unchanged)', async () => {
      const serial = (await bind.dig('example.com', 'SOA'))[0];
      const r = await run('reconcile', ['--once', '--kube-api', 'off', ...withKey()]);
      expect(r.code).toBe(0);
      expect((await bind.dig('example.com', 'SOA'))[0]).toBe(serial);
    });
  },
);
