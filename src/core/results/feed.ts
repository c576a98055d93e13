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
  sink.start(response.columns, response.columnTypes ?? response.columns.map(() => ''));
  if (response.rows.length > 0) await sink.rows(response.rows);
  return {
    executionMs: response.stats?.executionMs ?? 0,
    rowsScanned: response.stats?.rowsScanned,
    rowsReturned: response.rows.length,
    truncated: response.truncated ?? false,
    limit,
  };
}
