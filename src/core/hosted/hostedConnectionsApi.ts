import { randomUUID } from 'node:crypto';
import { previewFromWhole, testQueryFromWhole } from '../results/wholeResponses';
import type {
  ApiDisposable,
  CatalogsResponse,
  CloudSchemaQuery,
  CloudSchemaResponse,
  ColumnsQuery,
  ColumnsResponse,
  Connection,
  ConnectionsApi,
  CreateConnectionRequest,
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
import { columns, files, names, objectOf, previewAnswer, result, tables, testQueryAnswer } from './browse';
import { badResponse, toConnection, unwrapList, unwrapOne } from './decode';
import { createBody, createOnce, testBody, testOutcome, updateBody } from './bodies';
import {
  dialectOfList,
  dialectOfRecord,
  differences,
  notKept,
  settingsOf,
  type FieldRole,
  type HostedDialect,
  type Json,
} from './records';
import type { HostedHttp } from './httpClient';
import { Introspection } from './introspection';

export interface HostedApiOptions {
  /**
   * Where tables and columns are asked for: `path` (`/api/connections/{id}/tables`, the default) or
   * `query` (`/api/connections/tables?connectionId=`), for deployments that refuse the path form. With
   * `path`, a 404 or 405 for the route itself (not for the connection) falls back to the query form.
   */
  introspection?: 'path' | 'query';
  /** Whether a config field of a connector type is secret (never kept when a server sends it). */
  isSecretField?(type: string, field: string): boolean;
  /** Whether a config field is a setting the extension shows (cleared when the user clears it); others are kept as the workspace has them. */
  isSettingField?(type: string, field: string): boolean;
  /** The role a new connection of a type takes in pipelines (the deployed back end requires one); `source` by default. */
  categoryOf?(type: string): string;
  /** Whether a type is object storage: its buckets are its own (a hosted API lists files, not buckets). */
  isStorage?(type: string): boolean;
}

const enc = encodeURIComponent;

/**
 * The Connections API of the hosted Planasonix workspace, over HTTPS: every endpoint, decoded
 * tolerantly. Introspection runs on the server, so a user who cannot reach a database directly still
 * browses it through Planasonix. The API returns whole responses; the shared adapter streams them.
 * Writes are made in the dialect the workspace speaks (records.ts): read, merged field by field,
 * written back whole and read back again, so a write the workspace did not keep is an error.
 */
export class HostedConnectionsApi implements ConnectionsApi {
  private readonly changed = new Emitter();
  /** Tables and columns by the path form, or the query-parameter form where the path form is refused. */
  private readonly introspection: Introspection;
  /** The dialect the workspace answered in, once it has answered. */
  private spoken: HostedDialect | undefined;
  /** The last listing, and the types of its connections once asked for (a storage connection's buckets come from its settings). */
  private listed: readonly Connection[] = [];
  private types: Map<string, string> | undefined;

  constructor(
    private readonly http: HostedHttp,
    private readonly options: HostedApiOptions = {},
  ) {
    this.introspection = new Introspection(http, options.introspection ?? 'path');
  }

  /** The workspace: its API address with the path prefix, and the organization. */
  get workspaceId(): string {
    return this.http.workspaceId;
  }

  /** The dialect the workspace speaks, asking it (one listing) if it has not said yet. */
  async dialect(): Promise<HostedDialect> {
    if (!this.spoken) await this.listConnections();
    return this.spoken ?? 'documented';
  }

  async keepsSecretsInline(id?: string): Promise<boolean> {
    if (id) return dialectOfRecord(await this.read(id)) === 'deployed';
    return (await this.dialect()) === 'deployed';
  }

  async listConnections(
    query: ListConnectionsQuery = {},
    options: RequestOptions = {},
  ): Promise<ListConnectionsResponse> {
    const data: Connection[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    // Follows meta.page.cursor where the server pages; a server that sends everything at once is one page.
    do {
      const body = await this.http.request('GET', '/api/connections', {
        query: { type: query.type, search: query.search, cursor },
        signal: options.signal,
      });
      const page = unwrapList(body);
      this.spoken = dialectOfList(body, page.items) ?? this.spoken;
      for (const item of page.items) data.push(toConnection(item, this.isSecret));
      if (page.cursor && seen.has(page.cursor))
        throw new ConnectionError('internal', 'The Planasonix API sent the same page cursor twice.');
      if (page.cursor) seen.add(page.cursor);
      cursor = page.cursor;
    } while (cursor);
    this.listed = data;
    this.types = undefined;
    return { data, meta: { total: data.length } };
  }

  async getConnection(id: string, options: RequestOptions = {}): Promise<Connection> {
    return this.connection(await this.read(id, options.signal));
  }

  async createConnection(request: CreateConnectionRequest, options: WriteOptions = {}): Promise<Connection> {
    const body = createBody(
      await this.dialect(),
      request,
      request.category ?? this.options.categoryOf?.(request.type) ?? 'source',
    );
    const id = await createOnce(this.http, body, request.name, options.idempotencyKey ?? randomUUID(), () =>
      this.twin(body, request),
    );
    const back = await this.read(id);
    this.changed.fire();
    const diffs = differences(body, back, this.role);
    if (diffs.length > 0) throw notKept('settings', request.name, diffs);
    return this.connection(back);
  }

  /** The connection a create made, if it made one: same name and type, and every setting as sent. */
  private async twin(body: Json, request: CreateConnectionRequest): Promise<string | undefined> {
    const { data } = await this.listConnections({ search: request.name });
    for (const c of data.filter((x) => x.name === request.name && x.type === request.type)) {
      const back = await this.read(c.id);
      if (differences(body, back, this.role).length === 0) return c.id;
    }
    return undefined;
  }

  async updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection> {
    // The deployed PUT replaces the whole record: what is not sent is erased. Read, merge, write whole.
    const raw = await this.read(id);
    const type = typeof raw.type === 'string' ? raw.type : '';
    const body = updateBody(
      dialectOfRecord(raw) ?? this.spoken ?? 'documented',
      raw,
      request,
      this.role,
      this.options.categoryOf?.(type) ?? 'source',
    );
    await this.http.request('PUT', `/api/connections/${enc(id)}`, { body });
    const back = await this.read(id);
    this.changed.fire();
    const diffs = differences(body, back, this.role);
    if (diffs.length > 0) throw notKept('changes', typeof body.name === 'string' ? body.name : id, diffs);
    return this.connection(back);
  }

  async deleteConnection(id: string): Promise<DeleteConnectionResponse> {
    try {
      const body = await this.http.request('DELETE', `/api/connections/${enc(id)}`);
      const o = objectOf(body) ?? {};
      this.changed.fire();
      return {
        ok: true,
        id: typeof o.id === 'string' ? o.id : id,
        deletedAt: typeof o.deletedAt === 'string' ? o.deletedAt : new Date().toISOString(),
      };
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
    // A saved connection is tested with what the workspace holds for it (the deployed one keeps its secrets in params).
    const raw = request.connectionId ? await this.read(request.connectionId, options.signal) : undefined;
    const dialect = (raw && dialectOfRecord(raw)) ?? (await this.dialect());
    const body = testBody(dialect, request, raw, this.role);
    const started = Date.now();
    const o = objectOf(await this.http.request('POST', '/api/connections/test', { body, signal: options.signal }));
    if (!o) throw badResponse('a test result');
    // A workspace that does not say how long the connection took (the deployed one) is timed here, round trip included.
    return testOutcome(o, Date.now() - started);
  }

  async listCatalogs(id: string, options: RequestOptions = {}): Promise<CatalogsResponse> {
    if (this.options.isStorage?.(await this.typeOf(id, options.signal))) {
      // A hosted storage connection lists the files of its own bucket: that bucket is its one top level.
      const bucket = settingsOf(await this.read(id, options.signal)).bucket;
      if (typeof bucket === 'string' && bucket !== '') return { connectionId: id, catalogs: [{ name: bucket }] };
    }
    return {
      connectionId: id,
      catalogs: names(
        await this.http.request('GET', `/api/connections/${enc(id)}/catalogs`, { signal: options.signal }),
        'catalogs',
      ),
    };
  }

  async listSchemas(id: string, query: SchemasQuery = {}, options: RequestOptions = {}): Promise<SchemasResponse> {
    const body = await this.http.request('GET', `/api/connections/${enc(id)}/schemas`, {
      query: { catalog: query.catalog },
      signal: options.signal,
    });
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
    const page = tables(await this.introspection.request(id, 'tables', params, options.signal));
    return {
      connectionId: id,
      ...(query.schema ? { schema: query.schema } : {}),
      ...(query.catalog ? { catalog: query.catalog } : {}),
      ...page,
    };
  }

  async listColumns(id: string, query: ColumnsQuery, options: RequestOptions = {}): Promise<ColumnsResponse> {
    const body = await this.introspection.request(
      id,
      'columns',
      { schema: query.schema, table: query.table, catalog: query.catalog },
      options.signal,
    );
    return { connectionId: id, schema: query.schema, table: query.table, columns: columns(body) };
  }

  async preview(id: string, query: PreviewQuery, options: RequestOptions = {}): Promise<PreviewResponse> {
    // A workspace that does not say whether it cut the rows (the deployed one) is asked for one more:
    // whether it came says whether there were more.
    const probe = query.limit !== undefined && (await this.dialect()) === 'deployed';
    const params = {
      schema: query.schema,
      table: query.table,
      catalog: query.catalog,
      limit: probe ? query.limit! + 1 : query.limit,
      ...(query.orderBy ? { orderBy: query.orderBy.column, direction: query.orderBy.direction } : {}),
    };
    const r = result(
      await this.http.request('GET', `/api/connections/${enc(id)}/preview`, {
        query: params,
        signal: options.signal,
        values: true,
      }),
    );
    return previewAnswer(r, query.limit);
  }

  previewStream(id: string, query: PreviewQuery, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return previewFromWhole((i, q, o) => this.preview(i, q, o), id, query, sink, options);
  }

  async listFiles(id: string, query: FilesQuery = {}, options: RequestOptions = {}): Promise<FilesResponse> {
    const params = {
      bucket: query.bucket,
      prefix: query.prefix,
      delimiter: query.delimiter,
      pageToken: query.pageToken,
    };
    return files(
      await this.http.request('GET', `/api/connections/${enc(id)}/files`, { query: params, signal: options.signal }),
      query.prefix ?? '',
    );
  }

  async cloudSchema(id: string, query: CloudSchemaQuery, options: RequestOptions = {}): Promise<CloudSchemaResponse> {
    const body = await this.http.request('GET', `/api/connections/${enc(id)}/cloud-schema`, {
      query: { path: query.path, bucket: query.bucket, size: query.size },
      signal: options.signal,
    });
    const o = objectOf(body);
    return {
      path: (o && typeof o.path === 'string' ? o.path : undefined) ?? query.path,
      format: o && typeof o.format === 'string' ? o.format : '',
      columns: columns(body),
    };
  }

  async testQuery(request: TestQueryRequest, options: RequestOptions = {}): Promise<TestQueryResponse> {
    // As for a preview: one row more from a workspace that does not say whether it cut the result.
    const probe = request.limit !== undefined && (await this.dialect()) === 'deployed';
    const body = {
      connectionId: request.connectionId,
      sql: request.sql,
      ...(request.limit !== undefined ? { limit: probe ? request.limit + 1 : request.limit } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.catalog ? { catalog: request.catalog } : {}),
      ...(request.schema ? { schema: request.schema } : {}),
    };
    const r = result(
      await this.http.request('POST', '/api/connections/test-query', { body, signal: options.signal, values: true }),
    );
    return testQueryAnswer(r, request.limit);
  }

  testQueryStream(request: TestQueryRequest, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return testQueryFromWhole((r, o) => this.testQuery(r, o), request, sink, options);
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

  /** A connection exactly as the workspace holds it (secrets it keeps inline included): only to write back. */
  private async read(id: string, signal?: AbortSignal): Promise<Json> {
    const raw = unwrapOne(await this.http.request('GET', `/api/connections/${enc(id)}`, { signal }));
    this.spoken = dialectOfRecord(raw) ?? this.spoken;
    return raw;
  }

  private async typeOf(id: string, signal?: AbortSignal): Promise<string> {
    this.types ??= new Map(this.listed.map((c) => [c.id, c.type]));
    const known = this.types.get(id);
    if (known) return known;
    const raw = await this.read(id, signal);
    return typeof raw.type === 'string' ? raw.type : '';
  }

  private readonly role: FieldRole = (type, field) =>
    this.options.isSecretField?.(type, field)
      ? 'secret'
      : this.options.isSettingField?.(type, field)
        ? 'setting'
        : undefined;

  private readonly isSecret = (type: string, field: string): boolean =>
    this.options.isSecretField?.(type, field) ?? false;

  private connection(raw: Json): Connection {
    return toConnection(raw, this.isSecret);
  }
}
