import { createHash } from 'node:crypto';
import type { CreateCredentialRequest, Credential, CredentialsApi, DeleteCredentialResponse } from '../api/credentials';
import type {
  Connection,
  ConnectionConfig,
  ConnectionLink,
  ConnectionsApi,
  CreateConnectionRequest,
  DeleteConnectionResponse,
  ListConnectionsQuery,
  ListConnectionsResponse,
  UpdateConnectionRequest,
  WriteOptions,
} from '../api/types';
import type { ConnectorRegistry } from '../connectors/registry';
import { normalizeConfig } from '../connectors/validation';
import { ConnectionError } from '../errors';
import type { Clock, Logger, SecretVault } from '../ports';
import type { ConnectionStore, StoredConnection } from '../local/connectionStore';
import { checkName } from '../local/connectionRecords';
import type { SyncJournal } from './journal';

/** The hosted workspace's connections, as sync uses them (HostedConnectionsApi). */
export interface RemoteConnections {
  readonly workspaceId: string;
  listConnections(query?: ListConnectionsQuery): Promise<ListConnectionsResponse>;
  getConnection(id: string): Promise<Connection>;
  /** Whether the workspace keeps secrets inline in its connections (no credential link): publish sends them there. */
  keepsSecretsInline?(): Promise<boolean>;
  createConnection(request: CreateConnectionRequest, options?: WriteOptions): Promise<Connection>;
  updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection>;
  deleteConnection(id: string): Promise<DeleteConnectionResponse>;
}

/** The hosted workspace's credentials, as sync uses them (HostedCredentialsApi). */
export interface RemoteCredentials {
  listCredentials(): Promise<{ data: Credential[] }>;
  createCredential(request: CreateCredentialRequest, options?: WriteOptions): Promise<Credential>;
  deleteCredential(id: string): Promise<DeleteCredentialResponse>;
}

export interface SyncDeps {
  store: ConnectionStore;
  /** This machine's connections API over the store: copies are created and deleted through it. */
  local: ConnectionsApi;
  /** This machine's credentials (secret storage). */
  localCredentials: CredentialsApi;
  vault: SecretVault;
  registry: ConnectorRegistry;
  journal: SyncJournal;
  clock: Clock;
  logger: Logger;
}

/** A connection's content as sync compares it. */
export interface Version {
  name: string;
  type: string;
  config: ConnectionConfig;
  /** updatedAt, or a hash of the content where the server sends no updatedAt. */
  version: string;
}

/**
 * Both sides of the links with one workspace as sync reads and writes them: this machine's records
 * (with their links) and the workspace's connections, cleaned to what this machine keeps.
 */
export class SyncSides {
  constructor(
    readonly deps: SyncDeps,
    readonly remote: RemoteConnections,
    readonly remoteCredentials: RemoteCredentials,
  ) {}

  get workspace(): string {
    return this.remote.workspaceId;
  }

  /** The workspace's version becomes this machine's; the link records that both agree. */
  async applyHere(record: StoredConnection, remote: Version, link: ConnectionLink): Promise<void> {
    if (remote.type !== record.type) {
      throw new ConnectionError(
        'conflict',
        `The workspace changed "${record.name}" from ${record.type} to ${remote.type}; unlink this copy and copy the workspace's connection again.`,
      );
    }
    const name = checkName(remote.name);
    // What the workspace sent replaces this machine's; settings it does not keep stay as they are here.
    const config = normalizeConfig(this.deps.registry.spec(record.type), { ...record.config, ...remote.config });
    const now = this.now();
    await this.deps.store.mutate((records) => {
      const index = this.current(records, record);
      const clash = records.find((r) => r.id !== record.id && r.name.toLowerCase() === name.toLowerCase());
      if (clash)
        throw new ConnectionError(
          'name_taken',
          `The workspace renamed "${record.name}" to "${name}", a name already used on this machine; rename one of them.`,
        );
      records[index] = {
        ...records[index],
        name,
        config,
        updatedAt: now,
        link: { ...link, localUpdatedAt: now, remoteUpdatedAt: remote.version, syncedAt: now, waiting: undefined },
      };
    });
  }

  /** Changes only the link (the connection's own updatedAt stays); `strict` skips a record edited meanwhile. */
  async writeLink(record: StoredConnection, link: ConnectionLink | undefined, strict = true): Promise<void> {
    await this.deps.store.mutate((records) => {
      const index = strict ? this.current(records, record) : records.findIndex((r) => r.id === record.id);
      if (index < 0) throw new ConnectionError('not_found', `"${record.name}" is no longer on this machine.`);
      const next: StoredConnection = { ...records[index] };
      delete next.link;
      records[index] = link ? { ...next, link: withoutUndefined(link) } : next;
    });
  }

  /** The record's index, if it is as sync last read it (an edit since then is synced next time). */
  private current(records: StoredConnection[], record: StoredConnection): number {
    const index = records.findIndex((r) => r.id === record.id);
    if (index < 0) throw new ConnectionError('not_found', `"${record.name}" is no longer on this machine.`);
    if (records[index].updatedAt !== record.updatedAt)
      throw new ConnectionError('conflict', `"${record.name}" was changed here meanwhile; sync again.`);
    return index;
  }

  checkMerged(
    record: StoredConnection,
    merged: { name: string; config: ConnectionConfig },
  ): { name: string; config: ConnectionConfig } {
    const spec = this.deps.registry.spec(record.type);
    return { name: checkName(merged.name), config: normalizeConfig(spec, merged.config) };
  }

  /**
   * A workspace connection as this machine keeps it: only the settings its connector knows, never a
   * secret. Never a listed summary: its empty settings would read as every setting removed.
   */
  clean(c: Connection): Version {
    if (c.summary)
      throw new ConnectionError(
        'internal',
        `"${c.name}" was compared before its settings were read from the workspace.`,
      );
    const spec = this.deps.registry.find(c.type);
    const known = spec ? new Set(spec.fields.filter((f) => !f.secret).map((f) => f.name)) : undefined;
    const config = Object.fromEntries(Object.entries(c.config).filter(([k]) => known?.has(k) ?? false));
    // Checked and typed as this machine keeps them ("5432" is 5432), but only what the workspace sent:
    // a connector default here is not a setting there, and a setting it does not keep is not a change.
    const normalized = spec ? normalizeConfig(spec, config) : config;
    const sent = Object.fromEntries(Object.entries(normalized).filter(([k]) => k in config));
    return { name: c.name, type: c.type, config: sent, version: c.updatedAt ?? contentHash(c.name, c.type, sent) };
  }

  localVersion(record: StoredConnection): Version {
    return { name: record.name, type: record.type, config: record.config, version: record.updatedAt };
  }

  credentialType(type: string): CreateCredentialRequest['type'] {
    return this.deps.registry.find(type)?.credentialType ?? 'database';
  }

  record(localId: string): StoredConnection {
    const record = this.deps.store.list().find((r) => r.id === localId);
    if (!record) throw new ConnectionError('not_found', `No connection with id "${localId}" on this machine.`);
    return record;
  }

  linkOf(record: StoredConnection): ConnectionLink {
    if (!record.link || record.link.workspace !== this.workspace) {
      throw new ConnectionError(
        'not_found',
        `"${record.name}" is not linked to a connection in this Planasonix workspace.`,
      );
    }
    return record.link;
  }

  linkedRecords(): StoredConnection[] {
    return this.deps.store.list().filter((r) => r.link?.workspace === this.workspace);
  }

  now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function contentHash(name: string, type: string, config: ConnectionConfig): string {
  const keys = Object.keys(config).sort();
  return `sha256:${createHash('sha256')
    .update(JSON.stringify([name, type, keys.map((k) => [k, config[k]])]))
    .digest('hex')
    .slice(0, 16)}`;
}

function withoutUndefined(link: ConnectionLink): ConnectionLink {
  return Object.fromEntries(Object.entries(link).filter(([, v]) => v !== undefined)) as unknown as ConnectionLink;
}
