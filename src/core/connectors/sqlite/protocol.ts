import type { CellValue, ColumnInfo, TableType } from '../../api/types';

/** Messages between the SQLite session and its worker thread. */
export type WorkerRequest =
  | { id: number; op: 'version' }
  | { id: number; op: 'tables'; search: string | null; after: string | null; limit: number | null }
  | { id: number; op: 'columns'; table: string }
  | { id: number; op: 'query'; sql: string; maxRows: number };

export interface QueryOutcome {
  columns: string[];
  columnTypes: string[];
  rows: CellValue[][];
  executionMs: number;
}

export type WorkerResult =
  | { op: 'version'; version: string }
  | { op: 'tables'; tables: { name: string; type: TableType }[] }
  | { op: 'columns'; columns: ColumnInfo[] | null }
  | { op: 'query'; outcome: QueryOutcome };

export type WorkerResponse =
  | { id: number; ok: true; result: WorkerResult }
  | {
      id: number;
      ok: false;
      error: { code: 'not_found' | 'invalid_config' | 'read_only' | 'query_failed' | 'internal'; message: string };
    };

export interface WorkerInit {
  path: string;
}
