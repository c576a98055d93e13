import type { CellValue, PreviewQuery, PreviewResponse, TestQueryResponse } from '../../api/types';
import { qualified } from './identifiers';
import { toCell } from './rows';

/**
 * The response for rows fetched with a cap of limit + 1: the extra row is dropped and only tells
 * that the result was truncated.
 */
export function cappedResult(
  columns: string[],
  columnTypes: string[],
  rows: unknown[][],
  limit: number,
  executionMs: number,
): TestQueryResponse {
  const truncated = rows.length > limit;
  const kept = truncated ? rows.slice(0, limit) : rows;
  return {
    ok: true,
    columns,
    columnTypes,
    rows: kept.map((r) => r.map(toCell) as CellValue[]),
    truncated,
    stats: { executionMs, rowsReturned: kept.length },
  };
}

/** SELECT * of one table, optionally sorted, asking for one row more than the limit. */
export function previewSql(quote: (name: string) => string, query: PreviewQuery & { limit: number }): string {
  const from = qualified(quote, query.schema, query.table);
  const order = query.orderBy ? ` ORDER BY ${quote(query.orderBy.column)} ${query.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}` : '';
  return `SELECT * FROM ${from}${order} LIMIT ${query.limit + 1}`;
}

export function toPreview(result: TestQueryResponse, limit: number): PreviewResponse {
  return { columns: result.columns, rows: result.rows, truncated: result.truncated ?? false, columnTypes: result.columnTypes, limit };
}
