import { ConnectionError } from '../../errors';
import { searchPattern } from './search';

/** Keyset page tokens: the last name of the previous page, opaque to callers. */
export function encodePageToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string | undefined): string | null {
  if (!token) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through
  }
  throw new ConnectionError('invalid_config', 'The page token is not valid; list again from the first page.');
}

export function pageLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new ConnectionError('invalid_config', `A page size must be a whole number from 1 to 100000, not ${limit}.`);
  }
  return limit;
}

/** Cuts a keyset page fetched with limit + 1 rows: the extra row only says that more follow. */
export function pageOf<T extends { name: string }>(
  rows: T[],
  limit: number | undefined,
): { page: T[]; nextPageToken?: string } {
  if (limit === undefined || rows.length <= limit) return { page: rows };
  const page = rows.slice(0, limit);
  return { page, nextPageToken: encodePageToken(page[page.length - 1].name) };
}

/** What a keyset-paged, filtered listing asks its server for. */
export interface PageRequest {
  /** The folded LIKE pattern of the user's filter, or null for none. */
  pattern: string | null;
  /** The name to start after, or null from the first. */
  after: string | null;
  /** Rows to fetch (the page size plus one, to know whether more follow), or undefined for all. */
  fetch: number | undefined;
}

/**
 * One page of a listing, the same way for every SQL driver: the query's page size, filter and token
 * become a PageRequest, the driver runs its own catalog query with it, and the extra row says whether
 * a next page follows.
 */
export async function keysetPage<T extends { name: string }>(
  query: { limit?: number; search?: string; pageToken?: string },
  fetch: (request: PageRequest) => Promise<T[]>,
): Promise<{ page: T[]; nextPageToken?: string }> {
  const limit = pageLimit(query.limit);
  const rows = await fetch({
    pattern: searchPattern(query.search),
    after: decodePageToken(query.pageToken),
    fetch: limit === undefined ? undefined : limit + 1,
  });
  return pageOf(rows, limit);
}
