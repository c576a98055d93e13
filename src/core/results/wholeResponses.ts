import { feed } from './feed';
import type {
  PreviewQuery,
  PreviewResponse,
  RequestOptions,
  ResultSink,
  StreamStats,
  TestQueryRequest,
  TestQueryResponse,
} from '../api/types';

/**
 * The streaming half of the API contract for a back end that only returns whole responses (the hosted
 * API): the response is fetched whole and handed to the sink in one batch. One adapter, so no caller
 * ever chooses between streaming and not.
 */
export async function previewFromWhole(
  preview: (id: string, query: PreviewQuery, options?: RequestOptions) => Promise<PreviewResponse>,
  id: string,
  query: PreviewQuery,
  sink: ResultSink,
  options?: RequestOptions,
): Promise<StreamStats> {
  const response = await preview(id, query, options);
  return feed(sink, response, response.limit ?? query.limit ?? response.rows.length);
}

export async function testQueryFromWhole(
  testQuery: (request: TestQueryRequest, options?: RequestOptions) => Promise<TestQueryResponse>,
  request: TestQueryRequest,
  sink: ResultSink,
  options?: RequestOptions,
): Promise<StreamStats> {
  const response = await testQuery(request, options);
  return feed(sink, response, request.limit ?? response.rows.length);
}
