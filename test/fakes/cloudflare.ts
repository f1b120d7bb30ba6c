/**
 * A fake of the Cloudflare v4 API (zones, dns_records, dns_records/batch) with the rules that
 * matter to a client: bearer-token auth, page/per_page pagination with result_info, the batch
 * endpoint's order (deletes, patches, puts, posts) and atomicity, its per-plan size limit (200 on
 * the Free plan), "identical record already exists", TTL 1 or 60..86400, proxied only for
 * A/AAAA/CNAME, and 429 on demand.
 */
import { HttpError, HttpFake, type FakeRequest, type FakeResponse } from './http-fake.js';

export interface CfRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  comment?: string | null;
}

interface CfZone {
  id: string;
  name: string;
  records: Map<string, CfRecord>;
}

const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);

export class CloudflareFake extends HttpFake {
  private readonly zonesById = new Map<string, CfZone>();
  private nextId = 1;
  /** Most operations in one batch request (Cloudflare Free plan: 200). */
  maxBatch = 200;
  /** Most records per page of a dns_records list (Cloudflare: 5000). */
  maxPerPage = 5000;

  constructor(readonly token = 'test-token') {
    super(false);
    this.expectedAuthorization = `Bearer ${token}`;
    this.route('GET', /^\/client\/v4\/zones$/, 'zones.list', (req) => this.listZones(req));
    this.route('GET', /^\/client\/v4\/zones\/([^/]+)\/dns_records$/, 'dns_records.list', (req, [z]) =>
      this.listRecords(req, z),
    );
    this.route(
      'POST',
      /^\/client\/v4\/zones\/([^/]+)\/dns_records\/batch$/,
      'dns_records.batch',
      (req, [z]) => this.batch(req, z),
    );
  }

  get baseURL(): string {
    return `${this.url}/client/v4`;
  }

  addZone(name: string): string {
    const id = `zone${String(this.nextId++).padStart(28, '0')}`;
    this.zonesById.set(id, { id, name, records: new Map() });
    return id;
  }

  /** Records straight into the store (test setup), one per content. */
  seed(zoneId: string, recs: Omit<CfRecord, 'id'>[]): void {
    const z = this.zone(zoneId);
    for (const r of recs) {
      const id = this.newId();
      z.records.set(id, { ...r, id });
    }
  }

  recordsOf(zoneId: string): CfRecord[] {
    return [...this.zone(zoneId).records.values()];
  }

  protected throttleBody(): FakeResponse {
    return {
      status: 429,
      body: {
        success: false,
        errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
        messages: [],
        result: null,
      },
    };
  }

  protected errorBody(status: number, message: string): FakeResponse {
    return {
      status,
      body: {
        success: false,
        errors: [{ code: status === 401 ? 10000 : 1004, message }],
        messages: [],
        result: null,
      },
    };
  }

  private fail(message: string, code = 1004): never {
    throw new HttpError(400, { success: false, errors: [{ code, message }], messages: [], result: null });
  }

  private newId(): string {
    return `rec${String(this.nextId++).padStart(29, '0')}`;
  }

  private zone(id: string): CfZone {
    const z = this.zonesById.get(id);
    if (!z)
      throw new HttpError(404, {
        success: false,
        errors: [{ code: 7003, message: 'Could not route to /zones/' + id }],
        messages: [],
        result: null,
      });
    return z;
  }

  private page<T>(req: FakeRequest, items: T[], max: number): FakeResponse {
    const perPage = Math.min(Number(req.query.get('per_page') ?? 20), max);
    const page = Math.max(1, Number(req.query.get('page') ?? 1));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: {
        success: true,
        errors: [],
        messages: [],
        result: slice,
        result_info: {
          page,
          per_page: perPage,
          count: slice.length,
          total_count: items.length,
          total_pages: Math.max(1, Math.ceil(items.length / perPage)),
        },
      },
    };
  }

  private listZones(req: FakeRequest): FakeResponse {
    const name = req.query.get('name');
    const zones = [...this.zonesById.values()]
      .filter((z) => !name || z.name === name)
      .map((z) => ({ id: z.id, name: z.name, status: 'active', type: 'full' }));
    return this.page(req, zones, 50);
  }

  private listRecords(req: FakeRequest, zoneId: string): FakeResponse {
    const z = this.zone(zoneId);
    const recs = [...z.records.values()].map((r) => ({
      ...r,
      zone_id: z.id,
      zone_name: z.name,
      proxiable: PROXIABLE.has(r.type),
    }));
    return this.page(req, recs, this.maxPerPage);
  }

  private check(z: CfZone, r: Partial<CfRecord>): void {
    if (!r.name || !r.type) this.fail('DNS record name and type are required', 9000);
    if (r.name !== z.name && !r.name.endsWith(`.${z.name}`))
      this.fail(`record name ${r.name} is not in zone ${z.name}`, 9007);
    if (r.content === undefined || r.content === '') this.fail('DNS record content is required', 9005);
    if (r.ttl !== undefined && r.ttl !== 1 && (r.ttl < 60 || r.ttl > 86400))
      this.fail('TTL must be between 60 and 86400 seconds, or 1 for Automatic', 9141);
    if (r.proxied && !PROXIABLE.has(r.type)) this.fail(`${r.type} records cannot be proxied`, 9004);
  }

  /** All-or-nothing: the operations run on a copy that replaces the zone only if every one succeeds. */
  private batch(req: FakeRequest, zoneId: string): FakeResponse {
    const z = this.zone(zoneId);
    const body = (req.body ?? {}) as {
      deletes?: { id: string }[];
      patches?: (Partial<CfRecord> & { id: string })[];
      puts?: (CfRecord & { id: string })[];
      posts?: Partial<CfRecord>[];
    };
    const ops =
      (body.deletes?.length ?? 0) +
      (body.patches?.length ?? 0) +
      (body.puts?.length ?? 0) +
      (body.posts?.length ?? 0);
    if (ops > this.maxBatch)
      this.fail(`batch of ${ops} exceeds the ${this.maxBatch} records allowed for this zone's plan`, 1004);
    const staged = new Map([...z.records].map(([k, v]) => [k, { ...v }]));
    const result: Record<string, CfRecord[]> = { deletes: [], patches: [], puts: [], posts: [] };
    for (const d of body.deletes ?? []) {
      const r = staged.get(d.id);
      if (!r) this.fail(`Record ${d.id} does not exist.`, 81044);
      staged.delete(d.id);
      result.deletes.push(r);
    }
    // name|type|content → ids, for the "identical record" rule without scanning the zone per record
    const byContent = new Map<string, Set<string>>();
    const ck = (r: Partial<CfRecord>) => `${r.name}|${r.type}|${r.content}`;
    for (const x of staged.values()) byContent.set(ck(x), (byContent.get(ck(x)) ?? new Set()).add(x.id));
    const identical = (r: Partial<CfRecord>, self?: string) =>
      [...(byContent.get(ck(r)) ?? [])].some(
        (id) => id !== self && staged.has(id) && ck(staged.get(id)!) === ck(r),
      );
    const track = (r: CfRecord) => byContent.set(ck(r), (byContent.get(ck(r)) ?? new Set()).add(r.id));
    for (const p of body.patches ?? []) {
      const r = staged.get(p.id);
      if (!r) this.fail(`Record ${p.id} does not exist.`, 81044);
      const next = { ...r, ...p };
      this.check(z, next);
      if (identical(next, r.id)) this.fail('An identical record already exists.', 81058);
      staged.set(r.id, next);
      track(next);
      result.patches.push(next);
    }
    for (const p of body.puts ?? []) {
      if (!staged.has(p.id)) this.fail(`Record ${p.id} does not exist.`, 81044);
      const next: CfRecord = { ...p, ttl: p.ttl ?? 1, proxied: p.proxied ?? false };
      this.check(z, next);
      staged.set(p.id, next);
      result.puts.push(next);
    }
    for (const p of body.posts ?? []) {
      const next = { ttl: 1, proxied: false, comment: null, ...p, id: this.newId() } as CfRecord;
      this.check(z, next);
      if (identical(next)) this.fail('An identical record already exists.', 81058);
      staged.set(next.id, next);
      track(next);
      result.posts.push(next);
    }
    // A/AAAA records cannot exist on the same name as CNAME records
    const types = new Map<string, Set<string>>();
    for (const r of staged.values()) types.set(r.name, (types.get(r.name) ?? new Set()).add(r.type));
    for (const [name, t] of types)
      if (t.has('CNAME') && t.size > 1)
        this.fail(`A CNAME record with the name ${name} cannot exist alongside other records.`, 81053);
    z.records = staged;
    return { status: 200, body: { success: true, errors: [], messages: [], result } };
  }
}
