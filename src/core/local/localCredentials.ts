import { credentialTypes as types } from '../api/credentials';
import type {
  Credential,
  CredentialsApi,
  CreateCredentialRequest,
  DeleteCredentialResponse,
  UpdateCredentialRequest,
} from '../api/credentials';
import type { SecretValues } from '../api/types';
import { ConnectionError } from '../errors';
import type { Clock, SecretVault } from '../ports';
import { CredentialStore, type CredentialMeta } from './credentials';
import { asText } from '../../shared/asText';

const indexKey = 'planasonix.credentials.index';

/**
 * The credentials API on this machine: each credential is one entry in VS Code's secret storage (its
 * secrets, the target they were saved for, its name and times), plus an index of ids, since secret
 * storage cannot list its keys. Everything a local credential holds in config is secret: config comes
 * back empty, with the names of the stored secrets.
 */
export class LocalCredentialsApi implements CredentialsApi {
  private readonly store: CredentialStore;

  constructor(
    private readonly vault: SecretVault,
    private readonly clock: Clock,
  ) {
    this.store = new CredentialStore(vault);
  }

  async listCredentials(): Promise<{ data: Credential[] }> {
    const data: Credential[] = [];
    for (const id of await this.index()) {
      const entry = await this.store.entry(id);
      if (Object.keys(entry.secrets).length > 0 || entry.meta)
        data.push(this.toCredential(id, entry.secrets, entry.meta));
    }
    return { data };
  }

  async getCredential(id: string): Promise<Credential> {
    const entry = await this.store.entry(id);
    if (Object.keys(entry.secrets).length === 0 && !entry.meta)
      throw new ConnectionError('not_found', `No credential with id "${id}".`);
    return this.toCredential(id, entry.secrets, entry.meta);
  }

  async createCredential(request: CreateCredentialRequest): Promise<Credential> {
    const name = (request.name ?? '').trim();
    if (name === '') throw new ConnectionError('invalid_config', 'A credential needs a name.', { field: 'name' });
    if (!types.includes(request.type))
      throw new ConnectionError('invalid_config', `Unknown credential type "${String(request.type)}".`, {
        field: 'type',
      });
    const base = request.inherit ? await this.store.read(request.inherit) : {};
    const secrets = merge(base, request.config ?? {});
    const id = CredentialStore.newId();
    const now = this.clock.now().toISOString();
    const meta: CredentialMeta = { name, type: request.type, created_at: now, updated_at: now };
    // Not bound to a target yet: the connection that names it binds it when it is saved.
    await this.store.write(id, secrets, undefined, meta);
    await this.addToIndex(id);
    return this.toCredential(id, secrets, meta);
  }

  /**
   * Changes the secrets given (an empty string removes one). On this machine it also creates the entry
   * when there is none yet: a workspace file's connection names its credential before any secret is saved.
   */
  async updateCredential(id: string, request: UpdateCredentialRequest): Promise<Credential> {
    const entry = await this.store.entry(id);
    const now = this.clock.now().toISOString();
    const meta: CredentialMeta = {
      name: request.name?.trim() || entry.meta?.name || id,
      type: entry.meta?.type ?? 'database',
      created_at: entry.meta?.created_at ?? now,
      updated_at: now,
    };
    const secrets = merge(entry.secrets, request.config ?? {});
    await this.store.write(id, secrets, undefined, meta);
    await this.addToIndex(id);
    return this.toCredential(id, secrets, meta);
  }

  async deleteCredential(id: string): Promise<DeleteCredentialResponse> {
    await this.store.delete(id);
    const index = await this.index();
    if (index.includes(id)) await this.vault.store(indexKey, JSON.stringify(index.filter((i) => i !== id)));
    return { id, status: 'deleted', deleted_at: this.clock.now().toISOString() };
  }

  private toCredential(id: string, secrets: SecretValues, meta: CredentialMeta | undefined): Credential {
    const type = types.find((t) => t === meta?.type) ?? 'database';
    return {
      id,
      name: meta?.name ?? id,
      type,
      status: 'active',
      ...(meta ? { created_at: meta.created_at, updated_at: meta.updated_at } : {}),
      config: {},
      stored_secrets: Object.keys(secrets).sort(),
    };
  }

  private async index(): Promise<string[]> {
    try {
      const value: unknown = JSON.parse((await this.vault.get(indexKey)) ?? '[]');
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      return [];
    }
  }

  private async addToIndex(id: string): Promise<void> {
    const index = await this.index();
    if (!index.includes(id)) await this.vault.store(indexKey, JSON.stringify([...index, id]));
  }
}

/** Secrets after a change: given values replace, an empty string removes, others stay. */
function merge(base: SecretValues, change: Record<string, unknown>): SecretValues {
  const out: SecretValues = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === '' || v === undefined || v === null) delete out[k];
    else out[k] = asText(v);
  }
  return out;
}
