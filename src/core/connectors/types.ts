import type { ConfigField } from '../../shared/configField';
import type {
  ColumnInfo,
  ColumnsQuery,
  ConnectionConfig,
  NamedItem,
  CloudSchemaQuery,
  CloudSchemaResponse,
  FilesQuery,
  FilesResponse,
  PreviewQuery,
  ResultSink,
  SecretValues,
  StreamStats,
  TablesQuery,
  TablesResponse,
  TestConnectionResponse,
} from '../api/types';
import type { CredentialType } from '../api/credentials';
import type { Logger } from '../ports';
import type { SqlDialect } from '../sql/dialect';
import type { TableKind } from './tableTypes';

/** The levels a connector's tree can have, from its spec's hierarchy (the explorer's nodes carry them). */
export type Level = 'catalog' | 'schema' | 'table' | 'column' | 'bucket' | 'prefix' | 'object' | 'volume';

// The field description is shared with the form webview, so it is declared in src/shared.
export type { ConfigField, FieldKind } from '../../shared/configField';

export type Capability = 'catalogs' | 'schemas' | 'tables' | 'preview' | 'query' | 'files' | 'cloudSchema';

/** How a level of a connector's tree is named and shown. */
export interface LevelLook {
  /** One of them, as a word before its name: "Schema", "Dataset". */
  label: string;
  /** Several of them, in running text: "schemas", "datasets". */
  plural: string;
  /** Codicon id. */
  icon: string;
}

/** The shape of a connector's explorer tree. */
export interface Hierarchy {
  /** The levels listed under each level, and under the connection itself. */
  children: Partial<Record<'connection' | Level, readonly Level[]>>;
  /** Levels whose lists come a page at a time, ending in "Load more". */
  paged?: readonly Level[];
  /** Levels the server filters by name when the user sets a filter on their parent. */
  searchable?: readonly Level[];
  /**
   * What this connector calls its levels and how they look, where not the common words (levels.ts):
   * Databricks' Unity Catalog says "Catalog" for its top level, a warehouse may say "Dataset" for a schema.
   */
  looks?: Partial<Record<Level, Partial<LevelLook>>>;
}

export interface ConnectorSpec {
  /** Type id as the API spells it. */
  type: string;
  label: string;
  /** Codicon id. */
  icon: string;
  fields: readonly ConfigField[];
  capabilities: readonly Capability[];
  hierarchy: Hierarchy;
  /**
   * Shown with every test query's result where the server has no read-only session and only the
   * extension's checks keep a statement from changing data.
   */
  readOnlyNotice?: string;
  /** A storage connector's files that preview as rows, by name. */
  previewableFiles?: RegExp;
  /** A storage connector's URI scheme: Copy Qualified Name on a file gives scheme://bucket/key. */
  objectUriScheme?: string;
  /** The kind of credential its secrets are kept in (the credentials API's type); default `database`. */
  credentialType?: CredentialType;
  /** The kinds of table it lists beyond the common ones (TABLE, VIEW), with their icons. */
  tableTypes?: Readonly<Record<string, TableKind>>;
  /** The SQL it speaks, for connectors that run SQL. */
  sql?: SqlDialect;
  /** Files bundled beside the driver (`<type>/driver.ts` is always bundled as `dist/connectors/<type>.js`). */
  bundle?: {
    /** Output name (without .js) to source file in the connector's folder, e.g. a worker thread's entry. */
    entries?: Record<string, string>;
    /** Modules the driver may require that are never shipped (optional native parts). */
    external?: readonly string[];
    /**
     * Modules the driver's library loads but this extension never uses (a warehouse driver's file
     * transfer to cloud storage): bundled as a stub that fails with a clear message if ever called.
     * Regular-expression sources matched against the module name.
     */
    stub?: readonly string[];
  };
  /**
   * A sample database shipped with the extension, offered once to a new user: the connection's name, the
   * file's path under the extension's folder, and the settings that open a copy of it.
   */
  sample?: { name: string; asset: readonly string[]; config: (path: string) => ConnectionConfig };
  /** Loads the driver-backed implementation; called on first use only. */
  load(): Promise<ConnectorDriverModule>;
}

export interface SessionOptions {
  config: ConnectionConfig;
  secrets: SecretValues;
  logger: Logger;
}

export interface ConnectorDriverModule {
  openSession(options: SessionOptions): ConnectorSession;
}

export interface QueryOptions {
  sql: string;
  /** The SQL itself returns at most limit + 1 rows (a preview's own LIMIT); no cursor is needed for the cap. */
  selfLimited?: boolean;
  /**
   * The extension wrote this statement itself (a preview's SELECT * FROM a quoted table): it is a query
   * by construction, and a connector may skip asking its server what kind of statement it is.
   */
  generated?: boolean;
  limit: number;
  timeoutMs: number;
  signal?: AbortSignal;
  catalog?: string;
  schema?: string;
}

/** Receives a statement's result as it arrives, in batches; a returned promise holds the stream back. */
export type RowSink = ResultSink;

/** How a streamed statement ended, as a connector tells it (the API adds the limit it applied). */
export type StreamSummary = Omit<StreamStats, 'limit' | 'rowsScanned'>;

/**
 * What a SQL connector's session does: list its catalog, and run one read-only statement through a
 * single streaming primitive. Preview and whole-result queries are derived from `stream` in one place
 * (sql/sqlSession.ts), so no driver writes them again.
 */
export interface SqlFacet {
  catalogs?(signal?: AbortSignal): Promise<NamedItem[]>;
  schemas?(catalog: string | undefined, signal?: AbortSignal): Promise<NamedItem[]>;
  tables(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>>;
  columns(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]>;
  /** Runs one statement read-only, handing at most `limit` rows to the sink as the server sends them. */
  stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary>;
  /** The statement that previews a table, in this connector's SQL (its quoting, its levels). */
  previewStatement(query: PreviewQuery & { limit: number }): Omit<QueryOptions, 'signal'>;
}

/** What a storage connector's session does: list objects, read a file's schema, preview a file as rows. */
export interface StorageFacet {
  /** The buckets (or containers) a connection shows under it. */
  catalogs?(signal?: AbortSignal): Promise<NamedItem[]>;
  listObjects(query: FilesQuery, signal?: AbortSignal): Promise<FilesResponse>;
  fileSchema(query: CloudSchemaQuery, signal?: AbortSignal): Promise<CloudSchemaResponse>;
  /** The first `maxBytes` of an object, and its size. */
  readObject?(
    object: CloudSchemaQuery,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; size: number }>;
  /** A file's rows: the object (its bucket, key and, when known, size) as a schema read names it. */
  previewObject(object: CloudSchemaQuery, limit: number, sink: RowSink, signal?: AbortSignal): Promise<StreamSummary>;
}

/** A connector's live link to one server. Cheap to create; connects lazily. Every call takes a signal. */
export interface ConnectorSession {
  test(signal?: AbortSignal): Promise<Omit<TestConnectionResponse, 'latencyMs'>>;
  /** Present on SQL connectors. */
  readonly sql?: SqlFacet;
  /** Present on storage connectors. */
  readonly storage?: StorageFacet;
  close(): Promise<void>;
}
