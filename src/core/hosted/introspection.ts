import { ConnectionError } from '../errors';
import type { HostedHttp } from './httpClient';

const enc = encodeURIComponent;

/**
 * A connection's tables and columns, by the path form (`/api/connections/{id}/tables`) or, where a
 * deployment refuses that route (404 or 405), the query-parameter form (`/api/connections/tables?connectionId=`),
 * which is then used from there on.
 */
export class Introspection {
  constructor(
    private readonly http: HostedHttp,
    private mode: 'path' | 'query',
  ) {}

  /** Tables and columns by the path form, or the query-parameter form where the path form is refused. */
  async request(
    id: string,
    what: 'tables' | 'columns',
    params: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (this.mode === 'query')
      return this.http.request('GET', `/api/connections/${what}`, { query: { connectionId: id, ...params }, signal });
    try {
      return await this.http.request('GET', `/api/connections/${enc(id)}/${what}`, { query: params, signal });
    } catch (error) {
      // Some deployments refuse the path form (404 or 405 for the route): the query form is the same call.
      if (!ConnectionError.is(error) || !(error.code === 'not_found' || / 405\b/.test(error.message))) throw error;
      let answer: unknown;
      try {
        answer = await this.http.request('GET', `/api/connections/${what}`, {
          query: { connectionId: id, ...params },
          signal,
        });
      } catch {
        throw error; // not a refused route: the connection itself is missing
      }
      this.mode = 'query';
      return answer;
    }
  }
}
