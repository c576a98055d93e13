import { ConnectionError } from '../../errors';

/**
 * The account as the user gave it: an identifier (`myorg-myaccount`, `xy12345.eu-central-1`) or the
 * account URL copied from Snowsight (`https://myorg-myaccount.snowflakecomputing.com`, with or without
 * the scheme, a private-link host too). A URL gives both the identifier and the host to reach.
 */
export function snowflakeAccount(input: string): { account: string; url?: string } {
  const text = input.trim();
  const looksLikeHost = /^[a-z]+:\/\//i.test(text) || /\.snowflakecomputing\.(com|cn)(?:[:/]|$)/i.test(text);
  if (!looksLikeHost) return { account: text };
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new ConnectionError('invalid_config', `"${text}" is neither an account identifier nor an account URL.`, {
      field: 'account',
    });
  }
  if (url.protocol !== 'https:')
    throw new ConnectionError('invalid_config', 'A Snowflake account URL starts with https://.', { field: 'account' });
  const account = url.hostname.replace(/\.snowflakecomputing\.(com|cn)$/i, '');
  if (!account || account === url.hostname) {
    throw new ConnectionError(
      'invalid_config',
      `"${text}" is not a Snowflake account URL (…snowflakecomputing.com); for a proxy, use the advanced server URL.`,
      {
        field: 'account',
      },
    );
  }
  return { account, url: `https://${url.host}` };
}
