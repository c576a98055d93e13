import type { CellValue, ResultSink, StreamStats } from '../api/types';

/** A whole (non-streamed) result, as preview and testQuery return it. */
export interface WholeResult {
  columns: string[];
  columnTypes?: string[];
  rows: CellValue[][];
  truncated?: boolean;
  stats?: { executionMs: number; rowsScanned?: number };
}

/** Hands a whole response to a sink, for back ends and connectors that cannot stream. */
export async function feed(sink: ResultSink, response: WholeResult, limit: number): Promise<StreamStats> {
  // A statement without a result set (MySQL's DO, a hosted back end's bare OK) has no columns or rows.
  const columns = Array.isArray(response.columns) ? response.columns : [];
  const rows = Array.isArray(response.rows) ? response.rows.filter((r) => Array.isArray(r)) : [];
  sink.start(columns, Array.isArray(response.columnTypes) ? response.columnTypes : columns.map(() => ''));
  if (rows.length > 0) await sink.rows(rows);
  return {
    executionMs: response.stats?.executionMs ?? 0,
    rowsScanned: response.stats?.rowsScanned,
    rowsReturned: rows.length,
    truncated: response.truncated ?? false,
    limit,
  };
}
