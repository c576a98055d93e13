import type snowflake from 'snowflake-sdk';
import { ConnectionError } from '../../errors';
import { checkHttpsUrl } from '../../urls';
import type { SessionOptions } from '../types';
import { checkPrivateKey } from './errors';

/** The account as the user gave it: its identifier, the server URL it implies, or why it is not one. */
export interface GivenAccount {
  account: string;
  url?: string;
  invalid?: Error;
}

/** The driver's login options from a connection's settings and secrets: password, key pair or OAuth token. */
export function loginOptions(options: SessionOptions, given: GivenAccount): snowflake.ConnectionOptions {
  const c = options.config;
  const s = options.secrets;
  const text = (k: string): string | undefined => (c[k] === undefined || c[k] === '' ? undefined : String(c[k]));
  if (given.invalid) throw given.invalid;
  if (!given.account)
    throw new ConnectionError('invalid_config', 'A Snowflake connection needs its account identifier.', {
      field: 'account',
    });
  const serverUrl = text('serverUrl') ?? given.url;
  if (serverUrl)
    checkHttpsUrl(serverUrl, 'The Snowflake server URL', 'serverUrl', 'https://myorg-myaccount.snowflakecomputing.com');
  const authenticator = text('authenticator') ?? 'password';
  const common = {
    account: given.account,
    username: text('user') ?? '',
    ...(serverUrl ? { accessUrl: serverUrl } : {}),
    ...(text('warehouse') ? { warehouse: text('warehouse') } : {}),
    ...(text('database') ? { database: text('database') } : {}),
    ...(text('schema') ? { schema: text('schema') } : {}),
    ...(text('role') ? { role: text('role') } : {}),
    // NULL stays null when values are fetched as their exact text.
    representNullAsStringNull: false,
    // One login attempt: the SDK's own retries (7, backing off to 16 s) kept a refused or unreachable
    // host waiting for minutes; the connect timeout below bounds the attempt, and the user retries.
    sfRetryMaxLoginRetries: 0,
    application: 'PlanasonixConnections',
  };
  if (authenticator === 'keypair') {
    const file = text('privateKeyFile');
    if (!file)
      throw new ConnectionError('invalid_config', 'Key-pair sign-in needs the private key file.', {
        field: 'privateKeyFile',
      });
    checkPrivateKey(file, s.privateKeyPassphrase);
    return {
      ...common,
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: file,
      ...(s.privateKeyPassphrase ? { privateKeyPass: s.privateKeyPassphrase } : {}),
    };
  }
  if (authenticator === 'oauth') {
    if (!s.token) throw new ConnectionError('auth_failed', 'OAuth sign-in needs an access token.', { field: 'token' });
    return { ...common, authenticator: 'OAUTH', token: s.token };
  }
  return { ...common, password: s.password ?? '' };
}
