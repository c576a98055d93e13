import type { ConnectionErrorCode } from '../errors';
import type { ColumnInfo, Connection, TableType } from '../api/types';

/** Plain data for every row of the explorer tree; one pure renderer turns it into a TreeItem. */
export type ExplorerNode =
  | ConnectionNode
  | CatalogNode
  | SchemaNode
  | TableNode
  | ColumnNode
  | MessageNode
  | LoadMoreNode;

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
}

export interface CatalogNode extends Base {
  kind: 'catalog';
  connectionId: string;
  connectionType: string;
  catalog: string;
}

export interface SchemaNode extends Base {
  kind: 'schema';
  connectionId: string;
  connectionType: string;
  catalog?: string;
  schema: string;
}

export interface TableNode extends Base {
  kind: 'table';
  connectionId: string;
  connectionType: string;
  catalog?: string;
  schema?: string;
  table: string;
  tableType: TableType;
}

export interface ColumnNode extends Base {
  kind: 'column';
  connectionId: string;
  connectionType: string;
  catalog?: string;
  schema?: string;
  table: string;
  column: ColumnInfo;
}

export interface MessageNode extends Base {
  kind: 'message';
  severity: 'error' | 'empty';
  text: string;
  /** Full detail for the tooltip. */
  detail?: string;
  /** Why it failed, for the action the message offers (retry, or confirm a changed target). */
  errorCode?: ConnectionErrorCode;
}

export interface LoadMoreNode extends Base {
  kind: 'loadMore';
  parent: SchemaNode;
  pageToken: string;
  loaded: number;
}

/** Escapes the separator so that names containing it still give distinct ids. */
export function idPart(value: string | undefined): string {
  return (value ?? '').replace(/\\/g, '\\\\').replace(/\//g, '\\/');
}

export function childId(parentId: string, kind: string, name: string | undefined): string {
  return `${parentId}/${kind}:${idPart(name)}`;
}
