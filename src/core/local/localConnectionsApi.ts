import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  ApiDisposable,
  Connection,
  ConnectionScope,
  ConnectionsApi,
  CreateConnectionRequest,
  DeleteConnectionResponse,
  ListConnectionsQuery,
  ListConnectionsResponse,
  RequestOptions,
  SecretValues,
  TestConnectionRequest,
  TestConnectionResponse,
  UpdateConnectionRequest,
} from '../api/types';
import type { ConnectorRegistry } from '../connectors/registry';
import type { ConnectorSession } from '../connectors/types';
import { normalizeConfig } from '../connectors/validation';
import { ConnectionError, errorMessage, redact } from '../errors';
import type { ConnectionStore, StoredConnection } from './connectionStore';
import { assertNameFreeIn, checkName, toConnection } from './connectionRecords';
import { Emitter } from '../events';
import { StoreRecords } from './records';
import {
  CredentialStore,
  normalizedTarget,
  secretsForTest,
  type CredentialTarget,
  type TargetChange,
} from './credentials';

export type { LocalApiDeps } from './localSessions';

export { maxRowLimit, type QueryLimits } from './limits';

import { LocalSessions, type LocalApiDeps } from './localSessions';

/**
 * The Connections API served from this machine for one source of records (the store, or a workspace
 * file): drivers run here, secrets stay in the vault.
 */
export class LocalConnectionsApi extends LocalSessions implements ConnectionsApi {
  private readonly credentials: CredentialStore;
  private readonly changed = new Emitter();
  private readonly subscription: ApiDisposable;
  /** Each record as last seen, to close the sessions of those that changed or went away. */
  private seen = new Map<string, string>();

  constructor(deps: LocalApiDeps) {
    super(deps);
    this.credentials = new CredentialStore(deps.vault);
    this.seen = this.snapshot();
    this.subscription = deps.records.onDidChange(() => {
      // A record pointed somewhere else (a workspace file changed by a commit): no session keeps
      // talking to the old target, and the next one checks the new target against the saved secrets.
      const now = this.snapshot();
      for (const [id, key] of this.seen) if (now.get(id) !== key) void this.sessions.invalidate(id);
      this.seen = now;
      this.changed.fire();
    });
  }

  get registry(): ConnectorRegistry {
    return this.deps.registry;
  }

  /** Where this API's connections come from. */
  get scope(): ConnectionScope {
    return this.deps.records.scope;
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.changed.event(listener);
  }

  async listConnections(query: ListConnectionsQuery = {}): Promise<ListConnectionsResponse> {
    const search = query.search?.toLowerCase();
    const data = this.all()
      .filter((c) => !query.type || c.type === query.type)
      .filter((c) => !search || c.name.toLowerCase().includes(search))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    return { data, meta: { total: data.length } };
  }

  async getConnection(id: string): Promise<Connection> {
    const found = this.all().find((c) => c.id === id);
    if (!found) throw new ConnectionError('not_found', `No connection with id "${id}".`);
    return found;
  }

  async createConnection(request: CreateConnectionRequest): Promise<Connection> {
    this.store('add connections');
    const spec = this.deps.registry.spec(request.type);
    const name = checkName(request.name);
    const config = normalizeConfig(spec, request.config ?? {});
    this.assertNameFree(name, undefined);
    const credentialId = request.credentialId;
    const now = this.deps.clock.now().toISOString();
    const record: StoredConnection = {
      id: `conn_${randomUUID().replace(/-/g, '')}`,
      name,
      type: spec.type,
      config,
      ...(credentialId ? { credentialId } : {}),
      createdAt: now,
      updatedAt: now,
      ...(request.link ? { link: { ...request.link, localUpdatedAt: now } } : {}),
    };
    await this.store('add connections').mutate((records) => {
      assertNameFreeIn(records, name, undefined);
      records.push(record);
    });
    // The user saved this target with the credential: its secrets may go there.
    if (credentialId) await this.credentials.bind(credentialId, { type: spec.type, config });
    this.deps.logger.info(`Created connection "${name}" (${record.id}, ${spec.type}).`);
    return toConnection(record);
  }

  async updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection> {
    const current = await this.getConnection(id);
    const spec = this.deps.registry.spec(current.type);
    if (current.scope === 'workspace') {
      if (
        request.name !== undefined ||
        request.config !== undefined ||
        (request.credentialId !== undefined && request.credentialId !== current.credentialId)
      ) {
        throw new ConnectionError(
          'read_only',
          `"${current.name}" is defined in the workspace file; edit that file to change it.`,
        );
      }
      return current;
    }
    const name = request.name === undefined ? current.name : checkName(request.name);
    const config = request.config === undefined ? current.config : normalizeConfig(spec, request.config);
    if (name !== current.name) this.assertNameFree(name, id);
    const credentialId = request.credentialId ?? current.credentialId;
    let updated: StoredConnection | undefined;
    await this.store('edit connections').mutate((records) => {
      const index = records.findIndex((r) => r.id === id);
      if (index < 0) throw new ConnectionError('not_found', `No connection with id "${id}".`);
      assertNameFreeIn(records, name, id);
      const link = records[index].link;
      updated = {
        ...records[index],
        name,
        config,
        ...(credentialId ? { credentialId } : {}),
        updatedAt: this.deps.clock.now().toISOString(),
        // A secret saved here for a copy browsed through the workspace: from now on this machine connects itself.
        ...(link && request.credentialId !== undefined ? { link: { ...link, via: 'direct' as const } } : {}),
      };
      records[index] = updated;
    });
    // The user saved this target with the connection: its secrets may go there.
    if (credentialId) await this.credentials.bind(credentialId, { type: current.type, config });
    await this.sessions.invalidate(id);
    this.deps.logger.info(`Updated connection "${name}" (${id}).`);
    return toConnection(updated!);
  }

  async deleteConnection(id: string): Promise<DeleteConnectionResponse> {
    const current = await this.getConnection(id);
    if (current.scope === 'workspace') {
      throw new ConnectionError(
        'read_only',
        `"${current.name}" is defined in the workspace file; remove it from that file.`,
      );
    }
    let stillShared = false;
    await this.store('delete connections').mutate((records) => {
      const index = records.findIndex((r) => r.id === id);
      if (index < 0) throw new ConnectionError('not_found', `No connection with id "${id}".`);
      records.splice(index, 1);
      stillShared = records.some((r) => r.credentialId !== undefined && r.credentialId === current.credentialId);
    });
    if (current.credentialId && !stillShared) await this.credentials.delete(current.credentialId);
    await this.sessions.invalidate(id);
    this.deps.logger.info(`Deleted connection "${current.name}" (${id}).`);
    return { ok: true, id, deletedAt: this.deps.clock.now().toISOString() };
  }

  async testConnection(request: TestConnectionRequest, options: RequestOptions = {}): Promise<TestConnectionResponse> {
    const spec = this.deps.registry.spec(request.type);
    const config = normalizeConfig(spec, request.config ?? {});
    const started = performance.now();
    let session: ConnectorSession | undefined;
    let secrets: SecretValues = {};
    try {
      const owner = request.connectionId ? this.all().find((c) => c.id === request.connectionId) : undefined;
      secrets = await secretsForTest(this.credentials, request, { type: spec.type, config }, owner);
      session = (await this.deps.registry.driver(spec.type)).openSession({ config, secrets, logger: this.deps.logger });
      const result = await session.test(options.signal);
      return { ...result, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      const typed = ConnectionError.is(error) ? error : new ConnectionError('internal', errorMessage(error));
      const message = redact(typed.message, Object.values(secrets));
      this.deps.logger.warn(`Test of a ${spec.label} connection failed (${typed.code}): ${message}`);
      return { ok: false, latencyMs, message, errorCode: typed.code };
    } finally {
      await session?.close().catch(() => undefined);
    }
  }

  /** Where a connection's secrets go, with the connector's defaults filled in as every test and session fills them. */
  private targetOf(connection: Connection): CredentialTarget {
    return normalizedTarget(this.deps.registry.spec(connection.type), connection);
  }

  /** What changed in the connection's target since its secrets were saved; empty when nothing did. */
  async targetChanges(id: string): Promise<TargetChange[]> {
    const connection = await this.getConnection(id);
    return this.credentials.changes(connection.credentialId, this.targetOf(connection), connection.scope);
  }

  /** The user confirmed the connection's new target: its saved secrets may be sent there. */
  async confirmTarget(id: string): Promise<void> {
    const connection = await this.getConnection(id);
    if (connection.credentialId) await this.credentials.bind(connection.credentialId, this.targetOf(connection));
    await this.sessions.invalidate(id);
    this.changed.fire();
    this.deps.logger.info(`Confirmed the new target of "${connection.name}" (${id}).`);
  }

  /** Closes every open session; the extension calls it on deactivate. */
  dispose(): Promise<void> {
    this.subscription.dispose();
    this.changed.clear();
    return this.sessions.closeAll();
  }

  private all(): readonly Connection[] {
    return this.deps.records.list();
  }

  /** The store, for a source that may be written; a workspace file's connections are changed in the file. */
  private store(what: string): ConnectionStore {
    const records = this.deps.records;
    if (records instanceof StoreRecords) return records.store;
    throw new ConnectionError(
      'read_only',
      `Connections from the workspace file cannot be changed here; ${what} by editing .vscode/planasonix-connections.json.`,
    );
  }

  private snapshot(): Map<string, string> {
    return new Map(this.all().map((c) => [c.id, JSON.stringify([c.type, c.config, c.credentialId ?? null])]));
  }

  protected async openSession(id: string): Promise<ConnectorSession> {
    const connection = await this.getConnection(id);
    const driver = await this.deps.registry.driver(connection.type);
    const secrets = await this.credentials.secretsFor(connection.credentialId, this.targetOf(connection), connection);
    return driver.openSession({ config: connection.config, secrets, logger: this.deps.logger });
  }

  private assertNameFree(name: string, exceptId: string | undefined): void {
    const clash = this.all().find((c) => c.id !== exceptId && c.name.toLowerCase() === name.toLowerCase());
    if (clash) {
      const where = clash.scope === 'workspace' ? ' in the workspace file' : '';
      throw new ConnectionError(
        'name_taken',
        `A connection named "${clash.name}" already exists${where}; choose another name.`,
        {
          field: 'name',
        },
      );
    }
  }
}
