/**
 * RFC 2136 dynamic DNS UPDATE to an authoritative server (BIND, Knot, PowerDNS with dnsupdate...),
 * signed with TSIG, records listed by zone transfer (AXFR), as external-dns's rfc2136 provider.
 *
 * Every change names single records: a delete removes exactly the record (class NONE), never the
 * RRset, so another writer's records under the same name and type survive. One UPDATE message is
 * applied atomically by the server; changes are cut into messages of --rfc2136-batch-change-size,
 * a record always in the same message as its ownership TXT (splitChanges), and messages are sent
 * at least --batch-change-interval apart when it is given. Adding a record that
 * exists or deleting one that does not is a no-op, so a message retried after a lost answer does
 * no harm. Transport failures and SERVFAIL are retried with capped, jittered backoff; a rejected
 * key (NOTAUTH/BADSIG, BADKEY) or a refused update is reported at once, naming the key (never the
 * secret) and the zone.
 */
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { BatchPacer, flattenChanges, splitChanges, type Change } from '../batch.js';
import { withRetry, type RetryOptions } from '../../backoff.js';
import { sendBatches } from '../cloud.js';
import { zoneFor, type ApplyOptions, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';
import { tcpExchange, type TransportFailure } from '../../dns-tcp.js';

/** Transport failures are retryable: the server may be restarting. */
const retryable: TransportFailure = (message, code) => new ProviderError('rfc2136', message, true, { code });
import { sign, TsigStream, TSIG_ERRORS, findTsig, verifyResponse, type TsigKey } from './tsig.js';
import {
  encodeAxfr,
  encodeUpdate,
  rcodeOf,
  targetOf,
  WIRE_TYPES,
  type AbsentRRset,
  type UpdateOp,
} from './wire.js';

export interface Rfc2136Options {
  host: string;
  port?: number;
  /** Zones to manage (--rfc2136-zone), apex names. */
  zones: string[];
  tsig?: TsigKey;
  /** Sign zone transfers with the key (--rfc2136-tsig-axfr, default true). */
  tsigAxfr?: boolean;
  /** Most changes per UPDATE message (--rfc2136-batch-change-size). */
  batchSize?: number;
  /** Least time between two UPDATE messages, across zones (--batch-change-interval; default none). */
  intervalMs?: number;
  /** TTLs below this are raised to it (--rfc2136-min-ttl, seconds). */
  minTtl?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

const DEFAULT_TTL = 300;
/** Changes per UPDATE message unless told: external-dns's --rfc2136-batch-change-size default. */
export const RFC2136_DEFAULT_BATCH = 50;
const RCODE_SERVFAIL = 2;
const RCODE_REFUSED = 5;
const RCODE_YXRRSET = 7;
const RCODE_NOTAUTH = 9;
const RCODE_NOTZONE = 10;

function normalizeZone(z: string): string {
  return z.trim().toLowerCase().replace(/\.$/, '');
}

export class Rfc2136Provider implements Provider {
  readonly name = 'rfc2136';
  /** Messages sent (tests and benchmarks count them): reads are zone transfers, writes UPDATEs. */
  calls = { reads: 0, writes: 0 };
  private readonly zoneList: Zone[];
  private readonly to: { host: string; port: number; timeoutMs: number };
  private readonly pacer: BatchPacer;

  constructor(private readonly opts: Rfc2136Options) {
    if (opts.zones.length === 0) throw new Error('rfc2136 needs at least one zone');
    this.zoneList = [...new Set(opts.zones.map(normalizeZone))].map((name) => ({ id: name, name }));
    this.to = { host: opts.host, port: opts.port ?? 53, timeoutMs: opts.timeoutMs ?? 10_000 };
    this.pacer = new BatchPacer(opts.intervalMs ?? 0);
  }

  async zones(): Promise<Zone[]> {
    return this.zoneList.map((z) => ({ ...z }));
  }

  adjustEndpoints(endpoints: Endpoint[]): Endpoint[] {
    const min = this.opts.minTtl ?? 0;
    if (min <= 0) return endpoints;
    return endpoints.map((e) => (e.ttl !== undefined && e.ttl < min ? { ...e, ttl: min } : e));
  }

  private keyHint(): string {
    return this.opts.tsig ? `TSIG key "${this.opts.tsig.name}" (${this.opts.tsig.algorithm})` : 'no TSIG key';
  }

  /** A rejection from the server as a ProviderError that says what to check. */
  private rejection(what: string, zone: string, message: Buffer): ProviderError {
    const { code, name } = rcodeOf(message);
    let tsigError: string | undefined;
    try {
      const t = findTsig(message);
      if (t && t.error) tsigError = TSIG_ERRORS[t.error] ?? String(t.error);
    } catch {
      /* an unreadable TSIG is reported by the rcode alone */
    }
    const rc = tsigError ? `${name}(${tsigError})` : name;
    let hint = '';
    if (code === RCODE_NOTAUTH && tsigError === 'BADSIG')
      hint = `: the server rejected the signature of ${this.keyHint()}: wrong secret?`;
    else if (code === RCODE_NOTAUTH && tsigError === 'BADKEY')
      hint = `: the server does not know ${this.keyHint()}: check --rfc2136-tsig-keyname and --rfc2136-tsig-secret-alg`;
    else if (code === RCODE_NOTAUTH && tsigError === 'BADTIME')
      hint = ': the clocks of this host and the server differ by more than the TSIG fudge (300 s)';
    else if (code === RCODE_NOTAUTH)
      hint = `: the server is not authoritative for zone ${zone}, or rejected ${this.keyHint()}`;
    else if (code === RCODE_REFUSED)
      hint = `: the server refused it for zone ${zone} with ${this.keyHint()} (is allow-update / allow-transfer granted to this key? a content check such as check-mx? see the server's log)`;
    else if (code === RCODE_NOTZONE) hint = `: a name is outside zone ${zone}`;
    else if (code === RCODE_YXRRSET)
      hint = `: a record set this update creates already exists (written by another controller since the zone was read); nothing of this update was applied, and the next sync reads the zone again`;
    return new ProviderError(this.name, `${what} ${zone}: ${rc}${hint}`, code === RCODE_SERVFAIL, {
      rcode: name,
      tsigError,
    });
  }

  /** Sends one message and returns the single answer, checked (rcode and TSIG). */
  private async exchange(what: string, zone: string, query: Buffer): Promise<void> {
    const signed = this.opts.tsig ? sign(query, this.opts.tsig) : undefined;
    await tcpExchange(
      this.to,
      signed?.message ?? query,
      `${what} ${zone}`,
      (answer) => {
        if (answer.length < 12 || answer.readUInt16BE(0) !== query.readUInt16BE(0))
          throw new ProviderError(this.name, `${what} ${zone}: answer does not match the request`, true);
        if (rcodeOf(answer).code !== 0) throw this.rejection(what, zone, answer);
        if (this.opts.tsig && signed) {
          const bad = verifyResponse(answer, this.opts.tsig, signed.mac);
          if (bad) throw new ProviderError(this.name, `${what} ${zone}: ${bad} (${this.keyHint()})`, false);
        }
        return true;
      },
      retryable,
    );
  }

  /** Every record of one zone, by AXFR. */
  private async transfer(zone: Zone): Promise<Endpoint[]> {
    const id = randomInt(0, 65536);
    const query = encodeAxfr(id, zone.name);
    const key = this.opts.tsigAxfr === false ? undefined : this.opts.tsig;
    const signed = key ? sign(query, key) : undefined;
    const stream = key && signed ? new TsigStream(key, signed.mac) : undefined;
    const sets = new Map<string, { name: string; type: string; ttl: number; targets: string[] }>();
    let soaSeen = 0;
    this.calls.reads++;
    await tcpExchange(
      this.to,
      signed?.message ?? query,
      `AXFR ${zone.name}`,
      (message) => {
        if (message.length < 12 || message.readUInt16BE(0) !== id)
          throw new ProviderError(this.name, `AXFR ${zone.name}: answer does not match the request`, true);
        if (rcodeOf(message).code !== 0) throw this.rejection('AXFR', zone.name, message);
        if (stream) {
          const bad = stream.push(message);
          if (bad) throw new ProviderError(this.name, `AXFR ${zone.name}: ${bad} (${this.keyHint()})`, false);
        }
        let decoded: dnsPacket.Packet;
        try {
          decoded = dnsPacket.decode(message);
        } catch (e) {
          throw new ProviderError(
            this.name,
            `AXFR ${zone.name}: unreadable message: ${(e as Error).message}`,
            true,
          );
        }
        for (const rr of decoded.answers ?? []) {
          if (rr.type === 'SOA') {
            soaSeen++;
            continue;
          }
          const name = rr.name.toLowerCase().replace(/\.$/, '');
          if (!WIRE_TYPES.has(rr.type) || (rr.type === 'NS' && name === zone.name)) continue;
          const target = targetOf(rr.type, (rr as { data: unknown }).data);
          if (target === undefined) continue;
          const key = `${name}|${rr.type}`;
          const set = sets.get(key) ?? {
            name,
            type: rr.type,
            ttl: (rr as { ttl?: number }).ttl ?? DEFAULT_TTL,
            targets: [],
          };
          if (!set.targets.includes(target)) set.targets.push(target);
          sets.set(key, set);
        }
        if (soaSeen >= 2) {
          const bad = stream?.finish();
          if (bad) throw new ProviderError(this.name, `AXFR ${zone.name}: ${bad}`, false);
          return true;
        }
        return false;
      },
      retryable,
    );
    return [...sets.values()].map((s) => newEndpoint(s.name, s.type, s.targets, s.ttl));
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const z of this.zoneList) {
      out.push(
        ...(await withRetry(() => this.transfer(z), {
          ...this.opts.retry,
          onRetry: (err, attempt, delayMs) =>
            this.opts.logger?.warn(
              { provider: this.name, zone: z.name, attempt, delayMs, err: (err as Error).message },
              'zone transfer failed, retrying',
            ),
        })),
      );
    }
    return out;
  }

  /** The RRsets a batch creates: each must not exist on the server when the update arrives. */
  private createdOf(changes: readonly Change[]): AbsentRRset[] {
    const seen = new Set<string>();
    const out: AbsentRRset[] = [];
    for (const ch of changes) {
      if (ch.action !== 'create') continue;
      const key = `${ch.record.dnsName}|${ch.record.recordType}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: ch.record.dnsName, type: ch.record.recordType });
    }
    return out;
  }

  private opsOf(changes: readonly Change[]): UpdateOp[] {
    const ops: UpdateOp[] = [];
    const ttlOf = (e: Endpoint) => Math.max(e.ttl ?? DEFAULT_TTL, this.opts.minTtl ?? 0);
    const each = (op: 'add' | 'delete', e: Endpoint) => {
      for (const target of e.targets)
        ops.push({ op, name: e.dnsName, type: e.recordType, ttl: ttlOf(e), target });
    };
    for (const ch of changes) {
      if (ch.action === 'delete') each('delete', ch.record);
      else if (ch.action === 'create') each('add', ch.record);
      else {
        // removing the old targets first and adding the new ones in the same message keeps targets
        // both have (a TTL-only change re-adds them with the new TTL)
        each('delete', ch.old);
        each('add', ch.record);
      }
    }
    return ops;
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const list = flattenChanges(changes);
    if (list.length === 0) return;
    const byZone = new Map<string, Change[]>();
    for (const ch of list) {
      const z = zoneFor(this.zoneList, ch.record.dnsName);
      if (!z)
        throw new ProviderError(
          this.name,
          `no managed zone for ${ch.record.dnsName} (zones: ${this.zoneList.map((x) => x.name).join(', ')})`,
          false,
        );
      if (ch.action === 'update' && zoneFor(this.zoneList, ch.old.dnsName) !== z)
        throw new ProviderError(this.name, `update of ${ch.record.dnsName} moves it to another zone`, false);
      byZone.set(z.name, [...(byZone.get(z.name) ?? []), ch]);
    }
    for (const [zone, zoneChanges] of byZone) {
      const batches = splitChanges(zoneChanges, {
        maxChanges: this.opts.batchSize ?? RFC2136_DEFAULT_BATCH,
      }).map((b) => ({
        ops: this.opsOf(b),
        absent: this.createdOf(b),
      }));
      for (const { ops } of batches) {
        for (const o of ops) {
          // rdata problems (a malformed MX target...) are the input's, reported before anything is sent
          try {
            encodeUpdate(0, zone, [o]);
          } catch (e) {
            throw new ProviderError(
              this.name,
              `${o.name} ${o.type} "${o.target}": ${(e as Error).message}`,
              false,
            );
          }
        }
      }
      await sendBatches(
        batches,
        async ({ ops, absent }) => {
          this.calls.writes++;
          await this.exchange('UPDATE', zone, encodeUpdate(randomInt(0, 65536), zone, ops, absent));
        },
        {
          provider: this.name,
          retry: this.opts.retry,
          logger: this.opts.logger,
          pacer: this.pacer,
          signal: apply.signal,
        },
      );
      this.opts.logger?.info(
        { provider: this.name, zone, changes: zoneChanges.length, messages: batches.length },
        'changes applied',
      );
    }
  }
}
