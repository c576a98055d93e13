import { credentialTypes as types } from '../api/credentials';
import type {
  Credential,
  CredentialsApi,
  CreateCredentialRequest,
  DeleteCredentialResponse,
  UpdateCredentialRequest,
} from '../api/credentials';
import type { ConnectionConfig, WriteOptions } from '../api/types';
import { badResponse, unwrapList, unwrapOne } from './decode';
import type { HostedHttp } from './httpClient';

const enc = encodeURIComponent;

/**
 * The hosted credentials API (`/api/credentials`, snake_case, `{data: ...}`): secrets go in with create
 * and update and are stored encrypted on the server; what comes back never holds them. `inherit` is
 * this machine's extension and is not sent.
 */
export class HostedCredentialsApi implements CredentialsApi {
  constructor(private readonly http: HostedHttp) {}

  async listCredentials(): Promise<{ data: Credential[] }> {
    const data: Credential[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrapList(await this.http.request('GET', '/api/credentials', { query: { cursor } }));
      data.push(...page.items.map(toCredential));
      cursor = page.cursor;
    } while (cursor);
    return { data };
  }

  async getCredential(id: string): Promise<Credential> {
    return toCredential(unwrapOne(await this.http.request('GET', `/api/credentials/${enc(id)}`)));
  }

  async createCredential(request: CreateCredentialRequest, options: WriteOptions = {}): Promise<Credential> {
    // The one request that carries a secret.
    const body = { name: request.name, type: request.type, config: request.config };
    return toCredential(
      unwrapOne(await this.http.request('POST', '/api/credentials', { body, idempotencyKey: options.idempotencyKey })),
    );
  }

  async updateCredential(id: string, request: UpdateCredentialRequest): Promise<Credential> {
    const body = {
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.config !== undefined ? { config: request.config } : {}),
    };
    return toCredential(unwrapOne(await this.http.request('PUT', `/api/credentials/${enc(id)}`, { body })));
  }

  async deleteCredential(id: string): Promise<DeleteCredentialResponse> {
    const o = unwrapOne(await this.http.request('DELETE', `/api/credentials/${enc(id)}`));
    return {
      id: typeof o.id === 'string' ? o.id : id,
      status: 'deleted',
      deleted_at: typeof o.deleted_at === 'string' ? o.deleted_at : new Date().toISOString(),
    };
  }
}

function toCredential(o: Record<string, unknown>): Credential {
  if (typeof o.id !== 'string') throw badResponse('a credential with an id');
  const config: ConnectionConfig = {};
  if (o.config && typeof o.config === 'object') {
    for (const [k, v] of Object.entries(o.config))
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') config[k] = v;
  }
  return {
    id: o.id,
    name: typeof o.name === 'string' ? o.name : o.id,
    type: types.find((t) => t === o.type) ?? 'database',
    status: o.status === 'deleted' ? 'deleted' : 'active',
    ...(typeof o.created_at === 'string' ? { created_at: o.created_at } : {}),
    ...(typeof o.updated_at === 'string' ? { updated_at: o.updated_at } : {}),
    config,
  };
}
