/** Machine-readable failure kinds. Callers branch on `code`, never on message text. */
export type ConnectionErrorCode =
  | 'auth_failed'
  | 'unreachable'
  | 'timeout'
  | 'ssl'
  | 'not_found'
  | 'name_taken'
  | 'read_only'
  | 'cancelled'
  | 'unsupported'
  | 'invalid_config'
  | 'query_failed'
  | 'store_corrupt'
  | 'store_unreadable'
  /** A saved secret's connection points at another target than the one it was entered for. */
  | 'target_changed'
  /** The hosted API: the account lacks a permission (403). */
  | 'forbidden'
  /** The hosted API: the request conflicts with the server's state (409, a connection in use). */
  | 'conflict'
  /** The hosted API: too many requests, still refused after waiting as asked (429). */
  | 'rate_limited'
  | 'internal';

/**
 * Marks every ConnectionError, whichever bundle built it: each lazily loaded driver bundle has its own
 * copy of this class, so `instanceof` would fail across bundles. Symbol.for is shared by the process.
 */
const brand = Symbol.for('planasonix.ConnectionError');

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  readonly [brand] = true;
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly details?: {
      field?: string;
      sqlState?: string;
      /** The hosted API's own error code (`invalid_request`, `connection_in_use`). */
      serverCode?: string;
      position?: number;
      cause?: unknown;
      changes?: { key: string; from: string; to: string }[];
      connectionId?: string;
      /** For a rate limit: how long the server asked to wait. */
      retryAfterMs?: number;
      /** The hosted API: a write whose answer was lost may have been carried out (look for what it made). */
      ambiguous?: boolean;
    },
  ) {
    super(message);
  }

  static is(value: unknown, code?: ConnectionErrorCode): value is ConnectionError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [brand]?: unknown })[brand] === true &&
      (code === undefined || (value as ConnectionError).code === code)
    );
  }
}

/** Removes every known secret value from a text before it is shown or logged. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('****');
  }
  return out;
}

/** The result, or undefined when the thing asked for (or to be deleted) is not there: gone is not a failure here. */
export async function unlessNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (ConnectionError.is(error, 'not_found')) return undefined;
    throw error;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
