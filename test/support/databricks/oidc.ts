import { randomBytes } from 'node:crypto';

/**
 * A workspace's OAuth endpoints for machine-to-machine sign-in: discovery at
 * /oidc/.well-known/oauth-authorization-server, and a client_credentials grant at /oidc/v1/token with
 * the client's id and secret in HTTP Basic (form-urlencoded, RFC 6749) or in the form. A token issued
 * is added to the tokens the warehouse accepts.
 */
export function answerOidc(
  path: string,
  method: string,
  body: Buffer,
  authorization: string | undefined,
  base: string,
  clients: ReadonlyMap<string, string>,
  tokens: Set<string>,
): { status: number; body: Record<string, unknown> } | undefined {
  if (path === '/oidc/.well-known/oauth-authorization-server') {
    return {
      status: 200,
      body: {
        issuer: `${base}/oidc`,
        authorization_endpoint: `${base}/oidc/v1/authorize`,
        token_endpoint: `${base}/oidc/v1/token`,
        grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      },
    };
  }
  if (path !== '/oidc/v1/token' || method !== 'POST') return undefined;
  const form = new URLSearchParams(body.toString('utf8'));
  const basic = /^Basic (.+)$/.exec(authorization ?? '');
  const [id, secret] = basic
    ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent)
    : [form.get('client_id'), form.get('client_secret')];
  if (form.get('grant_type') !== 'client_credentials' || !id || clients.get(id) !== secret) {
    return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
  }
  const token = `oauth-${randomBytes(12).toString('hex')}`;
  tokens.add(token);
  return {
    status: 200,
    body: { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') ?? 'all-apis' },
  };
}
