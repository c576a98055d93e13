import { isObject } from '../../shared/isObject';
import type {
  CreateConnectionRequest,
  TestConnectionRequest,
  TestConnectionResponse,
  UpdateConnectionRequest,
} from '../api/types';
import { ConnectionError } from '../errors';
import { badResponse, unwrapOne } from './decode';
import type { HostedHttp } from './httpClient';
import { asParams, mergedRecord, type FieldRole, type HostedDialect, type Json } from './records';

/** What each dialect's endpoints take and answer, as pure functions of what the client knows. */

const noLink = (): ConnectionError =>
  new ConnectionError(
    'unsupported',
    'This Planasonix workspace keeps no credential link on a connection; its secrets go in the connection itself.',
  );
const notInline = (): ConnectionError =>
  new ConnectionError('internal', 'Secrets go in a credential for this workspace, never in the connection.');
const hasSecrets = (r: { inlineSecrets?: Record<string, string> }): boolean =>
  r.inlineSecrets !== undefined && Object.keys(r.inlineSecrets).length > 0;

/** A create's body: deployed `{name, type, category, params}` (settings as text, secrets inline), documented `{name, type, config, credentialId}`. */
export function createBody(dialect: HostedDialect, request: CreateConnectionRequest, category: string): Json {
  if (dialect === 'deployed') {
    if (request.credentialId) throw noLink();
    return {
      name: request.name,
      type: request.type,
      category,
      params: asParams(request.config, request.inlineSecrets),
    };
  }
  if (hasSecrets(request)) throw notInline();
  return {
    name: request.name,
    type: request.type,
    config: request.config,
    ...(request.credentialId ? { credentialId: request.credentialId } : {}),
  };
}

/** An update's body: the record as the workspace holds it, with the changes applied field by field. */
export function updateBody(
  dialect: HostedDialect,
  raw: Json,
  request: UpdateConnectionRequest,
  role: FieldRole,
  defaultCategory: string,
): Json {
  if (dialect === 'deployed' && request.credentialId !== undefined) throw noLink();
  if (dialect === 'documented' && hasSecrets(request)) throw notInline();
  const body = mergedRecord(dialect, raw, request, role, defaultCategory);
  if (dialect === 'deployed' && request.inlineSecrets) Object.assign(body.params as Json, request.inlineSecrets);
  return body;
}

/**
 * A test's body. A saved connection of a deployed workspace is tested with what the workspace holds for
 * it (its secrets are in its params), with the form's settings on top, as its own client does.
 */
export function testBody(
  dialect: HostedDialect,
  request: TestConnectionRequest,
  raw: Json | undefined,
  role: FieldRole,
): Json {
  if (dialect === 'documented')
    return {
      type: request.type,
      config: request.config,
      ...(request.credentialId ? { credentialId: request.credentialId } : {}),
    };
  const merged = raw ? mergedRecord('deployed', raw, { config: request.config }, role, 'source') : undefined;
  const params: Json = merged && isObject(merged.params) ? merged.params : asParams(request.config);
  return { type: request.type, params: { ...params, ...(request.inlineSecrets ?? {}) } };
}

/** A test's answer: deployed `{success, message}`, documented `{ok, latencyMs, serverVersion, message}`. */
export function testOutcome(o: Json, roundTripMs: number): TestConnectionResponse {
  const ok = o.ok === true || o.success === true;
  const said =
    typeof o.message === 'string' && o.message !== ''
      ? o.message
      : typeof o.error === 'string' && o.error !== ''
        ? o.error
        : undefined;
  return {
    ok,
    latencyMs: typeof o.latencyMs === 'number' ? o.latencyMs : roundTripMs,
    ...(typeof o.serverVersion === 'string' ? { serverVersion: o.serverVersion } : {}),
    message: said ?? (ok ? 'Connection successful.' : 'The test failed, and the workspace gave no reason.'),
    ...(!ok && typeof o.errorCode === 'string' ? { errorCode: o.errorCode } : {}),
  };
}

/**
 * POSTs a create at most once per try, whatever the server does with the idempotency key: after an
 * answer that may have been lost (dropped, timed out, 5xx, cut off) or a 409, the workspace is asked for
 * what the create made (`twin`: its name, type and settings) before trying again. Resolves with the id.
 */
export async function createOnce(
  http: HostedHttp,
  body: Json,
  name: string,
  key: string,
  twin: () => Promise<string | undefined>,
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = unwrapOne(
        await http.request('POST', '/api/connections', { body, idempotencyKey: key, mayRepeat: false }),
      );
      if (typeof answer.id !== 'string') throw badResponse('the created connection with its id');
      return answer.id;
    } catch (error) {
      const ambiguous = ConnectionError.is(error) && error.details?.ambiguous === true;
      const conflict = ConnectionError.is(error, 'conflict');
      if (!ambiguous && !conflict) throw error;
      const made = await twin().catch(() => undefined);
      if (made) return made;
      if (conflict) {
        throw new ConnectionError(
          'name_taken',
          `Your Planasonix workspace already has a connection named "${name}"; choose another name.`,
          {
            field: 'name',
            ...(error.details?.serverCode ? { serverCode: error.details.serverCode } : {}),
          },
        );
      }
      if (attempt >= 3) throw error;
      await http.pause(attempt);
    }
  }
}
