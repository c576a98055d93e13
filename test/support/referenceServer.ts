import { wholePreview, wholeTestQuery } from './whole';
/**
 * A reference server of the documented Planasonix Connections and credentials APIs, for tests (it is
 * never bundled). Its connections and credentials live in the project's own local back end, so its
 * introspection endpoints run the real connectors against the real PostgreSQL, MariaDB and SQLite here.
 * Tests switch its envelope style, paging, API keys, connections in use (409) and faults (a status with
 * Retry-After, a delay, a dropped socket) and read the log of every request it received.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionError, errorMessage, type ConnectionErrorCode } from '../../src/core/errors';
import { DeployedBackend } from './deployedBackend';
import { makeHarness, type Harness } from './harness';

export interface Fault {
  method?: string;
  path?: RegExp;
  /** How many matching requests it hits. */
  times: number;
  /** Matching requests let through before it starts hitting (the network goes down mid-flow). */
  skip?: number;
  status?: number;
  retryAfter?: string;
  body?: string;
  /** Close the socket without an answer. */
  drop?: boolean;
  /** Carry the request out, then close the socket without an answer (the client cannot know it worked). */
  dropAfter?: boolean;
  /** Carry the request out, answer 200 and cut the body off halfway (undici reports "terminated"). */
  cutAfter?: boolean;
  /** The answer's Content-Type (a gateway's HTML error page), with `status` and `body`. */
  contentType?: string;
  delayMs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Json = Record<string, unknown>;

const statusOf: Partial<Record<ConnectionErrorCode, number>> = {
  not_found: 404,
  invalid_config: 400,
  name_taken: 409,
  read_only: 400,
  query_failed: 400,
  unsupported: 400,
  conflict: 409,
  auth_failed: 400,
  unreachable: 502,
  timeout: 504,
};

/** Which back end the server plays: the documented API, or the one Planasonix deploys (deployedBackend.ts). */
export type Profile = 'documented' | 'deployed';

export class ReferenceServer {
  /** `deployed` answers connection requests as the back end Planasonix runs (its own Go client's shapes). */
  profile: Profile = 'documented';
  readonly deployed: DeployedBackend;
  /** The HTTP status of a device-flow `authorization_pending` (RFC 8628 says 400; the deployed profile sends 200). */
  pendingStatus: 400 | 200 | undefined;
  /** `docs`: as the reference shows (lists `{data, meta}`, connections bare); `data`: every body in `{data}`; `bare`: bare arrays and objects, as the deployed back end. */
  envelope: 'docs' | 'data' | 'bare' = 'docs';
  /** Connections per page of GET /api/connections (with meta.page.cursor); undefined sends all at once. */
  pageSize: number | undefined;
  /** Accepted bearer tokens; empty accepts any request. */
  readonly keys = new Set<string>();
  readonly inUse = new Set<string>();
  readonly faults: Fault[] = [];
  readonly log: LoggedRequest[] = [];
  /** Answers by Idempotency-Key: a retried POST gets the first answer instead of running twice. */
  private readonly idempotent = new Map<string, { status: number; body: unknown }>();
  /** Whether Idempotency-Key is honoured (the deployed API does not document it). */
  honourIdempotencyKeys = true;
  /** Refuse the path form of tables/columns, as some deployments do. */
  refusePathIntrospection = false;
  /** Seconds between device-flow polls the server asks for. */
  deviceInterval = 0;
  /** Seconds an access token lives. */
  accessTokenSeconds = 3600;
  /** Device authorizations by device code. */
  readonly devices = new Map<
    string,
    { userCode: string; state: 'pending' | 'approved' | 'denied' | 'expired'; lastPoll?: number }
  >();
  /** Refresh tokens that are still valid (each is used once: it rotates). */
  readonly refreshTokens = new Set<string>();
  private issued = 0;

  /** The workspace's connections as last listed: a paged listing does not sort them again per page. */
  private listing: Promise<Json[]> | undefined;

  private constructor(
    private readonly server: http.Server,
    readonly backend: Harness,
    readonly url: string,
  ) {
    backend.api.onDidChange(() => (this.listing = undefined));
    this.deployed = new DeployedBackend(backend);
  }

  static async start(profile: Profile = 'documented'): Promise<ReferenceServer> {
    const backend = await makeHarness();
    const holder: { self?: ReferenceServer } = {};
    const server = http.createServer((req, res) => void holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new ReferenceServer(server, backend, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    holder.self.profile = profile;
    return holder.self;
  }

  /** Writes n connections straight into the store (a big workspace without n round trips). */
  async seed(n: number, type = 'sqlite'): Promise<void> {
    if (this.profile === 'deployed') {
      this.deployed.seed(n, type);
      return;
    }
    const now = new Date().toISOString();
    const connections = Array.from({ length: n }, (_, i) => ({
      id: `conn_seed_${String(i).padStart(6, '0')}`,
      name: `seeded ${String(i).padStart(6, '0')}`,
      type,
      config: { path: `/data/${i}.sqlite` },
      createdAt: now,
      updatedAt: now,
    }));
    writeFileSync(this.backend.store.file, JSON.stringify({ version: 1, connections }));
    await this.backend.store.load();
  }

  /** A colleague edits a workspace connection (in the server's own store, as its web app would). */
  async editAsColleague(
    id: string,
    change: { name?: string; config?: Record<string, string | number | boolean> },
  ): Promise<void> {
    if (this.profile === 'documented') {
      await this.backend.api.updateConnection(id, change);
      return;
    }
    const record = this.deployed.records.get(id);
    if (!record) throw new Error(`no workspace connection ${id}`);
    const params = { ...(record.params as Record<string, string>) };
    for (const [k, v] of Object.entries(change.config ?? {})) params[k] = String(v);
    this.deployed.records.set(id, {
      ...record,
      ...(change.name !== undefined ? { name: change.name } : {}),
      params,
      updatedAt: new Date().toISOString(),
    });
  }

  async deleteAsColleague(id: string): Promise<void> {
    if (this.profile === 'documented') await this.backend.api.deleteConnection(id);
    else this.deployed.records.delete(id);
  }

  /** The workspace's connections as the server holds them: settings (secrets aside) and the credential named. */
  async workspaceConnections(): Promise<
    {
      id: string;
      name: string;
      type: string;
      category?: string;
      config: Record<string, unknown>;
      credentialId?: string;
      secrets: string[];
    }[]
  > {
    if (this.profile === 'documented') {
      return (await this.backend.api.listConnections()).data.map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        config: c.config,
        ...(c.credentialId ? { credentialId: c.credentialId } : {}),
        secrets: [],
      }));
    }
    const spec = (type: string) => this.backend.api.registry.find(type);
    return [...this.deployed.records.values()].map((r) => {
      const params = r.params as Record<string, string>;
      const secret = (k: string) => spec(String(r.type))?.fields.find((f) => f.name === k)?.secret === true;
      return {
        id: String(r.id),
        name: String(r.name),
        type: String(r.type),
        category: String(r.category),
        config: Object.fromEntries(Object.entries(params).filter(([k]) => !secret(k))),
        secrets: Object.keys(params).filter(secret),
      };
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.backend.api.dispose();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/v1/, '');
    this.log.push({ method, path, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
    const fault = this.faults.find((f) => {
      if (f.times <= 0 || (f.method && f.method !== method) || (f.path && !f.path.test(path))) return false;
      if (!f.skip) return true;
      f.skip--; // let this one through
      return false;
    });
    if (fault) {
      fault.times--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.status) {
        res.writeHead(fault.status, {
          'Content-Type': fault.contentType ?? 'application/json',
          ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}),
        });
        res.end(fault.body ?? JSON.stringify({ error: { code: 'injected', message: `injected ${fault.status}` } }));
        return;
      }
    }
    if (path.startsWith('/api/v2/auth/') || path === '/api/auth/refresh' || path === '/device' || path === '/') {
      return this.auth(method, path, url.searchParams, body, res, fault?.dropAfter === true);
    }
    if (this.keys.size > 0) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !this.keys.has(token))
        return send(res, 401, { error: { code: 'unauthorized', message: 'Invalid or expired token.' } });
    }
    if (this.profile === 'deployed' && path.startsWith('/api/connections')) {
      // The deployed back end ignores idempotency keys and answers in its own shapes.
      const answer = (await this.deployed.route(method, path, url.searchParams, body, this.inUse)) ?? {
        status: 404,
        body: { error: '404 page not found' },
      };
      if (fault?.dropAfter) {
        req.socket.destroy();
        return;
      }
      if (fault?.cutAfter) return cut(res, answer.body);
      if (answer.body === undefined) {
        res.writeHead(answer.status ?? 204);
        res.end();
        return;
      }
      return send(res, answer.status ?? 200, answer.body);
    }
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const remembered = typeof key === 'string' && this.honourIdempotencyKeys ? this.idempotent.get(key) : undefined;
    if (remembered) return send(res, remembered.status, remembered.body);
    let answer: { status: number; body: unknown };
    try {
      const json: Json = body ? (JSON.parse(body) as Json) : {};
      const result = await this.route(method, path, url.searchParams, json);
      answer = { status: result.status ?? 200, body: result.body };
    } catch (error) {
      const code = ConnectionError.is(error) ? error.code : 'internal';
      answer = { status: statusOf[code] ?? 500, body: { error: { code, message: errorMessage(error) } } };
    }
    if (typeof key === 'string' && answer.status < 500) this.idempotent.set(key, answer);
    if (fault?.dropAfter) {
      req.socket.destroy();
      return;
    }
    if (fault?.cutAfter) return cut(res, answer.body);
    send(res, answer.status, answer.body);
  }

  private async route(
    method: string,
    path: string,
    q: URLSearchParams,
    body: Json,
  ): Promise<{ status?: number; body: unknown }> {
    const api = this.backend.api;
    const credentials = this.backend.credentials;
    const param = (k: string): string | undefined => q.get(k) ?? undefined;
    const int = (k: string): number | undefined => (q.get(k) ? Number(q.get(k)) : undefined);
    const one = (v: unknown, wrap = this.envelope === 'data'): unknown => (wrap ? { data: v } : v);
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/api/connections') {
      const filtered = param('type') !== undefined || param('search') !== undefined;
      // As the reference shows a list: no settings in an item (a summary; GET one for its config).
      const list = async (): Promise<Json[]> =>
        (await api.listConnections({ type: param('type'), search: param('search') })).data.map((c) =>
          strip(c, 'config'),
        );
      if (!filtered) this.listing ??= list();
      const shown = filtered ? await list() : await this.listing!;
      if (this.pageSize === undefined)
        return { body: this.envelope === 'bare' ? shown : { data: shown, meta: { total: shown.length } } };
      const start = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
      const page = shown.slice(start, start + this.pageSize);
      const next =
        start + page.length < shown.length ? Buffer.from(String(start + page.length)).toString('base64url') : null;
      return { body: { data: page, meta: { page: { limit: this.pageSize, cursor: next } } } };
    }
    if (method === 'POST' && path === '/api/connections') {
      return {
        status: 201,
        body: one(
          await api.createConnection({
            name: String(body.name),
            type: String(body.type),
            config: body.config as Json as never,
            credentialId: body.credentialId as string | undefined,
          }),
        ),
      };
    }
    if (method === 'POST' && path === '/api/connections/test') {
      return {
        body: await api.testConnection({
          type: String(body.type),
          config: (body.config ?? {}) as never,
          credentialId: body.credentialId as string | undefined,
          targetConfirmed: true,
        }),
      };
    }
    if (method === 'POST' && path === '/api/connections/test-query') {
      return {
        body: await wholeTestQuery(api, {
          connectionId: String(body.connectionId),
          sql: String(body.sql),
          limit: body.limit as number | undefined,
          schema: body.schema as string | undefined,
          catalog: body.catalog as string | undefined,
        }),
      };
    }
    if (method === 'GET' && (path === '/api/connections/tables' || path === '/api/connections/columns')) {
      return this.introspect(path.endsWith('tables') ? 'tables' : 'columns', param('connectionId') ?? '', q);
    }
    if ((m = /^\/api\/connections\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET') return { body: one(strip(await api.getConnection(id))) };
      if (method === 'PUT') return { body: one(strip(await api.updateConnection(id, body))) };
      if (method === 'DELETE') {
        if (this.inUse.has(id))
          return {
            status: 409,
            body: {
              error: { code: 'connection_in_use', message: 'Active pipelines still reference this connection.' },
            },
          };
        return { body: await api.deleteConnection(id) };
      }
    }
    if ((m = /^\/api\/connections\/([^/]+)\/([a-z-]+)$/.exec(path)) && method === 'GET') {
      const id = decodeURIComponent(m[1]);
      switch (m[2]) {
        case 'catalogs':
          return { body: await api.listCatalogs(id) };
        case 'schemas':
          return { body: await api.listSchemas(id, { catalog: param('catalog') }) };
        case 'tables':
        case 'columns':
          if (this.refusePathIntrospection) return { status: 404, body: { error: 'route not found' } };
          return this.introspect(m[2], id, q);
        case 'preview': {
          const orderBy = param('orderBy');
          return {
            body: await wholePreview(api, id, {
              schema: param('schema'),
              table: param('table') ?? '',
              catalog: param('catalog'),
              limit: int('limit'),
              ...(orderBy
                ? { orderBy: { column: orderBy, direction: param('direction') === 'desc' ? 'desc' : 'asc' } }
                : {}),
            }),
          };
        }
        case 'files':
          return {
            body: await api.listFiles(id, {
              bucket: param('bucket'),
              prefix: param('prefix'),
              delimiter: param('delimiter'),
              pageToken: param('pageToken'),
            }),
          };
        case 'cloud-schema':
          return {
            body: await api.cloudSchema(id, {
              bucket: param('bucket'),
              path: param('path') ?? '',
              ...(param('size') ? { size: Number(param('size')) } : {}),
            }),
          };
      }
    }
    if (path === '/api/credentials' && method === 'GET')
      return { body: { ...(await credentials.listCredentials()), meta: { page: { limit: 50, cursor: null } } } };
    if (path === '/api/credentials' && method === 'POST')
      return { status: 201, body: { data: await credentials.createCredential(body as never) } };
    if ((m = /^\/api\/credentials\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET') return { body: { data: await credentials.getCredential(id) } };
      if (method === 'PUT') return { body: { data: await credentials.updateCredential(id, body) } };
      if (method === 'DELETE') return { body: { data: await credentials.deleteCredential(id) } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: `No route ${method} ${path}.` } } };
  }

  /** Approves (or denies) a device code as the user would on the approval page. */
  decide(userCode: string, approve = true): void {
    for (const d of this.devices.values()) if (d.userCode === userCode) d.state = approve ? 'approved' : 'denied';
  }

  /** Every access token stops working (as after a server-side revocation): the next request gets 401. */
  revokeAccessTokens(): void {
    for (const k of [...this.keys]) if (k.startsWith('at_')) this.keys.delete(k);
  }

  private issue(): { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string } {
    const n = ++this.issued;
    const accessToken = `at_${n}_${Math.random().toString(36).slice(2)}`;
    const refreshToken = `plnx_rt_${n}_${Math.random().toString(36).slice(2)}`;
    this.keys.add(accessToken);
    this.refreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresIn: this.accessTokenSeconds, tokenType: 'Bearer' };
  }

  private auth(
    method: string,
    path: string,
    q: URLSearchParams,
    raw: string,
    res: http.ServerResponse,
    dropAfter = false,
  ): void {
    const body = (raw ? JSON.parse(raw) : {}) as Json;
    if (method === 'POST' && path === '/api/v2/auth/device') {
      const deviceCode = `dev_${Math.random().toString(36).slice(2)}`;
      const userCode =
        `${Math.random().toString(36).slice(2, 6)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
      this.devices.set(deviceCode, { userCode, state: 'pending' });
      return send(res, 200, {
        deviceCode,
        userCode,
        verificationUri: `${this.url}/device`,
        verificationUriComplete: `${this.url}/device?user_code=${userCode}`,
        expiresIn: 900,
        interval: this.deviceInterval,
      });
    }
    if (method === 'POST' && path === '/api/v2/auth/device/token') {
      const device = this.devices.get(String(body.deviceCode));
      if (!device || !body.clientId)
        return send(res, 400, { error: 'invalid_request', error_description: 'deviceCode and clientId are required.' });
      const now = Date.now();
      const tooSoon = device.lastPoll !== undefined && now - device.lastPoll < this.deviceInterval * 1000;
      device.lastPoll = now;
      if (tooSoon) return send(res, 400, { error: 'slow_down', error_description: 'Polling too often.' });
      if (device.state === 'pending')
        return send(res, this.pendingStatus ?? (this.profile === 'deployed' ? 200 : 400), {
          error: 'authorization_pending',
          error_description: 'The user has not yet completed authorization.',
        });
      if (device.state === 'denied')
        return send(res, 400, { error: 'access_denied', error_description: 'The user denied the request.' });
      if (device.state === 'expired')
        return send(res, 400, { error: 'expired_token', error_description: 'The device code expired.' });
      this.devices.delete(String(body.deviceCode));
      return send(res, 200, this.issue());
    }
    if (method === 'POST' && path === '/api/v2/auth/device/authorize') {
      this.decide(String(body.userCode), body.deny !== true);
      return send(res, 200, {
        ok: true,
        clientName: 'Planasonix Connections for VS Code',
        scopes: ['openid', 'profile'],
      });
    }
    if (method === 'POST' && path === '/api/auth/refresh') {
      const token = String(body.refreshToken);
      if (!this.refreshTokens.has(token))
        return send(res, 401, { error: { code: 'invalid_refresh_token', message: 'The refresh token is not valid.' } });
      this.refreshTokens.delete(token); // rotation: each refresh token is good once
      const issued = this.issue();
      // Renewed, but the answer never reaches the client.
      if (dropAfter) return void res.socket?.destroy();
      return send(res, 200, issued);
    }
    if (method === 'GET' && (path === '/device' || path === '/')) {
      // The approval page a user opens from VS Code: the code (filled in from the link, or typed) and one
      // button. Its request path is relative, so the page also works behind code-server's port proxy,
      // which opens loopback links as /proxy/<port>/ (without their path).
      const code = (q.get('user_code') ?? '').replace(/[^A-Z0-9-]/gi, '');
      const target = path === '/' ? 'api/v2/auth/device/authorize' : '../api/v2/auth/device/authorize';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>Approve sign-in</title><h1>Sign in to Planasonix</h1>` +
          `<label>Code shown in VS Code <input id="code" value="${code}" autocomplete="off"></label>` +
          `<button id="approve" onclick="fetch('${target}',{method:'POST',body:JSON.stringify({userCode:document.getElementById('code').value.trim().toUpperCase()})})` +
          `.then(()=>document.body.append('Approved. You can close this page.'))">Approve</button>`,
      );
      return;
    }
    send(res, 404, { error: { code: 'not_found', message: `No route ${method} ${path}.` } });
  }

  private async introspect(what: 'tables' | 'columns', id: string, q: URLSearchParams): Promise<{ body: unknown }> {
    const api = this.backend.api;
    const param = (k: string): string | undefined => q.get(k) ?? undefined;
    if (what === 'tables') {
      return {
        body: await api.listTables(id, {
          schema: param('schema'),
          catalog: param('catalog'),
          search: param('search'),
          limit: q.get('limit') ? Number(q.get('limit')) : undefined,
          pageToken: param('pageToken'),
          partitionsOf: param('partitionsOf'),
        }),
      };
    }
    return {
      body: await api.listColumns(id, {
        schema: param('schema'),
        table: param('table') ?? '',
        catalog: param('catalog'),
      }),
    };
  }
}

/** A connection as the server sends it: without the extension's `scope` (and whatever else is named). */
function strip(c: object, ...also: string[]): Json {
  return Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'scope' && !also.includes(k)));
}

/** A 200 whose body stops halfway: the length promised, half of it sent, the socket closed. */
function cut(res: http.ServerResponse, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body ?? {}));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(text.length) });
  res.write(text.subarray(0, Math.max(1, Math.floor(text.length / 2))));
  setTimeout(() => res.socket?.destroy(), 20);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
