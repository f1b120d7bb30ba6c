/** Collects the evidence for one name: provider records, DNS answers. The only I/O of doctor. */
import { Resolver } from 'node:dns/promises';
import { normalizeDnsName, type Endpoint } from '../core/model/endpoint.js';
import type { OpenedProvider } from '../core/providers/open.js';
import { queryDns, type DnsAnswer, type NameServer, formatNameServer } from './dns-query.js';
import { endpointsFromAnswers, namesToRead } from './diagnose.js';
import { findZoneServer, type NsResolver } from './nameserver.js';
import type { DoctorEvidence, DoctorSettings, SourcedObject } from './types.js';

export interface GatherOptions {
  objects?: SourcedObject[];
  objectsNote?: string;
  opened?: OpenedProvider;
  /** --nameserver; when absent the zone's NS is looked up through `resolver`. */
  nameserver?: NameServer;
  resolver?: NsResolver;
  timeoutMs?: number;
}

const HOST_TYPES = ['A', 'AAAA', 'CNAME'];

export async function gatherEvidence(
  hostIn: string,
  settings: DoctorSettings,
  opts: GatherOptions,
): Promise<DoctorEvidence> {
  const host = normalizeDnsName(hostIn);
  const names = namesToRead(host, settings);
  const interesting = new Set([names.host, ...names.txt]);
  const evidence: DoctorEvidence = {};
  if (opts.objects) evidence.objects = opts.objects;
  if (opts.objectsNote) evidence.objectsNote = opts.objectsNote;

  if (opts.opened) {
    const p = opts.opened.provider;
    try {
      evidence.zones = (await p.zones()).map((z) => z.name);
      const all: Endpoint[] = await p.records();
      evidence.current = all.filter((e) => interesting.has(e.dnsName));
      evidence.currentSource = `provider ${p.name}`;
    } catch (e) {
      evidence.currentNote = `provider ${p.name} could not be read: ${(e as Error).message}`;
    }
  }

  let server = opts.nameserver;
  let via = '--nameserver';
  if (!server) {
    try {
      // the system resolver, bounded like the direct queries (c-ares defaults wait 5 s x 4 tries)
      const found = await findZoneServer(
        host,
        opts.resolver ?? new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: 2 }),
      );
      server = found.server;
      via = `NS ${found.nsName} of zone ${found.zone}`;
    } catch (e) {
      evidence.dnsNote = `no name server to ask: ${(e as Error).message}; give --nameserver host:port`;
    }
  }
  if (server) {
    const q = { timeoutMs: opts.timeoutMs ?? 2000, tries: 2 };
    const questions: [string, string][] = [
      ...HOST_TYPES.map((t): [string, string] => [host, t]),
      ...[names.host, ...names.txt]
        .filter((n, i, a) => a.indexOf(n) === i)
        .map((n): [string, string] => [n, 'TXT']),
    ];
    const answers: DnsAnswer[] = await Promise.all(questions.map(([n, t]) => queryDns(server, n, t, q)));
    evidence.dns = { server: formatNameServer(server), via, answers };
    if (!evidence.current && !opts.opened) {
      if (answers.every((a) => a.error))
        evidence.currentNote = `${formatNameServer(server)} did not answer: ownership not checked`;
      else {
        evidence.current = endpointsFromAnswers(answers.filter((a) => !a.error));
        evidence.currentSource = `DNS ${formatNameServer(server)}`;
      }
    }
  }
  if (!evidence.current && !evidence.currentNote)
    evidence.currentNote = 'no --provider and no name server answered: ownership not checked';
  return evidence;
}
