/**
 * --target-net-filter and --exclude-target-net (external-dns endpoint/target_filter.go, applied to
 * every source's endpoints by source/wrappers/targetfiltersource.go): a target is kept when it is an
 * address inside one of the filter nets (any target when there are none) and inside none of the
 * excluded nets. A name target (CNAME) is no address, so a filter net drops it and an excluded net
 * never does. A record whose targets are all dropped is not made. Unlike external-dns, which logs an
 * unparseable net and goes on without it, a net that is not CIDR is a configuration error.
 */
import { BlockList, isIP } from 'node:net';

export interface TargetNets {
  /** --target-net-filter: CIDRs. */
  filter: readonly string[];
  /** --exclude-target-net: CIDRs. */
  exclude: readonly string[];
}

/** Why a CIDR cannot be read, or undefined when it can. */
export function checkCidr(cidr: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  const family = m ? isIP(m[1]) : 0;
  if (!m || family === 0)
    return `"${cidr}" is not a network in CIDR notation (e.g. 10.0.0.0/8, 2001:db8::/32)`;
  if (Number(m[2]) > (family === 4 ? 32 : 128)) return `"${cidr}": prefix length ${m[2]} is too long`;
  return undefined;
}

function blockList(cidrs: readonly string[]): BlockList | undefined {
  if (cidrs.length === 0) return undefined;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, len] = c.trim().split('/');
    list.addSubnet(addr, Number(len), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export class TargetNetFilter {
  private readonly filter?: BlockList;
  private readonly exclude?: BlockList;

  constructor(readonly nets: TargetNets) {
    for (const c of [...nets.filter, ...nets.exclude]) {
      const why = checkCidr(c);
      if (why) throw new Error(why);
    }
    this.filter = blockList(nets.filter);
    this.exclude = blockList(nets.exclude);
  }

  get enabled(): boolean {
    return this.filter !== undefined || this.exclude !== undefined;
  }

  /** Whether a target is kept. */
  match(target: string): boolean {
    const family = isIP(target);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const inFilter = !this.filter || (family !== 0 && this.filter.check(target, type));
    const inExclude = !!this.exclude && family !== 0 && this.exclude.check(target, type);
    return inFilter && !inExclude;
  }

  /** A one-line description for messages. */
  describe(): string {
    const parts: string[] = [];
    if (this.nets.filter.length) parts.push(`--target-net-filter [${this.nets.filter.join(', ')}]`);
    if (this.nets.exclude.length) parts.push(`--exclude-target-net [${this.nets.exclude.join(', ')}]`);
    return parts.join(' and ');
  }
}
