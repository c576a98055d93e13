import type { ConnectionErrorCode } from '../errors';
import type { Level } from '../connectors/types';
import type { ColumnInfo, Connection, ConnectionScope, TableType } from '../api/types';

/**
 * Plain data for every row of the explorer tree; one pure renderer turns it into a TreeItem.
 * Below a connection, every node is the connection's reference plus a path of named levels: what the
 * node is follows from the path alone, and each connector spec declares which levels it has.
 */
export type ExplorerNode = ConnectionNode | ItemNode | MessageNode | LoadMoreNode;

export type { Level } from '../connectors/types';

export const levels: readonly Level[] = [
  'catalog',
  'schema',
  'table',
  'column',
  'bucket',
  'prefix',
  'object',
  'volume',
];

export interface Segment {
  level: Level;
  name: string;
}

/** Which connection a node belongs to: enough to call the API, without the connection's settings. */
export interface ConnectionRef {
  id: string;
  type: string;
  scope: ConnectionScope;
}

interface Base {
  /** Stable across refreshes: derived from domain identity, never random. */
  id: string;
  parent?: ExplorerNode;
}

export interface ConnectionNode extends Base {
  kind: 'connection';
  connection: Connection;
  icon: string;
  typeLabel: string;
  /** Shown as last listed: its source (the hosted workspace) could not be reached just now. */
  stale?: boolean;
}

interface Item<L extends Level> extends Base {
  kind: L;
  connection: ConnectionRef;
  /** From the connection down to this node, this node's own segment last. */
  path: readonly Segment[];
  /** The last segment's name. */
  name: string;
  /** What its connector calls this level ("Catalog" on Databricks, "Schema" when unsaid): its spec's looks. */
  word: string;
  /** Codicon id, from its connector's spec (its looks; a table's from its kind). */
  icon: string;
}

export type CatalogNode = Item<'catalog'>;
export type SchemaNode = Item<'schema'>;
export type BucketNode = Item<'bucket'>;
export type PrefixNode = Item<'prefix'>;
export type VolumeNode = Item<'volume'>;

export interface TableNode extends Item<'table'> {
  tableType: TableType;
  view: boolean;
}

export interface ColumnNode extends Item<'column'> {
  column: ColumnInfo;
}

export interface ObjectNode extends Item<'object'> {
  size: number;
  lastModified: string;
  /** Its connector reads it as rows (spec.previewableFiles). */
  previewable?: boolean;
}

export type ItemNode =
  CatalogNode | SchemaNode | TableNode | ColumnNode | BucketNode | PrefixNode | ObjectNode | VolumeNode;

/** A node whose children the tree lists: the connection or any item. */
export type ContainerNode = ConnectionNode | ItemNode;

export interface MessageNode extends Base {
  kind: 'message';
  severity: 'error' | 'empty' | 'info';
  text: string;
  /** Full detail for the tooltip. */
  detail?: string;
  /** Why it failed, for the action the message offers (retry, or confirm a changed target). */
  errorCode?: ConnectionErrorCode;
}

/** The last child of a paged list; choosing it appends the next page under the same parent. */
export interface LoadMoreNode extends Base {
  kind: 'loadMore';
  parent: ContainerNode;
  pageToken: string;
  loaded: number;
  /** What the next page lists, for the label ("Load more tables"). */
  what: string;
}

/** The name at a level of the path (the nearest one, for a level that repeats). */
export function segment(path: readonly Segment[], level: Level): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (path[i].level === level) return path[i].name;
  return undefined;
}

/** Where a SQL node sits, as the API's queries name it. */
export function locate(path: readonly Segment[]): { catalog?: string; schema?: string; table?: string } {
  const out: { catalog?: string; schema?: string; table?: string } = {};
  const catalog = segment(path, 'catalog');
  const schema = segment(path, 'schema');
  const table = segment(path, 'table');
  if (catalog !== undefined) out.catalog = catalog;
  if (schema !== undefined) out.schema = schema;
  if (table !== undefined) out.table = table;
  return out;
}

/** The connection reference of a connection or item node. */
export function refOf(node: ContainerNode): ConnectionRef {
  return node.kind === 'connection'
    ? { id: node.connection.id, type: node.connection.type, scope: node.connection.scope ?? 'user' }
    : node.connection;
}

export function pathOf(node: ContainerNode): readonly Segment[] {
  return node.kind === 'connection' ? [] : node.path;
}

/** Escapes the separator so that names containing it still give distinct ids. */
export function idPart(value: string | undefined): string {
  return (value ?? '').replace(/\\/g, '\\\\').replace(/\//g, '\\/');
}

export function childId(parentId: string, kind: string, name: string | undefined): string {
  return `${parentId}/${kind}:${idPart(name)}`;
}

/** Fails to compile when a switch over a union misses a case. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
