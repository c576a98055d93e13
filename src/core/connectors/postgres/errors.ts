import { ConnectionError, errorMessage } from '../../errors';
import { cancelledError } from '../sql/cancellation';
import { networkError, type DriverErrorMapper } from '../sql/networkErrors';

/** A PostgreSQL driver error as a ConnectionError. */
export const mapPostgresError: DriverErrorMapper = (error, cfg, safe, query) => {
  if (ConnectionError.is(error)) return error;
  const net = networkError(error, cfg);
  const message = safe(errorMessage(error));
  if (net) return new ConnectionError(net.code, safe(net.message));
  const e = error as { code?: string; position?: string };
  const where = `${cfg.host}:${cfg.port}`;
  switch (e.code ?? '') {
    case '28P01':
      return new ConnectionError('auth_failed', `Password authentication failed for user "${cfg.user}" on ${where}.`);
    case '28000':
      return new ConnectionError('auth_failed', `The server refused user "${cfg.user}": ${message}`);
    case '3D000':
      return new ConnectionError('not_found', message.replace(/^database/, 'Database'));
    case '25006':
      return new ConnectionError('read_only', `Refused: ${message}. Test queries run read-only.`, { sqlState: e.code });
    case '57014':
      return query?.cancelled
        ? cancelledError()
        : new ConnectionError(
            'timeout',
            `The statement ran past the ${Math.round((query?.timeoutMs ?? 0) / 1000)} s timeout and was stopped on the server.`,
            {
              sqlState: e.code,
            },
          );
    case '42P01':
      return new ConnectionError('not_found', message, {
        sqlState: e.code,
        position: e.position ? Number(e.position) : undefined,
      });
  }
  if (/connection timeout|timeout expired/i.test(message)) {
    return new ConnectionError('timeout', `No answer from ${where} within ${cfg.connectTimeoutMs / 1000} s.`);
  }
  if (/does not support SSL/i.test(message)) {
    return new ConnectionError('ssl', `The server at ${where} does not accept TLS; set SSL mode to disable or prefer.`);
  }
  if (/client password must be a string|password authentication/i.test(message)) {
    return new ConnectionError('auth_failed', `The server at ${where} asks for a password and none was given.`);
  }
  if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) {
    const position = e.position ? Number(e.position) : undefined;
    return new ConnectionError('query_failed', message, { sqlState: e.code, position });
  }
  return new ConnectionError('internal', message);
};
