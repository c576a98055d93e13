import { previewFromWhole, testQueryFromWhole } from '../api/wholeResponses';
import type {
  ApiDisposable,
  CatalogsResponse,
  CellValue,
  CloudSchemaQuery,
  CloudSchemaResponse,
  ColumnInfo,
  ColumnsQuery,
  ColumnsResponse,
  Connection,
  ConnectionsApi,
  CreateConnectionRequest,
  DatabricksDiscoverRequest,
  DatabricksDiscoverResponse,
  DeleteConnectionResponse,
  FilesQuery,
  FilesResponse,
  ListConnectionsQuery,
  ListConnectionsResponse,
  PreviewQuery,
  PreviewResponse,
  RequestOptions,
  ResultSink,
  SchemasQuery,
  SchemasResponse,
  StreamStats,
  TableInfo,
  TablesQuery,
  TablesResponse,
  TestConnectionRequest,
  TestConnectionResponse,
  TestQueryRequest,
  TestQueryResponse,
  UpdateConnectionRequest,
  WriteOptions,
} from '../api/types';
import { ConnectionError } from '../errors';
import { Emitter } from '../events';
import { badResponse, names, toConnection, unwrapList, unwrapOne } from './decode';
import type { HostedHttp } from './httpClient';

export interface HostedApiOptions {
  /**
   * Where tables and columns are asked for: `path` (`/api/connections/{id}/tables`, the default) or
   * `query` (`/api/connections/tables?connectionId=`), for deployments that refuse the path form. With
   * `path`, a 404 or 405 for the route itself (not for the connection) falls back to the query form.
   */
  introspection?: 'path' | 'query';
  /** Whether a config field of a connector type is secret (never kept when a server sends it). */
  isSecretField?(type: string, field: string): boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const enc = encodeURIComponent;

/**
 * The Connections API of the hosted Planasonix workspace, over HTTPS: every endpoint, decoded
 * tolerantly. Introspection runs on the server, so a user who cannot reach a database directly still
 * browses it through Planasonix. The API returns whole responses; the shared adapter streams them.
 */
export class HostedConnectionsApi implements ConnectionsApi {
  private readonly changed = new Emitter();
  private introspection: 'path' | 'query';

  constructor(
    private readonly http: HostedHttp,
    private readonly options: HostedApiOptions = {},
  ) {
    this.introspection = options.introspection ?? 'path';
  }

  /** The workspace: its API address with the path prefix, and the organization. */
  get workspaceId(): string {
    return this.http.workspaceId;
  }

  async listConnections(query: ListConnectionsQuery = {}, options: RequestOptions = {}): Promise<ListConnectionsResponse> {
    const data: Connection[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    // Follows meta.page.cursor where the server pages; a server that sends everything at once is one page.
    do {
      const body = await this.http.request('GET', '/api/connections', { query: { type: query.type, search: query.search, cursor }, signal: options.signal });
      const page = unwrapList(body);
      for (const item of page.items) data.push(this.connection(item));
      if (page.cursor && seen.has(page.cursor)) throw new ConnectionError('internal', 'The Planasonix API sent the same page cursor twice.');
      if (page.cursor) seen.add(page.cursor);
      cursor = page.cursor;
    } while (cursor);
    return { data, meta: { total: data.length } };
  }

  async getConnection(id: string, options: RequestOptions = {}): Promise<Connection> {
    return this.connection(unwrapOne(await this.http.request('GET', `/api/connections/${enc(id)}`, { signal: options.signal })));
  }

  async createConnection(request: CreateConnectionRequest, options: WriteOptions = {}): Promise<Connection> {
    const body = { name: request.name, type: request.type, config: request.config, ...(request.credentialId ? { credentialId: request.credentialId } : {}) };
    const created = this.connection(unwrapOne(await this.http.request('POST', '/api/connections', { body, idempotencyKey: options.idempotencyKey })));
    this.changed.fire();
    return created;
  }

  async updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection> {
    const body: Json = {};
    if (request.name !== undefined) body.name = request.name;
    if (request.config !== undefined) body.config = request.config;
    if (request.credentialId !== undefined) body.credentialId = request.credentialId;
    const updated = this.connection(unwrapOne(await this.http.request('PUT', `/api/connections/${enc(id)}`, { body })));
    this.changed.fire();
    return updated;
  }

  async deleteConnection(id: string): Promise<DeleteConnectionResponse> {
    try {
      const body = await this.http.request('DELETE', `/api/connections/${enc(id)}`);
      const o = body === undefined ? {} : unwrapOne(body);
      this.changed.fire();
      return { ok: true, id: typeof o.id === 'string' ? o.id : id, deletedAt: typeof o.deletedAt === 'string' ? o.deletedAt : new Date().toISOString() };
    } catch (error) {
      if (ConnectionError.is(error, 'conflict')) {
        throw new ConnectionError(
          'conflict',
          `The connection is still used by pipelines in your Planasonix workspace, so it was not deleted. ${error.message}`,
          error.details,
        );
      }
      throw error;
    }
  }

  async testConnection(request: TestConnectionRequest, options: RequestOptions = {}): Promise<TestConnectionResponse> {
    const body = { type: request.type, config: request.config, ...(request.credentialId ? { credentialId: request.credentialId } : {}) };
    const o = unwrapOne(await this.http.request('POST', '/api/connections/test', { body, signal: options.signal }));
    // The deployed back end says {success, message}; the docs {ok, latencyMs, serverVersion, message}.
    const ok = o.ok === true || o.success === true;
    return {
      ok,
      latencyMs: typeof o.latencyMs === 'number' ? o.latencyMs : 0,
      ...(typeof o.serverVersion === 'string' ? { serverVersion: o.serverVersion } : {}),
      message: typeof o.message === 'string' ? o.message : ok ? 'Connection successful.' : 'The test failed.',
      ...(!ok && typeof o.errorCode === 'string' ? { errorCode: o.errorCode } : {}),
    };
  }

  async listCatalogs(id: string, options: RequestOptions = {}): Promise<CatalogsResponse> {
    return {
      connectionId: id,
      catalogs: names(await this.http.request('GET', `/api/connections/${enc(id)}/catalogs`, { signal: options.signal }), 'catalogs'),
    };
  }

  async listSchemas(id: string, query: SchemasQuery = {}, options: RequestOptions = {}): Promise<SchemasResponse> {
    const body = await this.http.request('GET', `/api/connections/${enc(id)}/schemas`, { query: { catalog: query.catalog }, signal: options.signal });
    return { connectionId: id, ...(query.catalog ? { catalog: query.catalog } : {}), schemas: names(body, 'schemas') };
  }

  async listTables(id: string, query: TablesQuery = {}, options: RequestOptions = {}): Promise<TablesResponse> {
    const params = {
      schema: query.schema,
      catalog: query.catalog,
      search: query.search,
      limit: query.limit,
      pageToken: query.pageToken,
      partitionsOf: query.partitionsOf,
    };
    const o = unwrapOne(await this.introspect(id, 'tables', params, options.signal));
    if (!Array.isArray(o.tables)) throw badResponse('a list of tables');
    const tables: TableInfo[] = o.tables.flatMap((t: unknown) =>
      isObject(t) && typeof t.name === 'string'
        ? [{ name: t.name, type: typeof t.type === 'string' ? t.type : 'TABLE', ...(typeof t.schema === 'string' ? { schema: t.schema } : {}) }]
        : [],
    );
    return {
      connectionId: id,
      ...(query.schema ? { schema: query.schema } : {}),
      ...(query.catalog ? { catalog: query.catalog } : {}),
      tables,
      ...(typeof o.nextPageToken === 'string' ? { nextPageToken: o.nextPageToken } : {}),
    };
  }

  async listColumns(id: string, query: ColumnsQuery, options: RequestOptions = {}): Promise<ColumnsResponse> {
    const o = unwrapOne(await this.introspect(id, 'columns', { schema: query.schema, table: query.table, catalog: query.catalog }, options.signal));
    return { connectionId: id, schema: query.schema, table: query.table, columns: columns(o.columns) };
  }

  async preview(id: string, query: PreviewQuery, options: RequestOptions = {}): Promise<PreviewResponse> {
    const params = {
      schema: query.schema,
      table: query.table,
      catalog: query.catalog,
      limit: query.limit,
      ...(query.orderBy ? { orderBy: query.orderBy.column, direction: query.orderBy.direction } : {}),
    };
    const o = unwrapOne(await this.http.request('GET', `/api/connections/${enc(id)}/preview`, { query: params, signal: options.signal, values: true }));
    return { ...result(o), truncated: o.truncated === true, ...(typeof o.limit === 'number' ? { limit: o.limit } : {}) };
  }

  previewStream(id: string, query: PreviewQuery, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return previewFromWhole((i, q, o) => this.preview(i, q, o), id, query, sink, options);
  }

  async listFiles(id: string, query: FilesQuery = {}, options: RequestOptions = {}): Promise<FilesResponse> {
    const params = { bucket: query.bucket, prefix: query.prefix, delimiter: query.delimiter, pageToken: query.pageToken };
    const o = unwrapOne(await this.http.request('GET', `/api/connections/${enc(id)}/files`, { query: params, signal: options.signal }));
    const objects = Array.isArray(o.objects)
      ? o.objects.flatMap((x: unknown) =>
          isObject(x) && typeof x.key === 'string'
            ? [{ key: x.key, size: typeof x.size === 'number' ? x.size : 0, lastModified: typeof x.lastModified === 'string' ? x.lastModified : '' }]
            : [],
        )
      : [];
    const prefixes = Array.isArray(o.commonPrefixes) ? o.commonPrefixes.filter((p: unknown): p is string => typeof p === 'string') : [];
    return {
      prefix: typeof o.prefix === 'string' ? o.prefix : (query.prefix ?? ''),
      objects,
      commonPrefixes: prefixes,
      ...(typeof o.nextPageToken === 'string' ? { nextPageToken: o.nextPageToken } : {}),
    };
  }

  async cloudSchema(id: string, query: CloudSchemaQuery, options: RequestOptions = {}): Promise<CloudSchemaResponse> {
    const o = unwrapOne(
      await this.http.request('GET', `/api/connections/${enc(id)}/cloud-schema`, {
        query: { path: query.path, bucket: query.bucket, size: query.size },
        signal: options.signal,
      }),
    );
    return { path: typeof o.path === 'string' ? o.path : query.path, format: typeof o.format === 'string' ? o.format : '', columns: columns(o.columns) };
  }

  async testQuery(request: TestQueryRequest, options: RequestOptions = {}): Promise<TestQueryResponse> {
    const body = {
      connectionId: request.connectionId,
      sql: request.sql,
      ...(request.limit !== undefined ? { limit: request.limit } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.catalog ? { catalog: request.catalog } : {}),
      ...(request.schema ? { schema: request.schema } : {}),
    };
    const o = unwrapOne(await this.http.request('POST', '/api/connections/test-query', { body, signal: options.signal, values: true }));
    const stats = isObject(o.stats) ? o.stats : {};
    return {
      ok: true,
      ...result(o),
      stats: {
        executionMs: typeof stats.executionMs === 'number' ? stats.executionMs : 0,
        ...(typeof stats.rowsScanned === 'number' ? { rowsScanned: stats.rowsScanned } : {}),
      },
      ...(o.truncated === true ? { truncated: true } : {}),
    };
  }

  testQueryStream(request: TestQueryRequest, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return testQueryFromWhole((r, o) => this.testQuery(r, o), request, sink, options);
  }

  async discoverDatabricks(request: DatabricksDiscoverRequest, options: RequestOptions = {}): Promise<DatabricksDiscoverResponse> {
    const body = { connectionId: request.connectionId, ...(request.catalog ? { catalog: request.catalog } : {}) };
    const o = unwrapOne(await this.http.request('POST', '/api/connections/databricks/discover', { body, signal: options.signal }));
    const catalogs = Array.isArray(o.catalogs)
      ? o.catalogs.flatMap((c: unknown) =>
          isObject(c) && typeof c.name === 'string'
            ? [{ name: c.name, schemas: Array.isArray(c.schemas) ? c.schemas.filter((s: unknown): s is string => typeof s === 'string') : [] }]
            : [],
        )
      : [];
    return { connectionId: request.connectionId, catalogs };
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.changed.event(listener);
  }

  /** Says the workspace may have changed (a poll found it so, or the user refreshed). */
  notifyChanged(): void {
    this.changed.fire();
  }

  async dispose(): Promise<void> {
    this.changed.clear();
  }

  private connection(raw: Json): Connection {
    return toConnection(raw, this.options.isSecretField ?? (() => false));
  }

  /** Tables and columns by the path form, or the query-parameter form where the path form is refused. */
  private async introspect(
    id: string,
    what: 'tables' | 'columns',
    params: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (this.introspection === 'query') return this.http.request('GET', `/api/connections/${what}`, { query: { connectionId: id, ...params }, signal });
    try {
      return await this.http.request('GET', `/api/connections/${enc(id)}/${what}`, { query: params, signal });
    } catch (error) {
      // Some deployments refuse the path form (404 or 405 for the route): the query form is the same call.
      if (!ConnectionError.is(error) || !(error.code === 'not_found' || / 405\b/.test(error.message))) throw error;
      let answer: unknown;
      try {
        answer = await this.http.request('GET', `/api/connections/${what}`, { query: { connectionId: id, ...params }, signal });
      } catch {
        throw error; // not a refused route: the connection itself is missing
      }
      this.introspection = 'query';
      return answer;
    }
  }
}

function columns(value: unknown): ColumnInfo[] {
  if (!Array.isArray(value)) throw badResponse('a list of columns');
  return value.flatMap((c: unknown) =>
    isObject(c) && typeof c.name === 'string'
      ? [
          {
            name: c.name,
            type: typeof c.type === 'string' ? c.type : '',
            nullable: c.nullable !== false,
            ...(typeof c.default === 'string' || c.default === null ? { default: c.default as string | null } : {}),
            ...(c.primaryKey === true ? { primaryKey: true } : {}),
          },
        ]
      : [],
  );
}

/** Columns and rows of a whole result; rows that are not arrays are dropped, values kept as sent. */
function result(o: Json): { columns: string[]; rows: CellValue[][]; columnTypes?: string[] } {
  const cols = Array.isArray(o.columns)
    ? o.columns.map((c: unknown) => (typeof c === 'string' ? c : isObject(c) && typeof c.name === 'string' ? c.name : String(c)))
    : [];
  const rows = Array.isArray(o.rows) ? (o.rows.filter((r: unknown) => Array.isArray(r)) as CellValue[][]) : [];
  const types = Array.isArray(o.columnTypes) ? o.columnTypes.map((t: unknown) => (typeof t === 'string' ? t : '')) : undefined;
  return { columns: cols, rows, ...(types ? { columnTypes: types } : {}) };
}
