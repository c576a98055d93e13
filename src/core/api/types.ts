/**
 * The Planasonix Connections API (docs/API.md), declared once.
 * Names and shapes follow the reference. Fields marked "extension" are ours: optional, never renamed.
 */

export type ConfigValue = string | number | boolean;
export type ConnectionConfig = Record<string, ConfigValue>;
/** Secret values by config field name (password, token...). Never persisted in config. */
export type SecretValues = Record<string, string>;

/**
 * extension: the source a connection comes from. `user`: saved on this machine; `workspace`: the
 * workspace file (read-only here); `hosted`: the user's Planasonix workspace.
 */
export type ConnectionScope = 'user' | 'workspace' | 'hosted';

export interface Connection {
  id: string;
  name: string;
  type: string;
  config: ConnectionConfig;
  credentialId?: string;
  createdAt?: string;
  updatedAt?: string;
  /** extension: where the record comes from; workspace records are read-only here. */
  scope?: ConnectionScope;
  /** extension: a connection on this machine linked to its copy in the hosted workspace. */
  link?: ConnectionLink;
  /**
   * extension: listed, not read: a list of the hosted API carries no settings, so `config` is empty here
   * and means nothing. Read the connection (getConnection) before showing, testing, editing or comparing it.
   */
  summary?: true;
  /** extension: the hosted workspace's role for it in pipelines (`source` or `destination`), where it keeps one. */
  category?: string;
}

/** extension: how a connection on this machine is linked to one in the hosted workspace (src/core/sync). */
export interface ConnectionLink {
  /** Which hosted workspace: its API address, path prefix and organization. */
  workspace: string;
  /** The id of the connection in that workspace. */
  remoteId: string;
  /** Both sides' updatedAt when they last agreed. */
  localUpdatedAt: string;
  remoteUpdatedAt: string;
  syncedAt: string;
  /** `direct`: this machine connects with its own secret; `hosted`: browsed through the workspace, whose credential stays there. */
  via: 'direct' | 'hosted';
  /** What sync waits on the user for: both sides changed, or the workspace deleted its copy. */
  waiting?: 'conflict' | 'remoteDeleted';
}

export interface ListConnectionsQuery {
  type?: string;
  search?: string;
}

export interface ListConnectionsResponse {
  data: Connection[];
  meta: {
    total: number;
    /** extension: sources that could not be listed this time; their connections are missing from data. */
    unavailable?: {
      scope: ConnectionScope;
      code: string;
      message: string;
      /** The user signed out of this source: its connections are not kept as last listed. */
      signedOut?: boolean;
    }[];
  };
}

export interface CreateConnectionRequest {
  name: string;
  type: string;
  config: ConnectionConfig;
  /** The credential holding its secrets (made through the credentials API); requests never carry secrets. */
  credentialId?: string;
  /** extension (this machine only): a copy of a workspace connection, linked to it from the start. */
  link?: ConnectionLink;
  /** extension: the hosted workspace's role for it in pipelines; the connector's default when absent. */
  category?: string;
  /**
   * extension, hosted only: secrets for a workspace that keeps them inline in the connection's settings
   * (the deployed dialect, which has no credential link). Never sent where a credential can hold them.
   */
  inlineSecrets?: SecretValues;
}

export interface UpdateConnectionRequest {
  name?: string;
  config?: ConnectionConfig;
  credentialId?: string;
  /** extension, hosted only: new secrets for a workspace that keeps them inline (see CreateConnectionRequest). */
  inlineSecrets?: SecretValues;
  /** extension: the hosted workspace's role for it in pipelines. */
  category?: string;
}

export interface DeleteConnectionResponse {
  ok: true;
  id: string;
  deletedAt: string;
}

export interface TestConnectionRequest {
  type: string;
  config: ConnectionConfig;
  /** Secrets typed but not saved yet go in a short-lived credential (connectionSecrets.ts). */
  credentialId?: string;
  /**
   * extension: the user sees this target (the connection form shows it), so the credential's secrets may
   * go there. Without it, a credential saved for another target is not sent: the test fails with target_changed.
   */
  targetConfirmed?: boolean;
  /** extension: the secrets the user typed for this test (the rest of `credentialId`'s come from the saved ones). */
  typedKeys?: string[];
  /** extension: the saved connection this test is for; routes the test to the back end that holds it. */
  connectionId?: string;
  /** extension, hosted only: typed secrets for a workspace that keeps them inline (it has no credential to name). */
  inlineSecrets?: SecretValues;
}

export interface TestConnectionResponse {
  ok: boolean;
  latencyMs: number;
  serverVersion?: string;
  message: string;
  /** extension: machine-readable failure kind when ok is false. */
  errorCode?: string;
}

export interface NamedItem {
  name: string;
}

export interface CatalogsResponse {
  connectionId: string;
  catalogs: NamedItem[];
}

export interface SchemasQuery {
  catalog?: string;
}

export interface SchemasResponse {
  connectionId: string;
  catalog?: string;
  schemas: NamedItem[];
}

export type TableType =
  | 'TABLE'
  | 'VIEW'
  | 'MATERIALIZED VIEW'
  | 'PARTITIONED TABLE'
  | 'FOREIGN TABLE'
  | 'SYSTEM VIEW'
  /** A partition of a partitioned table (listed under its parent). */
  | 'PARTITION'
  | 'SEQUENCE'
  /** MariaDB's system-versioned (temporal) tables. */
  | 'SYSTEM VERSIONED TABLE'
  /** A Databricks Unity Catalog volume (files, listed with the tables of its schema). */
  | 'VOLUME'
  /** Any other kind a connector reports as its server names it (Snowflake's DYNAMIC TABLE): shown with a table icon. */
  | (string & Record<never, never>);

export interface TableInfo {
  name: string;
  type: TableType;
  /** extension: the schema, where it may differ from the one asked for (a partition lives in its own schema). */
  schema?: string;
}

export interface TablesQuery {
  schema?: string;
  /** extension: database/catalog on multi-database servers. */
  catalog?: string;
  /** extension: substring filter applied by the server, blind to case and accents (É finds é, e finds é). */
  search?: string;
  /** extension: page size. */
  limit?: number;
  /** extension: opaque token from the previous page's nextPageToken. */
  pageToken?: string;
  /** extension: list the partitions of this partitioned table (in `schema`) instead of the schema's tables. */
  partitionsOf?: string;
}

export interface TablesResponse {
  connectionId: string;
  schema?: string;
  catalog?: string;
  tables: TableInfo[];
  /** extension: present when more tables follow. */
  nextPageToken?: string;
}

export interface ColumnsQuery {
  schema?: string;
  table: string;
  catalog?: string;
}

export type { ColumnInfo } from './columns';
import type { ColumnInfo } from './columns';

export interface ColumnsResponse {
  connectionId: string;
  schema?: string;
  table: string;
  columns: ColumnInfo[];
}

export interface PreviewQuery {
  schema?: string;
  /** The table; for a storage connection, the file's key. */
  table: string;
  catalog?: string;
  limit?: number;
  /** extension: sort on the server, by column name. */
  orderBy?: { column: string; direction: 'asc' | 'desc' };
}

export type CellValue = string | number | boolean | null | Uint8Array | CellValue[] | { [key: string]: CellValue };

export interface PreviewResponse {
  columns: string[];
  rows: CellValue[][];
  truncated: boolean;
  /** extension: column types parallel to columns, where the driver tells. */
  columnTypes?: string[];
  /** extension: the limit that was applied. */
  limit?: number;
}

// Storage (buckets, objects, file schemas): in their own file, part of the same API.
export * from './storageTypes';
import type { CloudSchemaQuery, CloudSchemaResponse, FilesQuery, FilesResponse, ObjectContent } from './storageTypes';

export interface TestQueryRequest {
  connectionId: string;
  sql: string;
  limit?: number;
  /** extension */
  timeoutMs?: number;
  /** extension: default catalog/schema for unqualified names. */
  catalog?: string;
  schema?: string;
}

export interface TestQueryStats {
  executionMs: number;
  rowsScanned?: number;
  /** extension */
  rowsReturned?: number;
}

export interface TestQueryResponse {
  ok: true;
  columns: string[];
  rows: CellValue[][];
  stats: TestQueryStats;
  /** extension: more rows existed beyond the limit. */
  truncated?: boolean;
  /** extension */
  columnTypes?: string[];
}

export type { ApiDisposable } from '../events';
import type { ApiDisposable } from '../events';

export interface RequestOptions {
  /** Cancels the request, and the statement on the server where there is one. */
  signal?: AbortSignal;
}

/** For a create that a caller may repeat after an interruption: the same key makes it the same operation. */
export interface WriteOptions {
  idempotencyKey?: string;
}

/**
 * The connections themselves: list, create, read, edit, delete, test, and what a back end needs to keep
 * their secrets right. The form, the connection commands and sync use only this.
 */
export interface ConnectionDirectory {
  /** extension: the hosted workspace this API talks to (links name it); absent for this machine's back ends. */
  readonly workspaceId?: string;
  listConnections(query?: ListConnectionsQuery): Promise<ListConnectionsResponse>;
  createConnection(request: CreateConnectionRequest): Promise<Connection>;
  getConnection(id: string): Promise<Connection>;
  updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection>;
  deleteConnection(id: string): Promise<DeleteConnectionResponse>;
  testConnection(request: TestConnectionRequest, options?: RequestOptions): Promise<TestConnectionResponse>;
  /** extension: something in the list of connections, or in one connection, changed (here, in another window, or on the server). */
  onDidChange(listener: () => void): ApiDisposable;
  /**
   * extension: whether this back end keeps a connection's secrets inline in its settings (the deployed
   * Planasonix back end) rather than in a credential the connection names; for a saved connection, or
   * for new ones without an id.
   */
  keepsSecretsInline?(id?: string): Promise<boolean>;
  /** extension: what changed in a connection's target since its secrets were saved (empty: nothing). */
  targetChanges?(id: string): Promise<{ key: string; from: string; to: string }[]>;
  /** extension: the user confirmed the connection's new target; its saved secrets may be sent there. */
  confirmTarget?(id: string): Promise<void>;
}

/** What is inside a connection, a listing at a time: the tree, completion and the connection picker use this. */
export interface ConnectionBrowser {
  listCatalogs(id: string, options?: RequestOptions): Promise<CatalogsResponse>;
  listSchemas(id: string, query?: SchemasQuery, options?: RequestOptions): Promise<SchemasResponse>;
  listTables(id: string, query?: TablesQuery, options?: RequestOptions): Promise<TablesResponse>;
  listColumns(id: string, query: ColumnsQuery, options?: RequestOptions): Promise<ColumnsResponse>;
  listFiles(id: string, query?: FilesQuery, options?: RequestOptions): Promise<FilesResponse>;
  cloudSchema(id: string, query: CloudSchemaQuery, options?: RequestOptions): Promise<CloudSchemaResponse>;
  /**
   * extension: the first `maxBytes` of a storage object (to open a small text file); a back end without
   * it (the hosted API has no such endpoint) leaves it out.
   */
  readObject?(
    id: string,
    query: CloudSchemaQuery & { maxBytes: number },
    options?: RequestOptions,
  ): Promise<ObjectContent>;
}

/**
 * Rows: a table's or file's preview and a read-only test query, handed to a sink in batches as they
 * arrive. A back end that only returns whole responses (the hosted API) feeds them through
 * results/wholeResponses.ts, so no caller chooses between streaming and not.
 */
export interface ConnectionRunner {
  previewStream(id: string, query: PreviewQuery, sink: ResultSink, options?: RequestOptions): Promise<StreamStats>;
  testQueryStream(request: TestQueryRequest, sink: ResultSink, options?: RequestOptions): Promise<StreamStats>;
}

/**
 * The Connections API as a back end implements it (local, hosted, the composite of both): the three
 * roles, and closing what it holds open. Callers ask for the role they use.
 */
export interface ConnectionsApi extends ConnectionDirectory, ConnectionBrowser, ConnectionRunner {
  /** extension: closes what the back end holds open (sessions, timers, sockets). */
  dispose(): Promise<void>;
}

/** extension: receives a result in batches; a returned promise holds the stream back. */
export interface ResultSink {
  start(columns: string[], columnTypes: string[]): void;
  rows(batch: CellValue[][]): void | Promise<void>;
}

/** extension: what a streamed result ended with. */
export interface StreamStats {
  executionMs: number;
  rowsReturned: number;
  truncated: boolean;
  rowsScanned?: number;
  /** The limit that was applied. */
  limit: number;
  /** What the run skipped or could not read, each in words (a folder preview's unreadable part files). */
  notes?: string[];
}
