import { randomUUID } from 'node:crypto';
import type { SecretValues } from '../api/types';
import type { SecretVault } from '../ports';

const prefix = 'planasonix.credential.';

/** Secrets of one credential, kept as one JSON entry in the vault. */
export class CredentialStore {
  constructor(private readonly vault: SecretVault) {}

  static newId(): string {
    return `cred_${randomUUID().replace(/-/g, '')}`;
  }

  async read(credentialId: string | undefined): Promise<SecretValues> {
    if (!credentialId) return {};
    const raw = await this.vault.get(prefix + credentialId);
    if (!raw) return {};
    try {
      const value: unknown = JSON.parse(raw);
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      // An unreadable entry is treated as empty; the user is asked again.
    }
    return {};
  }

  async write(credentialId: string, secrets: SecretValues): Promise<void> {
    await this.vault.store(prefix + credentialId, JSON.stringify(secrets));
  }

  async delete(credentialId: string): Promise<void> {
    await this.vault.delete(prefix + credentialId);
  }
}
