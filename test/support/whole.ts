// Whole results for tests: the product only streams (previewStream, testQueryStream, a session's
// stream); tests that compare a result as one value gather the stream here.
import type {
  CellValue,
  ConnectionsApi,
  PreviewQuery,
  PreviewResponse,
  RequestOptions,
  TestQueryRequest,
  TestQueryResponse,
} from '../../src/core/api/types';
import { streamPreview } from '../../src/core/connectors/sql/sqlSession';
import type { QueryOptions, RowSink, SqlFacet, StreamSummary } from '../../src/core/connectors/types';

/** A sink that keeps everything a stream hands it. */
export class CollectingSink implements RowSink {
  columns: string[] = [];
  columnTypes: string[] = [];
  readonly collected: CellValue[][] = [];

  start(columns: string[], columnTypes: string[]): void {
    this.columns = columns;
    this.columnTypes = columnTypes;
  }

  rows(batch: CellValue[][]): void {
    for (const r of batch) this.collected.push(r);
  }

  response(
    summary: Pick<StreamSummary, 'executionMs' | 'rowsReturned' | 'truncated'> & { rowsScanned?: number },
  ): TestQueryResponse {
    return {
      ok: true,
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.collected,
      truncated: summary.truncated,
      stats: {
        executionMs: summary.executionMs,
        rowsReturned: summary.rowsReturned,
        ...(summary.rowsScanned !== undefined ? { rowsScanned: summary.rowsScanned } : {}),
      },
    };
  }
}

function asPreview(result: TestQueryResponse, limit: number): PreviewResponse {
  return {
    columns: result.columns,
    rows: result.rows,
    truncated: result.truncated ?? false,
    columnTypes: result.columnTypes,
    limit,
  };
}

/** A preview through the API, as one response. */
export async function wholePreview(
  api: Pick<ConnectionsApi, 'previewStream'>,
  id: string,
  query: PreviewQuery,
  options?: RequestOptions,
): Promise<PreviewResponse> {
  const sink = new CollectingSink();
  const stats = await api.previewStream(id, query, sink, options);
  return asPreview(sink.response(stats), stats.limit);
}

/** A test query through the API, as one response. */
export async function wholeTestQuery(
  api: Pick<ConnectionsApi, 'testQueryStream'>,
  request: TestQueryRequest,
  options?: RequestOptions,
): Promise<TestQueryResponse> {
  const sink = new CollectingSink();
  return sink.response(await api.testQueryStream(request, sink, options));
}

/** A session's preview of a table, as one response. */
export async function previewWhole(
  sql: SqlFacet,
  query: PreviewQuery & { limit: number },
  signal?: AbortSignal,
): Promise<PreviewResponse> {
  const sink = new CollectingSink();
  return asPreview(sink.response(await streamPreview(sql, query, sink, signal)), query.limit);
}

/** A session's statement result, as one response. */
export async function queryWhole(sql: SqlFacet, options: QueryOptions): Promise<TestQueryResponse> {
  const sink = new CollectingSink();
  return sink.response(await sql.stream(options, sink));
}
