import { ConnectionError, errorMessage } from '../../../core/errors';
import type { QueryErrorInfo } from '../../../shared/protocol/results';

/** What the page shows of a failure: the message, and where in the SQL the server pointed. */
export function errorInfo(error: unknown, sql: string | undefined): QueryErrorInfo {
  const code = ConnectionError.is(error) ? error.code : 'internal';
  const info: QueryErrorInfo = { code, message: errorMessage(error) };
  if (ConnectionError.is(error)) {
    if (error.details?.sqlState) info.sqlState = error.details.sqlState;
    const position = error.details?.position;
    if (position !== undefined && sql) {
      const before = sql.slice(0, Math.max(0, position - 1));
      const lines = before.split('\n');
      info.position = position;
      info.line = lines.length;
      info.column = lines[lines.length - 1].length + 1;
      info.excerpt = sql.split('\n')[lines.length - 1];
    }
  }
  return info;
}
