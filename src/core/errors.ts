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
  | 'internal';

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly details?: { field?: string; sqlState?: string; position?: number; cause?: unknown },
  ) {
    super(message);
  }

  static is(value: unknown, code?: ConnectionErrorCode): value is ConnectionError {
    return value instanceof ConnectionError && (code === undefined || value.code === code);
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

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
