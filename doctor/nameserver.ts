/** Finds the authoritative server of the zone a name is in: walk up to the zone's NS, resolve it. */
import { Resolver } from 'node:dns/promises';
import type { NameServer } from './dns-query.js';

export interface NsResolver {
  resolveNs(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
}

export interface ZoneServer {
  zone: string;
  nsName: string;
  server: NameServer;
}

/** The zone apex (the closest enclosing name with NS records) and its first resolvable server. */
export async function findZoneServer(
  host: string,
  resolver: NsResolver = new Resolver(),
): Promise<ZoneServer> {
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    let names: string[];
    try {
      names = await resolver.resolveNs(candidate);
    } catch {
      continue;
    }
    for (const nsName of [...names].sort()) {
      try {
        const [addr] = await resolver.resolve4(nsName);
        if (addr) return { zone: candidate, nsName, server: { host: addr, port: 53 } };
      } catch {
        // try the next name server
      }
    }
    throw new Error(
      `zone ${candidate} has name servers ${names.join(', ')}, none of which resolves to an address`,
    );
  }
  throw new Error(`no zone with NS records found above ${host} through the system resolver`);
}
