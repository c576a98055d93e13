/** Snowflake's failures in the user's words: its error codes, and a private key that cannot be read. */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConnectionError, errorMessage } from '../../errors';
import { cancelledError } from '../sql/cancellation';
import { asText } from '../../../shared/asText';

/** Snowflake's error codes that say what went wrong, in the user's words. */
export function mapError(error: unknown, safe: (text: string) => string, account: string): ConnectionError {
  if (ConnectionError.is(error)) return error;
  const e = error as { code?: unknown; sqlState?: unknown; message?: unknown };
  const code = asText(e.code);
  const message = safe(typeof e.message === 'string' ? e.message : errorMessage(error));
  const details = typeof e.sqlState === 'string' ? { sqlState: e.sqlState } : undefined;
  switch (code) {
    case '390100':
      return new ConnectionError(
        'auth_failed',
        `Incorrect user name or password for the Snowflake account ${account}.`,
      );
    case '390201':
    case '390189':
      return new ConnectionError(
        'auth_failed',
        `Snowflake does not know the account "${account}" (or the database, warehouse or role asked for); check the account identifier.`,
      );
    case '394304':
    case '394300':
      return new ConnectionError(
        'auth_failed',
        `Snowflake refused the key pair: the public key registered for this user does not match the private key file (${message}).`,
      );
    case '390303':
    case '390318':
      return new ConnectionError(
        'auth_failed',
        `Snowflake refused the OAuth access token; it may have expired (${message}).`,
      );
    case '000604':
      return cancelledError();
    case '000008':
      // "Actual statement count 2 did not match the desired statement count 1."
      return new ConnectionError(
        'read_only',
        'Refused: this text holds more than one statement; a test query runs one statement at a time.',
      );
    case '002003':
      // "Object ... does not exist or not authorized."
      return new ConnectionError('not_found', message, details);
    case '000606':
      return new ConnectionError(
        'query_failed',
        'No running warehouse for this session: the warehouse is suspended and does not resume by itself, or none is set. Set a warehouse in the connection, or resume it.',
        details,
      );
    case '000630':
      return new ConnectionError(
        'timeout',
        `The statement ran past its time limit and was stopped by Snowflake (${message}).`,
        details,
      );
    case '390104':
    case '390114':
      return new ConnectionError('auth_failed', `The Snowflake session ended; connect again (${message}).`);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|socket hang up|Network error/i.test(message)) {
    return new ConnectionError('unreachable', `Snowflake could not be reached for account ${account}: ${message}`);
  }
  if (/warehouse/i.test(message) && /suspended|resum|not running|does not exist/i.test(message)) {
    return new ConnectionError('query_failed', `The warehouse is not available: ${message}`, details);
  }
  return new ConnectionError('query_failed', message, details);
}

/**
 * Reads the private key as the SDK will, and says which field is wrong in the user's words instead
 * of OpenSSL's (`error:1C800064:…bad decrypt`).
 */
export function checkPrivateKey(file: string, passphrase: string | undefined): void {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'it may not be read' : 'it could not be read';
    throw new ConnectionError('invalid_config', `The private key file cannot be used: ${why} (${file}).`, {
      field: 'privateKeyFile',
    });
  }
  try {
    createPrivateKey({ key: pem, ...(passphrase ? { passphrase } : {}) });
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code ?? '');
    const encrypted = /ENCRYPTED/.test(pem);
    if (encrypted && !passphrase) {
      throw new ConnectionError('invalid_config', 'The private key file is encrypted: enter its passphrase.', {
        field: 'privateKeyPassphrase',
      });
    }
    if (encrypted && /BAD_DECRYPT|INTERRUPTED|bad decrypt/i.test(`${code} ${errorMessage(error)}`)) {
      throw new ConnectionError('invalid_config', 'The passphrase does not open the private key file.', {
        field: 'privateKeyPassphrase',
      });
    }
    throw new ConnectionError(
      'invalid_config',
      'The private key file is not a private key in PEM form (PKCS#8, as rsa_key.p8).',
      { field: 'privateKeyFile' },
    );
  }
}
