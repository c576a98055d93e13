import { ConnectionError } from './errors';

/**
 * A URL checked before anything is sent to it: a URL at all, HTTPS (plain HTTP only to this machine's
 * loopback address), and no user name or password in it. `what` names the address in messages ("The
 * Planasonix API", "The Snowflake server URL"); `field` is the form field the error points to.
 */
export function checkHttpsUrl(raw: string, what: string, field: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectionError('invalid_config', `"${raw}" is not a URL; use one like ${example}.`, { field });
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConnectionError(
      'invalid_config',
      `${what} must be reached over HTTPS (plain HTTP only on this machine's loopback), not ${url.protocol}//${url.host}.`,
      { field },
    );
  }
  if (url.username || url.password)
    throw new ConnectionError('invalid_config', `${what} cannot carry a user name or password.`, { field });
  return url;
}
