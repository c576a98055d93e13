import type {
  CatalogsResponse,
  CloudSchemaQuery,
  CloudSchemaResponse,
  ColumnInfo,
  ColumnsQuery,
  ColumnsResponse,
  Connection,
  ConnectionsApi,
  CreateConnectionRequest,
  DeleteConnectionResponse,
  FileObject,
  FilesQuery,
  FilesResponse,
  ApiDisposable,
  ListConnectionsResponse,
  PreviewQuery,
  PreviewResponse,
  RequestOptions,
  ResultSink,
  StreamStats,
  TestQueryRequest,
  TestConnectionRequest,
  UpdateConnectionRequest,
  SchemasQuery,
  SchemasResponse,
  TableInfo,
  TablesQuery,
  TablesResponse,
  TestConnectionResponse,
  TestQueryResponse,
} from '../../src/core/api/types';
import { previewFromWhole, testQueryFromWhole } from '../../src/core/results/wholeResponses';
import { ConnectionError } from '../../src/core/errors';
import { Emitter } from '../../src/core/events';
import { ConnectorRegistry, connectorSpecs } from '../../src/core/connectors/registry';
import type { Capability } from '../../src/core/connectors/types';

/** What a fake server holds, per connection. */
export interface FakeData {
  catalogs?: string[];
  schemas?: Record<string, string[]>;
  /** Tables by "catalog/schema" (either part may be empty). */
  tables?: Record<string, TableInfo[]>;
  /** Partitions by "catalog/schema/table". */
  partitions?: Record<string, TableInfo[]>;
  /** Columns by "catalog/schema/table". */
  columns?: Record<string, ColumnInfo[]>;
  objects?: FileObject[];
  /** Columns of a file, by key. */
  fileSchemas?: Record<string, ColumnInfo[]>;
}

/**
 * An in-memory back end for the explorer's unit tests: each connection's catalog comes from FakeData,
 * lists page by offset like a real server, and every call is recorded so that a test can say what
 * reached the "server". `fail` makes the next calls of a method throw. Like the local back end, a call
 * a connection's connector has no capability for is refused (`unsupported`), and files come a page of
 * `filesPageSize` at a time (1,000, S3's page, unless a test asks for less to see "Load more").
 */
export class FakeConnectionsApi implements ConnectionsApi {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly fail = new Map<string, ConnectionError>();
  private readonly changed = new Emitter();
  disposed = false;

  private readonly registry: ConnectorRegistry;
  private readonly filesPageSize: number;

  constructor(
    public connections: Connection[],
    readonly data: Record<string, FakeData>,
    options: { registry?: ConnectorRegistry; filesPageSize?: number } = {},
  ) {
    this.registry = options.registry ?? new ConnectorRegistry(connectorSpecs);
    this.filesPageSize = options.filesPageSize ?? 1000;
  }

  /** What the local back end checks first: the connector has the capability the call needs. */
  private capable(id: string, capability: Capability): void {
    const connection = this.connections.find((c) => c.id === id);
    const spec = connection && this.registry.find(connection.type);
    if (spec && !spec.capabilities.includes(capability))
      throw new ConnectionError('unsupported', `${spec.label} connections have no ${capability}.`);
  }

  /** As the back end would after a change: the next listing shows it. */
  setConnections(connections: Connection[]): void {
    this.connections = connections;
    this.changed.fire();
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.changed.event(listener);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  // This back end returns whole responses; the shared adapter streams them.
  previewStream(id: string, query: PreviewQuery, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return previewFromWhole((i, q, o) => this.preview(i, q, o), id, query, sink, options);
  }

  testQueryStream(request: TestQueryRequest, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return testQueryFromWhole((r, o) => this.testQuery(r, o), request, sink, options);
  }

  private record(method: string, ...args: unknown[]): FakeData {
    this.calls.push({ method, args });
    const failure = this.fail.get(method);
    if (failure) throw failure;
    const capability = capabilityOf[method];
    if (capability && typeof args[0] === 'string') this.capable(args[0], capability);
    const id = args[0];
    const data = typeof id === 'string' ? this.data[id] : undefined;
    if (typeof id === 'string' && !data) throw new ConnectionError('not_found', `No connection with id "${id}".`);
    return data ?? {};
  }

  async listConnections(): Promise<ListConnectionsResponse> {
    this.record('listConnections');
    return { data: this.connections, meta: { total: this.connections.length } };
  }

  async getConnection(id: string): Promise<Connection> {
    this.record('getConnection', id);
    return this.connections.find((c) => c.id === id)!;
  }

  async listCatalogs(id: string): Promise<CatalogsResponse> {
    const d = this.record('listCatalogs', id);
    return { connectionId: id, catalogs: (d.catalogs ?? []).map((name) => ({ name })) };
  }

  async listSchemas(id: string, query: SchemasQuery = {}): Promise<SchemasResponse> {
    const d = this.record('listSchemas', id, query);
    return { connectionId: id, schemas: (d.schemas?.[query.catalog ?? ''] ?? []).map((name) => ({ name })) };
  }

  async listTables(id: string, query: TablesQuery = {}): Promise<TablesResponse> {
    const d = this.record('listTables', id, query);
    const key = `${query.catalog ?? ''}/${query.schema ?? ''}`;
    const all =
      query.partitionsOf !== undefined
        ? (d.partitions?.[`${key}/${query.partitionsOf}`] ?? [])
        : (d.tables?.[key] ?? []);
    const found = query.search ? all.filter((t) => t.name.toLowerCase().includes(query.search!.toLowerCase())) : all;
    const { page, next } = paged(found, query.limit, query.pageToken);
    return { connectionId: id, tables: page, ...(next ? { nextPageToken: next } : {}) };
  }

  async listColumns(id: string, query: ColumnsQuery): Promise<ColumnsResponse> {
    const d = this.record('listColumns', id, query);
    return {
      connectionId: id,
      table: query.table,
      columns: d.columns?.[`${query.catalog ?? ''}/${query.schema ?? ''}/${query.table}`] ?? [],
    };
  }

  async listFiles(id: string, query: FilesQuery = {}): Promise<FilesResponse> {
    const d = this.record('listFiles', id, query);
    const prefix = query.prefix ?? '';
    const under = (d.objects ?? []).filter((o) => o.key.startsWith(prefix));
    const entries: ({ prefix: string } | FileObject)[] = [];
    const seen = new Set<string>();
    for (const o of under) {
      const rest = o.key.slice(prefix.length);
      const cut = query.delimiter ? rest.indexOf(query.delimiter) : -1;
      if (cut >= 0) {
        const p = prefix + rest.slice(0, cut + 1);
        if (!seen.has(p)) entries.push({ prefix: p });
        seen.add(p);
      } else entries.push(o);
    }
    const { page, next } = paged(entries, this.filesPageSize, query.pageToken);
    return {
      prefix,
      objects: page.filter((e): e is FileObject => 'key' in e),
      commonPrefixes: page.filter((e): e is { prefix: string } => !('key' in e)).map((e) => e.prefix),
      ...(next ? { nextPageToken: next } : {}),
    };
  }

  async cloudSchema(id: string, query: CloudSchemaQuery): Promise<CloudSchemaResponse> {
    const d = this.record('cloudSchema', id, query);
    return { path: query.path, format: 'parquet', columns: d.fileSchemas?.[query.path] ?? [] };
  }

  async createConnection(request: CreateConnectionRequest): Promise<Connection> {
    throw unsupported('createConnection', request.name);
  }
  async updateConnection(id: string, _request?: UpdateConnectionRequest): Promise<Connection> {
    throw unsupported('updateConnection', id);
  }
  async deleteConnection(id: string): Promise<DeleteConnectionResponse> {
    throw unsupported('deleteConnection', id);
  }
  async testConnection(_request?: TestConnectionRequest): Promise<TestConnectionResponse> {
    throw unsupported('testConnection');
  }
  async preview(id: string, query: PreviewQuery, _options?: RequestOptions): Promise<PreviewResponse> {
    this.record('preview', id, query);
    return { columns: ['table'], rows: [[query.table]], truncated: false, limit: query.limit ?? 100 };
  }
  async testQuery(request: TestQueryRequest, _options?: RequestOptions): Promise<TestQueryResponse> {
    this.record('testQuery', request.connectionId, request);
    return { ok: true, columns: ['sql'], rows: [[request.sql]], stats: { executionMs: 1 } };
  }
}

/** The capability each browsing call needs, as the local back end checks it. */
const capabilityOf: Record<string, Capability | undefined> = {
  listCatalogs: 'catalogs',
  listSchemas: 'schemas',
  listTables: 'tables',
  listColumns: 'tables',
  listFiles: 'files',
  cloudSchema: 'cloudSchema',
  preview: 'preview',
};

function unsupported(method: string, ...args: unknown[]): ConnectionError {
  return new ConnectionError('unsupported', `The fake back end has no ${method} (${args.join(', ')}).`);
}

/** Offset paging with an opaque-looking token. */
function paged<T>(items: T[], limit: number | undefined, token: string | undefined): { page: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (limit === undefined) return { page: items.slice(start) };
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return { page, ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}
