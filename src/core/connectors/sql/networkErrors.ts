import { ConnectionError } from '../../errors';
import type { ServerConfig } from './serverConfig';

/**
 * A driver's error as a ConnectionError with a machine-readable code: `safe` takes any secret out of
 * server text first; `query` says, for a statement, whether the caller cancelled it and its timeout.
 */
export type DriverErrorMapper = (
  error: unknown,
  cfg: ServerConfig,
  safe: (text: string) => string,
  query?: { cancelled: boolean; timeoutMs: number },
) => ConnectionError;

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/**
 * Maps socket-level failures (shared by every TCP driver) to a typed error that says what is wrong.
 * Returns undefined when the error is not a network error.
 */
export function networkError(
  error: unknown,
  cfg: Pick<ServerConfig, 'host' | 'port' | 'connectTimeoutMs'>,
): ConnectionError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const where = `${cfg.host}:${cfg.port}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new ConnectionError('unreachable', `Unknown host "${cfg.host}": the name does not resolve.`, {
      cause: error,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new ConnectionError('unreachable', `Connection refused by ${where}: nothing is listening on that port.`, {
      cause: error,
    });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new ConnectionError('unreachable', `Host ${where} is unreachable from this machine.`, { cause: error });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new ConnectionError('unreachable', `The connection to ${where} was closed by the server.`, { cause: error });
  }
  if (
    code === 'ETIMEDOUT' ||
    code === 'ETIMEOUT' ||
    (/timeout/i.test(error.message) && /connect/i.test(error.message))
  ) {
    return new ConnectionError('timeout', `No answer from ${where} within ${cfg.connectTimeoutMs / 1000} s.`, {
      cause: error,
    });
  }
  if (tlsCodes.has(code) || /\b(SSL|TLS|certificate)\b/i.test(error.message)) {
    return new ConnectionError('ssl', `TLS failed with ${where}: ${error.message}`, { cause: error });
  }
  return undefined;
}
