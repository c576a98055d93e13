import { ConnectionError, errorMessage } from '../../errors';

/** What the driver's errors carry, whatever their class (its StatusError is not even an Error). */
interface DriverError {
  message?: unknown;
  code?: unknown;
  errorCode?: unknown;
  statusCode?: unknown;
  /** OperationStateError: the operation status, with the SQLSTATE. */
  response?: { sqlState?: unknown; displayMessage?: unknown; errorMessage?: unknown; status?: unknown };
  /** RetryError: the last attempt's HTTP details. */
  payload?: { response?: { status?: unknown } };
}

/** The HTTP status a driver error came from, if it did. */
function httpStatus(e: DriverError): number | undefined {
  const status = e.statusCode ?? e.payload?.response?.status ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Databricks' and the driver's errors in the user's words, with every secret removed (`safe`). */
export function mapDatabricksError(error: unknown, safe: (text: string) => string, where: string): ConnectionError {
  if (ConnectionError.is(error)) return error;
  const e = (error ?? {}) as DriverError;
  const message = safe(typeof e.message === 'string' && e.message ? e.message : errorMessage(error));
  // An operation's error carries its SQLSTATE; a statement's status error (StatusError) only in its text.
  const sqlState =
    typeof e.response?.sqlState === 'string' ? e.response.sqlState : /SQLSTATE: ([0-9A-Z]{5})\b/.exec(message)?.[1];
  const details = sqlState ? { sqlState } : undefined;
  switch (httpStatus(e) ?? 0) {
    case 401:
      return new ConnectionError(
        'auth_failed',
        `Databricks refused the access token for ${where}: it is wrong, expired or revoked.`,
      );
    case 403:
      return new ConnectionError(
        'auth_failed',
        `This identity may not use the SQL warehouse at ${where} (ask for CAN USE on it).`,
      );
    case 404:
      return new ConnectionError(
        'invalid_config',
        `There is no SQL warehouse at ${where}; check the host and the HTTP path.`,
        { field: 'httpPath' },
      );
    case 429:
    case 503:
      return new ConnectionError(
        'unreachable',
        `The SQL warehouse at ${where} is not running yet (stopped, or still starting): it starts on the first request; try again in a minute.`,
      );
  }
  if (e.errorCode === 'CANCELED') return new ConnectionError('cancelled', 'The statement was cancelled.');
  if (e.errorCode === 'TIMEOUT')
    return new ConnectionError(
      'timeout',
      `The statement ran past its time limit and was stopped by Databricks (${message}).`,
      details,
    );
  // TABLE_OR_VIEW_NOT_FOUND, SCHEMA_NOT_FOUND, NO_SUCH_CATALOG_EXCEPTION.
  if (sqlState === '42P01' || sqlState === '42704') return new ConnectionError('not_found', message, details);
  if (/self[- ]signed|unable to (get|verify)|certificate/i.test(message)) {
    return new ConnectionError(
      'ssl',
      `The server's TLS certificate is not trusted (${message}). Behind a corporate proxy, set its CA certificate file.`,
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|socket hang up/i.test(message)) {
    return new ConnectionError('unreachable', `Databricks could not be reached at ${where}: ${message}`);
  }
  return new ConnectionError('query_failed', message, details);
}
