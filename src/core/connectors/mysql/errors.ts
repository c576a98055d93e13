import { ConnectionError, errorMessage } from '../../errors';
import { cancelledError } from '../sql/cancellation';
import { networkError, type DriverErrorMapper } from '../sql/networkErrors';

/** A mysql2 error as a ConnectionError. */
export const mapMysqlError: DriverErrorMapper = (error, cfg, safe, query) => {
  if (ConnectionError.is(error)) return error;
  const e = error as { code?: string; errno?: number; sqlState?: string };
  const message = safe(errorMessage(error));
  const where = `${cfg.host}:${cfg.port}`;
  switch (e.errno ?? 0) {
    case 1045:
      return new ConnectionError(
        'auth_failed',
        `Access denied for user "${cfg.user}" on ${where}: wrong password or user.`,
      );
    case 1044:
      return new ConnectionError('auth_failed', message);
    case 1049:
      return new ConnectionError('not_found', message);
    case 1146:
      return new ConnectionError('not_found', message, { sqlState: e.sqlState });
    case 1792:
      return new ConnectionError('read_only', `Refused: ${message}. Test queries run read-only.`, {
        sqlState: e.sqlState,
      });
    case 1317:
    case 1969:
    case 3024:
      return query?.cancelled
        ? cancelledError()
        : new ConnectionError(
            'timeout',
            `The statement ran past the ${Math.round((query?.timeoutMs ?? 0) / 1000)} s timeout and was stopped on the server.`,
            {
              sqlState: e.sqlState,
            },
          );
  }
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return new ConnectionError('ssl', `The server at ${where} does not accept TLS; set SSL mode to disable or prefer.`);
  }
  const net = networkError(error, cfg);
  if (net) return new ConnectionError(net.code, safe(net.message));
  if (e.code === 'PROTOCOL_CONNECTION_LOST') {
    return new ConnectionError('unreachable', `The connection to ${where} was lost.`);
  }
  if (e.errno !== undefined && e.sqlState) {
    return new ConnectionError('query_failed', message, { sqlState: e.sqlState });
  }
  return new ConnectionError('internal', message);
};
