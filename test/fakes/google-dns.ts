/**
 * A fake of the Cloud DNS v1 REST API (managedZones, rrsets, changes) with the rules that matter to
 * a client: bearer auth, pageToken/maxResults pagination, a change applied whole or not at all
 * (a deletion must match the stored rrset exactly: 412 conditionNotMet; an addition must not
 * exist: 409 alreadyExists), the per-change limits on additions and deletions, and 429
 * rateLimitExceeded on demand.
 */
import { HttpError, HttpFake, type FakeRequest, type FakeResponse } from './http-fake.js';

export interface GRrset {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

interface GZone {
  id: string;
  name: string;
  dnsName: string;
  visibility: 'public' | 'private';
  rrsets: Map<string, GRrset>;
}

const key = (r: { name: string; type: string }) => `${r.name}|${r.type}`;

export class GoogleDnsFake extends HttpFake {
  private readonly zones = new Map<string, GZone>();
  private nextId = 1000;
  /** Cloud DNS quotas rrsetAdditionsPerChange / rrsetDeletionsPerChange. */
  maxAdditions = 1000;
  maxDeletions = 1000;
  /** Largest page the server hands out, whatever maxResults asks. */
  maxPage = 1000;

  constructor(
    readonly project = 'test-project',
    readonly token = 'fake-access-token',
  ) {
    super(false);
    this.expectedAuthorization = `Bearer ${token}`;
    const base = `^/dns/v1/projects/${project}/managedZones`;
    this.route('GET', new RegExp(`${base}$`), 'managedZones.list', (req) => this.listZones(req));
    this.route('GET', new RegExp(`${base}/([^/]+)/rrsets$`), 'resourceRecordSets.list', (req, [z]) =>
      this.listRrsets(req, z),
    );
    this.route('POST', new RegExp(`${base}/([^/]+)/changes$`), 'changes.create', (req, [z]) =>
      this.change(req, z),
    );
  }

  addZone(name: string, dnsName: string, visibility: 'public' | 'private' = 'public'): GZone {
    const z: GZone = {
      id: String(this.nextId++),
      name,
      dnsName: dnsName.endsWith('.') ? dnsName : `${dnsName}.`,
      visibility,
      rrsets: new Map(),
    };
    // every managed zone starts with its SOA and NS
    z.rrsets.set(key({ name: z.dnsName, type: 'SOA' }), {
      name: z.dnsName,
      type: 'SOA',
      ttl: 21600,
      rrdatas: [`ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300`],
    });
    z.rrsets.set(key({ name: z.dnsName, type: 'NS' }), {
      name: z.dnsName,
      type: 'NS',
      ttl: 21600,
      rrdatas: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.'],
    });
    this.zones.set(name, z);
    return z;
  }

  rrsetsOf(zone: string): GRrset[] {
    return [...this.zone(zone).rrsets.values()];
  }

  seed(zone: string, rrsets: GRrset[]): void {
    const z = this.zone(zone);
    for (const r of rrsets) z.rrsets.set(key(r), { ...r, rrdatas: [...r.rrdatas] });
  }

  protected throttleBody(): FakeResponse {
    return {
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'Rate Limit Exceeded',
          errors: [{ reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded', domain: 'usageLimits' }],
        },
      },
    };
  }

  protected errorBody(status: number, message: string, reason = 'invalid'): FakeResponse {
    return {
      status,
      body: { error: { code: status, message, errors: [{ reason, message, domain: 'global' }] } },
    };
  }

  private fail(status: number, reason: string, message: string): never {
    throw new HttpError(status, this.errorBody(status, message, reason).body);
  }

  private zone(name: string): GZone {
    const z = this.zones.get(name);
    if (!z)
      this.fail(404, 'notFound', `The 'parameters.managedZone' resource named '${name}' does not exist.`);
    return z;
  }

  private page<T>(req: FakeRequest, items: T[], field: string, kind: string): FakeResponse {
    const max = Math.min(Number(req.query.get('maxResults') ?? this.maxPage) || this.maxPage, this.maxPage);
    const start = Number(req.query.get('pageToken') ?? 0);
    const slice = items.slice(start, start + max);
    const body: Record<string, unknown> = { kind, [field]: slice };
    if (start + max < items.length) body.nextPageToken = String(start + max);
    return { status: 200, body };
  }

  private listZones(req: FakeRequest): FakeResponse {
    const zones = [...this.zones.values()].map((z) => ({
      kind: 'dns#managedZone',
      id: z.id,
      name: z.name,
      dnsName: z.dnsName,
      visibility: z.visibility,
    }));
    return this.page(req, zones, 'managedZones', 'dns#managedZonesListResponse');
  }

  private listRrsets(req: FakeRequest, zone: string): FakeResponse {
    const z = this.zone(zone);
    const items = [...z.rrsets.values()]
      .sort((a, b) => (a.name + a.type).localeCompare(b.name + b.type))
      .map((r) => ({ kind: 'dns#resourceRecordSet', ...r }));
    return this.page(req, items, 'rrsets', 'dns#resourceRecordSetsListResponse');
  }

  private change(req: FakeRequest, zone: string): FakeResponse {
    const z = this.zone(zone);
    const body = (req.body ?? {}) as { additions?: GRrset[]; deletions?: GRrset[] };
    const additions = body.additions ?? [];
    const deletions = body.deletions ?? [];
    if (!additions.length && !deletions.length)
      this.fail(400, 'required', 'The change must contain at least one addition or deletion.');
    if (additions.length > this.maxAdditions)
      this.fail(
        403,
        'quotaExceeded',
        `Quota exceeded for quota metric 'rrsetAdditionsPerChange' (${additions.length} > ${this.maxAdditions}).`,
      );
    if (deletions.length > this.maxDeletions)
      this.fail(
        403,
        'quotaExceeded',
        `Quota exceeded for quota metric 'rrsetDeletionsPerChange' (${deletions.length} > ${this.maxDeletions}).`,
      );
    const staged = new Map(z.rrsets);
    for (const d of deletions) {
      const cur = staged.get(key(d));
      const same =
        cur &&
        cur.ttl === d.ttl &&
        cur.rrdatas.length === d.rrdatas.length &&
        cur.rrdatas.every((v, i) => v === d.rrdatas[i]);
      if (!same)
        this.fail(
          412,
          'conditionNotMet',
          `The resource 'entity.change.deletions[${d.name}][${d.type}]' does not match the existing record set.`,
        );
      staged.delete(key(d));
    }
    for (const a of additions) {
      if (!a.name.endsWith(z.dnsName))
        this.fail(400, 'invalid', `The resource record set name '${a.name}' is not in zone '${z.dnsName}'.`);
      if (!a.rrdatas?.length)
        this.fail(400, 'invalid', `The resource record set '${a.name}' has no rrdatas.`);
      if (staged.has(key(a)))
        this.fail(
          409,
          'alreadyExists',
          `The resource 'entity.change.additions[${a.name}][${a.type}]' named '${a.name} (${a.type})' already exists`,
        );
      if (a.type === 'CNAME' && a.rrdatas.length !== 1)
        this.fail(400, 'invalid', 'A CNAME record set has exactly one value.');
      staged.set(key(a), { name: a.name, type: a.type, ttl: a.ttl, rrdatas: [...a.rrdatas] });
    }
    z.rrsets = staged;
    return {
      status: 200,
      body: {
        kind: 'dns#change',
        id: String(this.nextId++),
        status: 'done',
        additions,
        deletions,
        startTime: new Date().toISOString(),
      },
    };
  }
}
