import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { ConnectionError, errorMessage } from '../../errors';
import { asText } from '../../../shared/asText';

/** A token obtained for a session, until shortly before it expires. */
export interface TokenCache {
  token?: string;
  expiresAt?: number;
  pending?: Promise<string>;
}

interface Target {
  host: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** An extra CA to trust (a corporate proxy), as for the warehouse itself. */
  ca?: Buffer;
}

function request(
  url: URL,
  target: Target,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method,
        headers: init.headers,
        ...(target.ca ? { ca: [...rootCertificates, target.ca.toString('utf8')] } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * OAuth machine-to-machine sign-in (a service principal's client credentials), as Databricks documents
 * it: the workspace's token endpoint from /oidc/.well-known/oauth-authorization-server, then a
 * client_credentials grant with scope all-apis. Done here rather than by the driver's own OAuth, which
 * accepts only the public cloud domains (not a private-link host or a proxy port) and ignores the CA option.
 */
export async function m2mToken(cache: TokenCache, target: Target): Promise<string> {
  if (cache.token && cache.expiresAt && Date.now() < cache.expiresAt) return cache.token;
  cache.pending ??= (async () => {
    try {
      const base = `https://${target.host}${target.port === 443 ? '' : `:${target.port}`}`;
      const discovery = await request(new URL('/oidc/.well-known/oauth-authorization-server', base), target, {
        method: 'GET',
      });
      if (discovery.status !== 200)
        throw new ConnectionError(
          'auth_failed',
          `Databricks has no OAuth endpoint at ${base} (HTTP ${discovery.status}).`,
        );
      const endpoint = new URL(asText((JSON.parse(discovery.body) as { token_endpoint?: unknown }).token_endpoint));
      // The client secret goes to the workspace itself only, over HTTPS.
      if (endpoint.protocol !== 'https:' || endpoint.host !== new URL(base).host) {
        throw new ConnectionError(
          'auth_failed',
          `The OAuth token endpoint named by ${base} is not on that host over HTTPS; refused.`,
        );
      }
      const basic = Buffer.from(
        `${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`,
      ).toString('base64');
      const answer = await request(endpoint, target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
      });
      if (answer.status === 400 || answer.status === 401) {
        throw new ConnectionError(
          'auth_failed',
          `Databricks refused the OAuth client ID "${target.clientId}" or its secret.`,
        );
      }
      if (answer.status !== 200)
        throw new ConnectionError('auth_failed', `The OAuth token request failed (HTTP ${answer.status}).`);
      const body = JSON.parse(answer.body) as { access_token?: unknown; expires_in?: unknown };
      if (typeof body.access_token !== 'string')
        throw new ConnectionError('auth_failed', 'The OAuth token answer held no access token.');
      cache.token = body.access_token;
      cache.expiresAt = Date.now() + Math.max(60, Number(body.expires_in ?? 3600) - 60) * 1000;
      return body.access_token;
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      throw new ConnectionError('auth_failed', `OAuth sign-in to Databricks failed: ${errorMessage(error)}`);
    } finally {
      cache.pending = undefined;
    }
  })();
  return cache.pending;
}
