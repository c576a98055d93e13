import type {
  CatalogsResponse,
  CloudSchemaQuery,
  CloudSchemaResponse,
  ColumnsQuery,
  ColumnsResponse,
  Connection,
  ConnectionBrowser,
  ConnectionRunner,
  FilesQuery,
  FilesResponse,
  ObjectContent,
  PreviewQuery,
  RequestOptions,
  ResultSink,
  SchemasQuery,
  SchemasResponse,
  StreamStats,
  TablesQuery,
  TablesResponse,
  TestQueryRequest,
} from '../api/types';
import { requireFacet, requireMethod } from '../connectors/facets';
import type { ConnectorRegistry } from '../connectors/registry';
import { SessionManager } from '../connectors/sessionManager';
import { streamPreview } from '../connectors/sql/sqlSession';
import type { Capability, ConnectorSession, SqlFacet, StorageFacet } from '../connectors/types';
import { ConnectionError } from '../errors';
import type { Clock, Logger, SecretVault } from '../ports';
import { classifyStatement } from '../sql/readOnly';
import { defaultLimits, queryLimits, rowLimit, type QueryLimits } from './limits';
import type { ConnectionRecords } from './records';

export interface LocalApiDeps {
  /** Where the records come from: the store (written here) or a workspace file (read-only). */
  records: ConnectionRecords;
  vault: SecretVault;
  registry: ConnectorRegistry;
  logger: Logger;
  clock: Clock;
  limits?: () => QueryLimits;
  sessionIdleMs?: number;
}

/**
 * The browsing and running half of the local back end (ConnectionBrowser, ConnectionRunner): every call
 * takes a session of the connection's connector from the session manager, checks the connector has the
 * capability, and (for a statement) that the read-only classifier lets it through. The directory half,
 * and where a session's secrets come from, are LocalConnectionsApi's.
 */
export abstract class LocalSessions implements ConnectionBrowser, ConnectionRunner {
  readonly sessions: SessionManager;

  protected constructor(protected readonly deps: LocalApiDeps) {
    this.sessions = new SessionManager((id) => this.openSession(id), deps.logger, deps.sessionIdleMs);
  }

  abstract getConnection(id: string): Promise<Connection>;

  /** A new session of a connection's connector, with its secrets. */
  protected abstract openSession(id: string): Promise<ConnectorSession>;

  async listCatalogs(id: string, options: RequestOptions = {}): Promise<CatalogsResponse> {
    const catalogs = await this.withSession(id, 'catalogs', (session) => {
      // A SQL connector's databases, or a storage connector's buckets.
      const facet = session.sql ?? requireFacet(session.storage, 'SQL or storage');
      return requireMethod(facet, 'catalogs', 'catalogs').call(facet, options.signal);
    });
    return { connectionId: id, catalogs };
  }

  async listSchemas(id: string, query: SchemasQuery = {}, options: RequestOptions = {}): Promise<SchemasResponse> {
    const schemas = await this.withSql(id, 'schemas', (sql) =>
      requireMethod(sql, 'schemas', 'schemas').call(sql, query.catalog, options.signal),
    );
    return { connectionId: id, ...(query.catalog ? { catalog: query.catalog } : {}), schemas };
  }

  async listTables(id: string, query: TablesQuery = {}, options: RequestOptions = {}): Promise<TablesResponse> {
    const result = await this.withSql(id, 'tables', (sql) => sql.tables(query, options.signal));
    return { connectionId: id, ...result };
  }

  async listColumns(id: string, query: ColumnsQuery, options: RequestOptions = {}): Promise<ColumnsResponse> {
    if (!query?.table)
      throw new ConnectionError('invalid_config', 'A table name is required to list columns.', { field: 'table' });
    const columns = await this.withSql(id, 'tables', (sql) => sql.columns(query, options.signal));
    return { connectionId: id, schema: query.schema, table: query.table, columns };
  }

  async previewStream(
    id: string,
    query: PreviewQuery,
    sink: ResultSink,
    options: RequestOptions = {},
  ): Promise<StreamStats> {
    if (!query?.table)
      throw new ConnectionError('invalid_config', 'A table name is required to preview.', { field: 'table' });
    const limit = rowLimit(this.limits(), query.limit);
    // A SQL connector previews a table; a storage connector previews a file (its key in `table`).
    return this.withSession(id, 'preview', async (session) => {
      const summary = session.sql
        ? await streamPreview(session.sql, { ...query, limit }, sink, options.signal)
        : await requireFacet(session.storage, 'preview').previewObject(
            { path: query.table, ...(query.catalog ? { bucket: query.catalog } : {}) },
            limit,
            sink,
            options.signal,
          );
      return { ...summary, limit };
    });
  }

  async testQueryStream(
    request: TestQueryRequest,
    sink: ResultSink,
    options: RequestOptions = {},
  ): Promise<StreamStats> {
    const { limit, timeoutMs } = queryLimits(this.limits(), request);
    const q = {
      sql: request.sql,
      limit,
      timeoutMs,
      signal: options.signal,
      catalog: request.catalog,
      schema: request.schema,
    };
    return this.withSql(
      request.connectionId,
      'query',
      async (sql) => ({ ...(await sql.stream(q, sink)), limit }),
      request.sql,
    );
  }

  async listFiles(id: string, query: FilesQuery = {}, options: RequestOptions = {}): Promise<FilesResponse> {
    return this.withStorage(id, 'files', (storage) => storage.listObjects(query, options.signal));
  }

  async cloudSchema(id: string, query: CloudSchemaQuery, options: RequestOptions = {}): Promise<CloudSchemaResponse> {
    if (!query?.path)
      throw new ConnectionError('invalid_config', 'A file path is required to read its schema.', { field: 'path' });
    return this.withStorage(id, 'cloudSchema', (storage) => storage.fileSchema(query, options.signal));
  }

  async readObject(
    id: string,
    query: CloudSchemaQuery & { maxBytes: number },
    options: RequestOptions = {},
  ): Promise<ObjectContent> {
    return this.withStorage(id, 'files', (storage) =>
      requireMethod(storage, 'readObject', 'file contents').call(storage, query, query.maxBytes, options.signal),
    );
  }

  /** Work on a connection's SQL facet; a connector without one cannot do it. */
  protected withSql<T>(
    id: string,
    capability: Capability,
    work: (sql: SqlFacet) => Promise<T>,
    statement?: string,
  ): Promise<T> {
    return this.withSession(id, capability, (session) => work(requireFacet(session.sql, 'SQL')), statement);
  }

  protected withStorage<T>(
    id: string,
    capability: Capability,
    work: (storage: StorageFacet) => Promise<T>,
  ): Promise<T> {
    return this.withSession(id, capability, (session) => work(requireFacet(session.storage, 'storage')));
  }

  protected async withSession<T>(
    id: string,
    capability: Capability,
    work: (session: ConnectorSession) => Promise<T>,
    statement?: string,
  ): Promise<T> {
    const connection = await this.getConnection(id);
    const spec = this.deps.registry.spec(connection.type);
    if (!spec.capabilities.includes(capability)) {
      throw new ConnectionError('unsupported', `${spec.label} connections have no ${capability}.`);
    }
    if (statement !== undefined) {
      // Every caller of the API gets the classifier, not only the editor command: the first layer of the guard.
      const verdict = classifyStatement(statement, this.deps.registry.dialect(connection.type));
      if (!verdict.readOnly)
        throw new ConnectionError('read_only', `Refused: ${verdict.reason ?? 'this statement can change data.'}`);
    }
    return this.sessions.use(id, work);
  }

  protected limits(): QueryLimits {
    return this.deps.limits?.() ?? defaultLimits;
  }
}
