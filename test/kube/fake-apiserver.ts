/**
 * A small local Kubernetes API server for tests: enough of the REST API for
 * @kubernetes/client-node informers (list + watch) and clients (get, create, replace, patch,
 * delete, the DNSEndpoint status subresource), for the kinds zoneguard reads plus Events and
 * Leases. Plain HTTP on 127.0.0.1, port 0.
 *
 * Faithful where it matters to a client:
 * - one cluster-wide resourceVersion counter; every write bumps it; lists carry it in metadata;
 * - watches replay every event after the given resourceVersion (no resourceVersion: synthetic
 *   ADDED for what exists), stay open, and stream newline-delimited JSON events;
 * - labelSelector (server side) on list and watch, with ADDED/DELETED when an object starts or
 *   stops matching; fieldSelector metadata.name / metadata.namespace;
 * - PUT with a stale metadata.resourceVersion is 409 Conflict, POST of an existing name is 409
 *   AlreadyExists; metadata.generation moves only when something other than metadata/status does;
 *   writes to a kind with a status subresource keep its status, and /status writes keep the rest;
 * - list items of built-in kinds carry no apiVersion/kind (as a real server), CRD items do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { selfSignedCert } from '../fakes/tls.js';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import YAML from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { matchesSelector, parseSelector, type SelectorRequirement } from '../../core/selector.js';
import type { KubeObject, ObjectMeta } from '../../core/model/objects.js';

export interface ResourceKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Has a /status subresource (writes to the object keep status; /status writes keep the rest). */
  statusSubresource?: boolean;
  /** A CustomResourceDefinition (list items keep apiVersion/kind). */
  crd?: boolean;
}

export const FAKE_KINDS: readonly ResourceKind[] = [
  // Traefik's legacy API group, read with --traefik-enable-legacy
  {
    group: 'traefik.containo.us',
    version: 'v1alpha1',
    plural: 'ingressroutes',
    kind: 'IngressRoute',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    namespaced: true,
    statusSubresource: true,
  },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: 'externaldns.k8s.io',
    version: 'v1alpha1',
    plural: 'dnsendpoints',
    kind: 'DNSEndpoint',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    kind: 'HTTPRoute',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'gateways',
    kind: 'Gateway',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'listenersets',
    kind: 'ListenerSet',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'grpcroutes',
    kind: 'GRPCRoute',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'tlsroutes',
    kind: 'TLSRoute',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    plural: 'tcproutes',
    kind: 'TCPRoute',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    plural: 'udproutes',
    kind: 'UDPRoute',
    namespaced: true,
    statusSubresource: true,
    crd: true,
  },
  // F5 CIS and Gloo (core/kinds.ts f5-virtualserver, f5-transportserver, gloo-proxy)
  ...(
    [
      ['cis.f5.com', 'virtualservers', 'VirtualServer', true],
      ['cis.f5.com', 'transportservers', 'TransportServer', true],
      ['gloo.solo.io', 'proxies', 'Proxy', false],
      ['gateway.solo.io', 'virtualservices', 'VirtualService', false],
      ['gateway.solo.io', 'gateways', 'Gateway', false],
    ] as const
  ).map(([group, plural, kind, statusSubresource]): ResourceKind => ({
    group,
    version: 'v1',
    plural,
    kind,
    namespaced: true,
    statusSubresource,
    crd: true,
  })),
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, statusSubresource: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, statusSubresource: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  {
    group: 'zoneguard.io',
    version: 'v1alpha1',
    plural: 'zonepolicies',
    kind: 'ZonePolicy',
    namespaced: false,
    crd: true,
  },
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    plural: 'policyreports',
    kind: 'PolicyReport',
    namespaced: true,
    crd: true,
  },
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    plural: 'clusterpolicyreports',
    kind: 'ClusterPolicyReport',
    namespaced: false,
    crd: true,
  },
  // Skipper RouteGroups at two versions, each its own store (--skipper-routegroup-groupversion)
  ...['v1', 'v1alpha1'].map((version): ResourceKind => ({
    group: 'zalando.org',
    version,
    plural: 'routegroups',
    kind: 'RouteGroup',
    namespaced: true,
    crd: true,
  })),
  {
    group: 'getambassador.io',
    version: 'v3alpha1',
    plural: 'hosts',
    kind: 'Host',
    namespaced: true,
    crd: true,
  },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
  { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
];

export interface RecordedStatus {
  namespace: string;
  name: string;
  kind: string;
  status: unknown;
  resourceVersion: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

export interface FakeApiServer {
  url: string;
  /** A KubeConfig for client-node pointing at this server (token auth, plain HTTP). */
  kubeConfig(namespace?: string): KubeConfig;
  /** The same, as kubeconfig YAML (for --kubeconfig). */
  kubeconfigYaml(namespace?: string): string;
  /** Creates or replaces an object (like `kubectl apply`); bumps resourceVersion, notifies watchers. */
  apply<T extends KubeObject>(obj: T): T & { metadata: ObjectMeta; status?: unknown };
  /** Deletes an object; notifies watchers. Returns false when it did not exist. */
  remove(
    obj: KubeObject | { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
  ): boolean;
  /** The stored object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Every stored object of a kind. */
  list(apiVersion: string, kind: string): KubeObject[];
  /** Events created through the API (core/v1 and events.k8s.io/v1), oldest first. */
  events(): KubeObject[];
  /** Every /status write, oldest first. */
  statuses(): RecordedStatus[];
  /** Stored Leases. */
  leases: { get(namespace: string, name: string): KubeObject | undefined; list(): KubeObject[] };
  /** Every request served, oldest first (for asserting what a client did or did not do). */
  requests(): RecordedRequest[];
  /** Makes the next `count` requests matching method and path answer `status` (fault injection). */
  failNext(method: string, path: RegExp, status: number, count?: number): void;
  /**
   * Makes the next `count` requests matching method and path get no answer at all (a hung API
   * server); the connection stays open until the client gives up or the server closes.
   */
  stallNext(method: string, path: RegExp, count?: number): void;
  /** Drops the faults failNext queued and that have not fired yet. */
  clearFaults(): void;
  /** The current cluster-wide resourceVersion. */
  resourceVersion(): string;
  /** Number of watch connections open now. */
  openWatches(): number;
  /** Ends every open watch (clients reconnect from their last resourceVersion). */
  dropWatches(): void;
  /** Stops serving a kind, as a cluster without its CRD: every request for it answers 404. */
  unserve(kind: string): void;
  /** Serves a kind again (its CRD installed). */
  serve(kind: string): void;
  close(): Promise<void>;
}

interface Stored {
  kind: ResourceKind;
  obj: KubeObject;
}

interface HistoryEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: ResourceKind;
  obj: KubeObject;
  /** The object before this change (to tell when a label selector starts/stops matching). */
  prev?: KubeObject;
}

interface Watcher {
  kind: ResourceKind;
  namespace?: string;
  labels?: SelectorRequirement[];
  fields?: { name?: string; namespace?: string };
  res: ServerResponse;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  left: number;
}

const apiVersionOf = (k: ResourceKind) => (k.group ? `${k.group}/${k.version}` : k.version);
const clone = <T>(v: T): T => structuredClone(v);

function kindFor(apiVersion: string, kind: string): ResourceKind | undefined {
  return FAKE_KINDS.find((k) => apiVersionOf(k) === apiVersion && k.kind === kind);
}

function storeKey(k: ResourceKind, ns: string | undefined, name: string): string {
  return `${apiVersionOf(k)}|${k.plural}|${k.namespaced ? (ns ?? 'default') : ''}|${name}`;
}

/** Everything but metadata and status: what moves metadata.generation. */
function specOf(obj: KubeObject): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    if (!['metadata', 'status', 'apiVersion', 'kind'].includes(k)) rest[k] = v;
  return JSON.stringify(rest);
}

function statusBody(code: number, reason: string, message: string): object {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason, code };
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 7386 JSON merge patch (also used for strategic-merge and apply patches of plain fields). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch: add, replace, remove, test (what clients send in practice). */
function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new HttpError(400, 'BadRequest', 'json patch must be an array');
  let doc = clone(target);
  for (const op of ops as { op: string; path: string; value?: unknown }[]) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (parts.length === 0) {
      if (op.op === 'add' || op.op === 'replace') doc = clone(op.value);
      continue;
    }
    let parent = doc as Record<string, unknown> | unknown[];
    for (const p of parts.slice(0, -1)) {
      const next = (parent as Record<string, unknown>)[p];
      if (next === undefined || next === null) {
        if (op.op !== 'add')
          throw new HttpError(422, 'Invalid', `json patch: path ${op.path} does not exist`);
        (parent as Record<string, unknown>)[p] = {};
      }
      parent = (parent as Record<string, unknown>)[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (op.op === 'test') {
      if (JSON.stringify((parent as Record<string, unknown>)[last]) !== JSON.stringify(op.value))
        throw new HttpError(422, 'Invalid', `json patch: test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(parent)) {
        if (last === '-') parent.push(clone(op.value));
        else if (op.op === 'add') parent.splice(Number(last), 0, clone(op.value));
        else parent[Number(last)] = clone(op.value);
      } else parent[last] = clone(op.value);
    } else
      throw new HttpError(422, 'Invalid', `json patch: op ${op.op} is not supported by the fake API server`);
  }
  return doc;
}

interface ParsedPath {
  kind: ResourceKind;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function parsePath(pathname: string): ParsedPath | undefined {
  const parts = pathname.split('/').filter(Boolean);
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]);
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  const kind = FAKE_KINDS.find((k) => k.group === group && k.version === version && k.plural === plural);
  if (!kind || rest.length > 3) return undefined;
  return { kind, namespace, name: name === undefined ? undefined : decodeURIComponent(name), subresource };
}

/**
 * `tls`: serve HTTPS with a self-signed certificate for 127.0.0.1, and give kubeconfigs that trust
 * it through certificate-authority-data (as a real cluster's do), not insecure-skip-tls-verify.
 */
export async function start(
  opts: { host?: string; unserved?: string[]; tls?: boolean } = {},
): Promise<FakeApiServer> {
  const store = new Map<string, Stored>();
  const unserved = new Set(opts.unserved ?? []);
  const history: HistoryEntry[] = [];
  const watchers = new Set<Watcher>();
  const statuses: RecordedStatus[] = [];
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  let rv = 1;

  const objectsOf = (k: ResourceKind) => [...store.values()].filter((s) => s.kind === k).map((s) => s.obj);

  const visible = (
    w: Pick<Watcher, 'kind' | 'namespace' | 'labels' | 'fields'>,
    obj: KubeObject | undefined,
  ): boolean => {
    if (!obj) return false;
    if (w.namespace && obj.metadata?.namespace !== w.namespace) return false;
    if (w.fields?.name && obj.metadata?.name !== w.fields.name) return false;
    if (w.fields?.namespace && obj.metadata?.namespace !== w.fields.namespace) return false;
    if (w.labels?.length && !matchesSelector(w.labels, obj.metadata?.labels)) return false;
    return true;
  };

  const send = (w: Watcher, type: string, obj: KubeObject) => {
    w.res.write(JSON.stringify({ type, object: obj }) + '\n');
  };

  /** What a watcher sees of one history entry (selectors turn MODIFIED into ADDED/DELETED). */
  const deliver = (w: Watcher, e: HistoryEntry) => {
    if (w.kind !== e.kind) return;
    const now = visible(w, e.obj);
    const before = e.type === 'MODIFIED' ? visible(w, e.prev) : undefined;
    if (e.type === 'MODIFIED') {
      if (now && before) send(w, 'MODIFIED', e.obj);
      else if (now) send(w, 'ADDED', e.obj);
      else if (before) send(w, 'DELETED', e.obj);
    } else if (now) send(w, e.type, e.obj);
  };

  const record = (type: HistoryEntry['type'], kind: ResourceKind, obj: KubeObject, prev?: KubeObject) => {
    const e: HistoryEntry = {
      rv: Number(obj.metadata?.resourceVersion),
      type,
      kind,
      obj: clone(obj),
      prev: prev && clone(prev),
    };
    history.push(e);
    for (const w of watchers) deliver(w, e);
  };

  const withType = (k: ResourceKind, obj: KubeObject): KubeObject => ({
    ...obj,
    apiVersion: apiVersionOf(k),
    kind: k.kind,
  });

  /** Create or replace; `mode` says which parts of an existing object a write may change. */
  const write = (
    k: ResourceKind,
    input: KubeObject,
    mode: 'create' | 'update' | 'upsert' | 'status',
    namespace?: string,
  ): KubeObject => {
    const meta = { ...(input.metadata ?? {}) };
    if (!meta.name) throw new HttpError(422, 'Invalid', `${k.kind}: metadata.name is required`);
    const ns = k.namespaced ? (namespace ?? meta.namespace ?? 'default') : undefined;
    if (k.namespaced && meta.namespace && namespace && meta.namespace !== namespace) {
      throw new HttpError(
        400,
        'BadRequest',
        `the namespace of the object (${meta.namespace}) does not match the namespace of the request (${namespace})`,
      );
    }
    const key = storeKey(k, ns, meta.name);
    const existing = store.get(key)?.obj;
    if (mode === 'create' && existing)
      throw new HttpError(409, 'AlreadyExists', `${k.plural} "${meta.name}" already exists`);
    if ((mode === 'update' || mode === 'status') && !existing)
      throw new HttpError(404, 'NotFound', `${k.plural} "${meta.name}" not found`);
    if (
      (mode === 'update' || mode === 'status') &&
      meta.resourceVersion &&
      existing &&
      meta.resourceVersion !== existing.metadata?.resourceVersion
    ) {
      throw new HttpError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${k.plural} "${meta.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    let next: KubeObject;
    if (mode === 'status') {
      next = { ...clone(existing!), status: clone(input.status) };
    } else {
      next = clone(input);
      if (k.statusSubresource && existing && mode !== 'upsert') next.status = clone(existing.status);
      if (k.statusSubresource && existing && mode === 'upsert' && input.status === undefined)
        next.status = clone(existing.status);
    }
    const oldMeta = existing?.metadata ?? {};
    const generationMoves = !existing || (mode !== 'status' && specOf(existing) !== specOf(next));
    next.metadata = {
      ...(mode === 'status' ? oldMeta : meta),
      name: meta.name,
      ...(ns ? { namespace: ns } : {}),
      uid: oldMeta.uid ?? meta.uid ?? randomUUID(),
      resourceVersion: String(++rv),
      generation: generationMoves ? (oldMeta.generation ?? 0) + 1 : (oldMeta.generation ?? 1),
    };
    const created = (oldMeta as { creationTimestamp?: string }).creationTimestamp ?? new Date().toISOString();
    (next.metadata as Record<string, unknown>).creationTimestamp = created;
    next = withType(k, next);
    store.set(key, { kind: k, obj: next });
    if (mode === 'status')
      statuses.push({
        namespace: ns ?? '',
        name: meta.name,
        kind: k.kind,
        status: clone(next.status),
        resourceVersion: next.metadata!.resourceVersion!,
      });
    record(existing ? 'MODIFIED' : 'ADDED', k, next, existing);
    return clone(next);
  };

  const del = (k: ResourceKind, ns: string | undefined, name: string): KubeObject | undefined => {
    const key = storeKey(k, k.namespaced ? (ns ?? 'default') : undefined, name);
    const s = store.get(key);
    if (!s) return undefined;
    store.delete(key);
    const gone = clone(s.obj);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++rv) };
    record('DELETED', k, gone);
    return gone;
  };

  const readBody = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', reject);
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (!text) return resolve(undefined);
        try {
          resolve((req.headers['content-type'] ?? '').includes('yaml') ? YAML.parse(text) : JSON.parse(text));
        } catch {
          reject(new HttpError(400, 'BadRequest', 'request body is not valid JSON'));
        }
      });
    });

  const json = (res: ServerResponse, code: number, body: unknown) => {
    const payload = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const selectorsOf = (url: URL) => {
    const ls = url.searchParams.get('labelSelector') ?? '';
    let labels: SelectorRequirement[] | undefined;
    try {
      labels = ls.trim() ? parseSelector(ls) : undefined;
    } catch (e) {
      throw new HttpError(400, 'BadRequest', `unable to parse requirement: ${(e as Error).message}`);
    }
    const fs = url.searchParams.get('fieldSelector') ?? '';
    const fields: { name?: string; namespace?: string } = {};
    for (const part of fs.split(',').filter(Boolean)) {
      const [f, v] = part.split(/==?/);
      if (f === 'metadata.name') fields.name = v;
      else if (f === 'metadata.namespace') fields.namespace = v;
      else throw new HttpError(400, 'BadRequest', `field label not supported: ${f}`);
    }
    return { labels, fields };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const fault = faults.find((f) => f.left > 0 && f.method === method && f.path.test(url.pathname));
    if (fault) {
      fault.left--;
      if (fault.status === 0) return 0; // stalled: never answered
      json(res, fault.status, statusBody(fault.status, 'InternalError', 'injected fault'));
      return fault.status;
    }
    if (url.pathname === '/version') {
      json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-zoneguard-fake' });
      return 200;
    }
    const p = parsePath(url.pathname);
    if (!p || unserved.has(p.kind.kind))
      throw new HttpError(
        404,
        'NotFound',
        `the server could not find the requested resource (${method} ${url.pathname})`,
      );
    const k = p.kind;
    if (p.subresource && !(p.subresource === 'status' && k.statusSubresource))
      throw new HttpError(404, 'NotFound', `${k.plural}/${p.subresource} is not served`);

    if (!p.name) {
      if (method === 'GET' && url.searchParams.get('watch') === 'true') {
        const { labels, fields } = selectorsOf(url);
        const w: Watcher = { kind: k, namespace: p.namespace, labels, fields, res };
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        const from = url.searchParams.get('resourceVersion') ?? '';
        if (from === '' || from === '0') {
          for (const o of objectsOf(k)) if (visible(w, o)) send(w, 'ADDED', o);
        } else {
          const since = Number(from);
          for (const e of history) if (e.rv > since) deliver(w, e);
        }
        watchers.add(w);
        const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
        const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
        res.on('close', () => {
          watchers.delete(w);
          if (timer) clearTimeout(timer);
        });
        return 200;
      }
      if (method === 'GET') {
        const { labels, fields } = selectorsOf(url);
        const items = objectsOf(k)
          .filter((o) => visible({ kind: k, namespace: p.namespace, labels, fields }, o))
          .map((o) => {
            if (k.crd) return o;
            const { apiVersion: _a, kind: _k, ...rest } = o;
            return rest;
          });
        json(res, 200, {
          apiVersion: apiVersionOf(k),
          kind: `${k.kind}List`,
          metadata: { resourceVersion: String(rv) },
          items,
        });
        return 200;
      }
      if (method === 'POST') {
        const body = (await readBody(req)) as KubeObject;
        if (
          body?.metadata &&
          !body.metadata.name &&
          (body.metadata as { generateName?: string }).generateName
        ) {
          body.metadata.name = `${(body.metadata as { generateName?: string }).generateName}${randomUUID().slice(0, 5)}`;
        }
        json(res, 201, write(k, body, 'create', p.namespace));
        return 201;
      }
      throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
    }

    const key = storeKey(k, p.namespace, p.name);
    const existing = store.get(key)?.obj;
    const status = p.subresource === 'status';
    switch (method) {
      case 'GET':
        if (!existing)
          throw new HttpError(
            404,
            'NotFound',
            `${k.plural}${k.group ? `.${k.group}` : ''} "${p.name}" not found`,
          );
        json(res, 200, existing);
        return 200;
      case 'PUT': {
        const body = (await readBody(req)) as KubeObject;
        if (body?.metadata?.name && body.metadata.name !== p.name)
          throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
        const obj = { ...body, metadata: { ...(body?.metadata ?? {}), name: p.name } };
        if (!existing && !status) {
          // PUT to a missing object creates it (as the real server does for most kinds)
          json(res, 201, write(k, obj, 'create', p.namespace));
          return 201;
        }
        json(res, 200, write(k, obj, status ? 'status' : 'update', p.namespace));
        return 200;
      }
      case 'PATCH': {
        if (!existing) throw new HttpError(404, 'NotFound', `${k.plural} "${p.name}" not found`);
        const body = await readBody(req);
        const ct = String(req.headers['content-type'] ?? '');
        const patched = (
          ct.includes('json-patch') ? jsonPatch(existing, body) : mergePatch(existing, body)
        ) as KubeObject;
        // a patch applies to what is stored: a resourceVersion in it is a precondition, else none
        const rvIn = (body as KubeObject | undefined)?.metadata?.resourceVersion;
        patched.metadata = {
          ...(patched.metadata ?? {}),
          resourceVersion: ct.includes('json-patch') ? undefined : rvIn,
        };
        json(res, 200, write(k, patched, status ? 'status' : 'update', p.namespace));
        return 200;
      }
      case 'DELETE': {
        const gone = del(k, p.namespace, p.name);
        if (!gone) throw new HttpError(404, 'NotFound', `${k.plural} "${p.name}" not found`);
        json(res, 200, gone);
        return 200;
      }
      default:
        throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported`);
    }
  };

  const cert = opts.tls ? selfSignedCert() : undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res)
      .then((code) => requests.push({ method: req.method ?? '', path: req.url ?? '', status: code }))
      .catch((e: unknown) => {
        const err = e instanceof HttpError ? e : new HttpError(500, 'InternalError', (e as Error).message);
        requests.push({ method: req.method ?? '', path: req.url ?? '', status: err.code });
        if (!res.headersSent) json(res, err.code, statusBody(err.code, err.reason, err.message));
        else res.end();
      });
  };
  const server: Server = cert
    ? (createHttpsServer({ key: cert.key, cert: cert.cert }, listener) as unknown as Server)
    : createServer(listener);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${cert ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caData = cert ? Buffer.from(cert.cert).toString('base64') : undefined;

  const kubeconfigOptions = (namespace = 'default') => ({
    clusters: [{ name: 'fake', server: url, ...(caData ? { caData } : { skipTLSVerify: true }) }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
    currentContext: 'fake',
  });

  const kindOrThrow = (apiVersion: string, kind: string) => {
    const k = kindFor(apiVersion, kind);
    if (!k) throw new Error(`fake API server does not serve ${apiVersion} ${kind}`);
    return k;
  };

  return {
    url,
    kubeConfig(namespace) {
      const kc = new KubeConfig();
      kc.loadFromOptions(kubeconfigOptions(namespace));
      return kc;
    },
    kubeconfigYaml(namespace = 'default') {
      return YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'fake',
        clusters: [
          {
            name: 'fake',
            cluster: {
              server: url,
              ...(caData ? { 'certificate-authority-data': caData } : { 'insecure-skip-tls-verify': true }),
            },
          },
        ],
        users: [{ name: 'fake', user: { token: 'fake-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
      });
    },
    apply(obj) {
      const k = kindOrThrow(String(obj.apiVersion), String(obj.kind));
      return write(k, obj, 'upsert', obj.metadata?.namespace) as typeof obj & { metadata: ObjectMeta };
    },
    remove(obj) {
      const k = kindOrThrow(String(obj.apiVersion), String(obj.kind));
      return del(k, obj.metadata?.namespace, String(obj.metadata?.name)) !== undefined;
    },
    get(apiVersion, kind, namespace, name) {
      const s = store.get(storeKey(kindOrThrow(apiVersion, kind), namespace, name));
      return s && clone(s.obj);
    },
    list(apiVersion, kind) {
      return objectsOf(kindOrThrow(apiVersion, kind)).map(clone);
    },
    events() {
      return [...store.values()]
        .filter((s) => s.kind.kind === 'Event')
        .map((s) => clone(s.obj))
        .sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
    },
    statuses: () => statuses.map(clone),
    leases: {
      get: (namespace, name) => {
        const s = store.get(storeKey(kindOrThrow('coordination.k8s.io/v1', 'Lease'), namespace, name));
        return s && clone(s.obj);
      },
      list: () => objectsOf(kindOrThrow('coordination.k8s.io/v1', 'Lease')).map(clone),
    },
    requests: () => [...requests],
    failNext(method, path, status, count = 1) {
      faults.push({ method, path, status, left: count });
    },
    stallNext(method, path, count = 1) {
      faults.push({ method, path, status: 0, left: count });
    },
    clearFaults() {
      faults.length = 0;
    },
    resourceVersion: () => String(rv),
    openWatches: () => watchers.size,
    unserve(kind) {
      unserved.add(kind);
    },
    serve(kind) {
      unserved.delete(kind);
    },
    dropWatches() {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    async close() {
      for (const w of watchers) w.res.end();
      watchers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
