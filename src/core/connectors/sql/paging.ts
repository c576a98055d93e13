import { ConnectionError } from '../../errors';

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
export function pageOf<T extends { name: string }>(rows: T[], limit: number | undefined): { page: T[]; nextPageToken?: string } {
  if (limit === undefined || rows.length <= limit) return { page: rows };
  const page = rows.slice(0, limit);
  return { page, nextPageToken: encodePageToken(page[page.length - 1]!.name) };
}
