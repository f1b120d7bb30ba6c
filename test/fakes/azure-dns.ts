/**
 * A fake of the Azure Resource Manager DNS APIs, public (Microsoft.Network/dnsZones, 2018-05-01)
 * and private (Microsoft.Network/privateDnsZones, 2020-06-01), over https (the SDK refuses bearer
 * tokens on plain http). Rules that matter to a client: bearer auth, $top/nextLink pagination,
 * one record set per PUT (ARM has no batch; a record set is replaced whole, so each call is
 * atomic), a CNAME record set holds one value, the record-set-per-zone limit (public 10,000,
 * private 25,000), and 429 TooManyRequests on demand.
 */
import { HttpError, HttpFake, type FakeRequest, type FakeResponse } from './http-fake.js';

type Kind = 'public' | 'private';

interface AzRecordSet {
  name: string;
  type: string; // A, AAAA, CNAME, TXT
  ttl: number;
  values: Record<string, unknown>; // properties other than ttl, as the API spells them
}

interface AzZone {
  kind: Kind;
  rg: string;
  name: string;
  sets: Map<string, AzRecordSet>;
}

const PROVIDER: Record<Kind, string> = { public: 'dnsZones', private: 'privateDnsZones' };

export class AzureDnsFake extends HttpFake {
  private readonly zones: AzZone[] = [];
  maxRecordSets: Record<Kind, number> = { public: 10_000, private: 25_000 };
  /** Largest page the server hands out. */
  maxPage = 100;

  constructor(
    readonly subscription = '00000000-0000-0000-0000-000000000000',
    readonly token = 'fake-arm-token',
  ) {
    super(true);
    this.expectedAuthorization = `Bearer ${token}`;
    const sub = `^/subscriptions/${subscription}`;
    for (const kind of ['public', 'private'] as Kind[]) {
      const p = PROVIDER[kind];
      const all = kind === 'public' ? 'all' : 'ALL';
      this.route(
        'GET',
        new RegExp(`${sub}/providers/Microsoft.Network/${p}$`, 'i'),
        `${kind}.zones.list`,
        (req) => this.listZones(req, kind),
      );
      this.route(
        'GET',
        new RegExp(`${sub}/resourceGroups/([^/]+)/providers/Microsoft.Network/${p}$`, 'i'),
        `${kind}.zones.listByResourceGroup`,
        (req, [rg]) => this.listZones(req, kind, rg),
      );
      this.route(
        'GET',
        new RegExp(`${sub}/resourceGroups/([^/]+)/providers/Microsoft.Network/${p}/([^/]+)/${all}$`),
        `${kind}.recordSets.list`,
        (req, [rg, z]) => this.listSets(req, this.zone(kind, rg, z)),
      );
      this.route(
        'PUT',
        new RegExp(
          `${sub}/resourceGroups/([^/]+)/providers/Microsoft.Network/${p}/([^/]+)/(A|AAAA|CNAME|TXT)/([^/]+)$`,
        ),
        `${kind}.recordSets.createOrUpdate`,
        (req, [rg, z, t, rel]) => this.put(req, this.zone(kind, rg, z), t, rel),
      );
      this.route(
        'DELETE',
        new RegExp(
          `${sub}/resourceGroups/([^/]+)/providers/Microsoft.Network/${p}/([^/]+)/(A|AAAA|CNAME|TXT)/([^/]+)$`,
        ),
        `${kind}.recordSets.delete`,
        (_req, [rg, z, t, rel]) => this.del(this.zone(kind, rg, z), t, rel),
      );
    }
  }

  addZone(name: string, rg = 'dns-rg', kind: Kind = 'public'): string {
    this.zones.push({ kind, rg, name, sets: new Map() });
    return this.zoneId(this.zones[this.zones.length - 1]);
  }

  recordSetsOf(name: string, kind: Kind = 'public'): AzRecordSet[] {
    const z = this.zones.find((x) => x.name === name && x.kind === kind);
    return z ? [...z.sets.values()] : [];
  }

  protected throttleBody(): FakeResponse {
    return {
      status: 429,
      body: { error: { code: 'TooManyRequests', message: 'The request is being throttled.' } },
    };
  }

  protected errorBody(status: number, message: string, code = 'BadRequest'): FakeResponse {
    return { status, body: { error: { code: status === 401 ? 'AuthenticationFailed' : code, message } } };
  }

  private fail(status: number, code: string, message: string): never {
    throw new HttpError(status, { error: { code, message } });
  }

  private zoneId(z: AzZone): string {
    return `/subscriptions/${this.subscription}/resourceGroups/${z.rg}/providers/Microsoft.Network/${PROVIDER[z.kind]}/${z.name}`;
  }

  private zone(kind: Kind, rg: string, name: string): AzZone {
    const z = this.zones.find(
      (x) => x.kind === kind && x.rg.toLowerCase() === rg.toLowerCase() && x.name === name,
    );
    if (!z)
      this.fail(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Network/${PROVIDER[kind]}/${name}' under resource group '${rg}' was not found.`,
      );
    return z;
  }

  private page<T>(req: FakeRequest, items: T[], render: (t: T) => unknown = (t) => t): FakeResponse {
    const top = Math.min(Number(req.query.get('$top') ?? this.maxPage) || this.maxPage, this.maxPage);
    const skip = Number(req.query.get('$skipToken') ?? 0);
    const body: Record<string, unknown> = { value: items.slice(skip, skip + top).map(render) };
    if (skip + top < items.length) {
      const next = new URL(req.path, this.url);
      for (const [k, v] of req.query) next.searchParams.set(k, v);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skipToken', String(skip + top));
      body.nextLink = next.toString();
    }
    return { status: 200, body };
  }

  private listZones(req: FakeRequest, kind: Kind, rg?: string): FakeResponse {
    const zones = this.zones
      .filter((z) => z.kind === kind && (!rg || z.rg.toLowerCase() === rg.toLowerCase()))
      .map((z) => ({
        id: this.zoneId(z),
        name: z.name,
        type: `Microsoft.Network/${PROVIDER[kind]}`,
        location: 'global',
        properties:
          kind === 'public'
            ? { zoneType: 'Public', numberOfRecordSets: z.sets.size }
            : { numberOfRecordSets: z.sets.size },
      }));
    return this.page(req, zones);
  }

  private render(z: AzZone, s: AzRecordSet): unknown {
    const ttlKey = z.kind === 'public' ? 'TTL' : 'ttl';
    const fqdn = s.name === '@' ? `${z.name}.` : `${s.name}.${z.name}.`;
    return {
      id: `${this.zoneId(z)}/${s.type}/${s.name}`,
      name: s.name,
      type: `Microsoft.Network/${PROVIDER[z.kind]}/${s.type}`,
      etag: 'e',
      properties: { [ttlKey]: s.ttl, fqdn, ...s.values },
    };
  }

  private listSets(req: FakeRequest, z: AzZone): FakeResponse {
    // insertion order is stable across pages, as ARM's listing is
    return this.page(req, [...z.sets.values()], (s) => this.render(z, s));
  }

  private put(req: FakeRequest, z: AzZone, type: string, rel: string): FakeResponse {
    const props = ((req.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
    const pub = z.kind === 'public';
    const field = {
      A: pub ? 'ARecords' : 'aRecords',
      AAAA: pub ? 'AAAARecords' : 'aaaaRecords',
      CNAME: pub ? 'CNAMERecord' : 'cnameRecord',
      TXT: pub ? 'TXTRecords' : 'txtRecords',
    }[type]!;
    const ttl = Number(props[pub ? 'TTL' : 'ttl'] ?? 3600);
    const values = props[field];
    if (values === undefined || (Array.isArray(values) && values.length === 0))
      this.fail(
        400,
        'BadRequest',
        `The record set ${rel} of type ${type} must have at least one record in ${field}.`,
      );
    for (const k of Object.keys(props))
      if (/Records?$|Record$/i.test(k) && k !== field)
        this.fail(400, 'BadRequest', `The record set of type ${type} cannot hold ${k}.`);
    const k = `${rel}|${type}`;
    const created = !z.sets.has(k);
    if (!created && req.headers['if-none-match'] === '*')
      this.fail(
        412,
        'PreconditionFailed',
        `The record set ${rel} of type ${type} already exists (If-None-Match: *).`,
      );
    if (created && z.sets.size >= this.maxRecordSets[z.kind])
      this.fail(
        409,
        'QuotaExceeded',
        `The maximum number of record sets (${this.maxRecordSets[z.kind]}) for the zone has been reached.`,
      );
    // a name holding a CNAME holds nothing else
    const others = [...z.sets.values()].filter((s) => s.name === rel && s.type !== type);
    if (others.length && (type === 'CNAME' || others.some((s) => s.type === 'CNAME')))
      this.fail(409, 'Conflict', `The record set ${rel} cannot have a CNAME and other records.`);
    const set: AzRecordSet = { name: rel, type, ttl, values: { [field]: values } };
    z.sets.set(k, set);
    return { status: created ? 201 : 200, body: this.render(z, set) };
  }

  private del(z: AzZone, type: string, rel: string): FakeResponse {
    const existed = z.sets.delete(`${rel}|${type}`);
    return { status: existed ? 200 : 204 };
  }
}
