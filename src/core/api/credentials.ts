/**
 * The credentials API (docs/API.md, Credentials), declared once: a credential holds secrets apart
 * from any connection, and a connection names it by `credentialId`. Fields are snake_case, as the hosted
 * API spells them. Secrets go in with create and update and never come back out.
 */
import type { ConfigValue, ConnectionConfig } from './types';

export type CredentialType = 'aws' | 'azure' | 'gcp' | 'database' | 'api_key' | 'oauth' | 'password';

/** Every credential type the API knows. */
export const credentialTypes: readonly CredentialType[] = [
  'aws',
  'azure',
  'gcp',
  'database',
  'api_key',
  'oauth',
  'password',
];

export interface Credential {
  id: string;
  name: string;
  type: CredentialType;
  status: 'active' | 'deleted';
  created_at?: string;
  updated_at?: string;
  /** The credential's settings without its secrets. */
  config: ConnectionConfig;
  /** extension (this machine only): names of the secrets it holds, so a form can say "saved". */
  stored_secrets?: string[];
}

export interface CreateCredentialRequest {
  name: string;
  type: CredentialType;
  /** Settings and secrets; secrets are stored apart and never returned. */
  config: Record<string, ConfigValue>;
  /**
   * extension (this machine only): another credential whose secrets fill the fields this one leaves
   * out, so that a changed password keeps the rest. The hosted API cannot read secrets back and ignores it.
   */
  inherit?: string;
}

export interface UpdateCredentialRequest {
  name?: string;
  /** Only the fields to change; an empty string removes a secret. */
  config?: Record<string, ConfigValue>;
}

export interface DeleteCredentialResponse {
  id: string;
  status: 'deleted';
  deleted_at: string;
}

/** One method per endpoint of the credentials API. This machine's vault and the hosted API both implement it. */
export interface CredentialsApi {
  listCredentials(): Promise<{ data: Credential[] }>;
  getCredential(id: string): Promise<Credential>;
  createCredential(request: CreateCredentialRequest): Promise<Credential>;
  updateCredential(id: string, request: UpdateCredentialRequest): Promise<Credential>;
  deleteCredential(id: string): Promise<DeleteCredentialResponse>;
}
