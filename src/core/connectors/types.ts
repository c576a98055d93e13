import type {
  ColumnInfo,
  ColumnsQuery,
  ConnectionConfig,
  NamedItem,
  PreviewQuery,
  PreviewResponse,
  SecretValues,
  TablesQuery,
  TablesResponse,
  TestConnectionResponse,
  TestQueryResponse,
} from '../api/types';
import type { Logger } from '../ports';

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'file' | 'secret' | 'url';

export interface ConfigField {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  default?: string | number | boolean;
  help?: string;
  /** Secret values go to the credential, never into config. */
  secret?: boolean;
  options?: readonly { value: string; label: string }[];
  min?: number;
  max?: number;
  placeholder?: string;
  /** Asked for only when the user opens the advanced settings. */
  advanced?: boolean;
  /** Only meaningful when another field has one of these values. */
  visibleWhen?: { field: string; values: readonly string[] };
}

export type Capability = 'catalogs' | 'schemas' | 'tables' | 'preview' | 'query' | 'files' | 'cloudSchema' | 'discover';

export interface ConnectorSpec {
  /** Type id as the API spells it. */
  type: string;
  label: string;
  /** Codicon id. */
  icon: string;
  fields: readonly ConfigField[];
  capabilities: readonly Capability[];
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
  limit: number;
  timeoutMs: number;
  signal?: AbortSignal;
  catalog?: string;
  schema?: string;
}

/** A connector's live link to one server. Cheap to create; connects lazily. */
export interface ConnectorSession {
  test(signal?: AbortSignal): Promise<Omit<TestConnectionResponse, 'latencyMs'>>;
  catalogs?(signal?: AbortSignal): Promise<NamedItem[]>;
  schemas?(catalog: string | undefined, signal?: AbortSignal): Promise<NamedItem[]>;
  tables?(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>>;
  columns?(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]>;
  preview?(query: PreviewQuery & { limit: number }, signal?: AbortSignal): Promise<PreviewResponse>;
  query?(options: QueryOptions): Promise<TestQueryResponse>;
  close(): Promise<void>;
}
