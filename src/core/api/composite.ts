import { ConnectionError, errorMessage } from '../errors';
import { Emitter } from '../events';
import { signedOutCode } from './signedOut';
import type {
  ApiDisposable,
  CatalogsResponse,
  CloudSchemaQuery,
  CloudSchemaResponse,
  ObjectContent,
  ColumnsQuery,
  ColumnsResponse,
  Connection,
  ConnectionLink,
  ConnectionScope,
  ConnectionsApi,
  CreateConnectionRequest,
  DeleteConnectionResponse,
  FilesQuery,
  FilesResponse,
  ListConnectionsQuery,
  ListConnectionsResponse,
  PreviewQuery,
  RequestOptions,
  ResultSink,
  SchemasQuery,
  SchemasResponse,
  StreamStats,
  TablesQuery,
  TablesResponse,
  TestConnectionRequest,
  TestConnectionResponse,
  TestQueryRequest,
  UpdateConnectionRequest,
} from './types';

/** One back end and where its connections come from. */
export interface ConnectionSource {
  scope: ConnectionScope;
  api: ConnectionsApi;
}

/**
 * Several sources as one API: this machine's store, the workspace file and (with a sign-in) the hosted
 * workspace. Lists merge, each connection keeping its source's scope; calls about one connection go to
 * the source that holds it; new connections go to the first source. A source that cannot be listed does
 * not hide the others: the list names it in `meta.unavailable`.
 */
export class CompositeConnectionsApi implements ConnectionsApi {
  /** Which source holds each connection id, as of the last listing. */
  private readonly owners = new Map<string, ConnectionSource>();
  private readonly sources: ConnectionSource[];
  private readonly changed = new Emitter();
  private readonly subscriptions = new Map<ConnectionSource, ApiDisposable>();
  /** Links of this machine's connections to the workspace, as of the last listing. */
  private links = new Map<string, ConnectionLink & { name: string }>();

  constructor(sources: readonly ConnectionSource[]) {
    if (sources.length === 0) throw new Error('A composite API needs at least one source.');
    this.sources = [...sources];
    for (const source of this.sources) this.subscribe(source);
  }

  /**
   * Adds, replaces or removes the source of a scope (the hosted workspace when the user signs in or
   * out). The first source, where new connections go, is never removed this way.
   */
  setSource(scope: ConnectionScope, api: ConnectionsApi | undefined): void {
    const index = this.sources.findIndex((s) => s.scope === scope);
    if (index === 0) throw new Error('The first source cannot be replaced.');
    if (index >= 0) {
      const old = this.sources[index];
      this.subscriptions.get(old)?.dispose();
      this.subscriptions.delete(old);
      for (const [id, owner] of [...this.owners]) if (owner === old) this.owners.delete(id);
      this.sources.splice(index, 1);
    }
    if (api) {
      const source = { scope, api };
      this.sources.push(source);
      this.subscribe(source);
    }
    this.changed.fire();
  }

  private subscribe(source: ConnectionSource): void {
    this.subscriptions.set(
      source,
      source.api.onDidChange(() => this.changed.fire()),
    );
  }

  async listConnections(query: ListConnectionsQuery = {}): Promise<ListConnectionsResponse> {
    const results = await Promise.allSettled(this.sources.map((s) => s.api.listConnections(query)));
    const data: Connection[] = [];
    const unavailable: NonNullable<ListConnectionsResponse['meta']['unavailable']> = [];
    results.forEach((result, i) => {
      const source = this.sources[i];
      if (result.status === 'rejected') {
        const reason: unknown = result.reason;
        const signedOut = ConnectionError.is(reason) && reason.details?.serverCode === signedOutCode;
        unavailable.push({
          scope: source.scope,
          code: ConnectionError.is(reason) ? reason.code : 'internal',
          message: errorMessage(reason),
          ...(signedOut ? { signedOut } : {}),
        });
        return;
      }
      for (const c of result.value.data) {
        this.owners.set(c.id, source);
        data.push({ ...c, scope: source.scope });
      }
    });
    // A connection on this machine linked to one in the workspace stands for both: the pair shows once.
    this.links = new Map(data.filter((c) => c.link).map((c) => [c.id, { ...c.link!, name: c.name }]));
    const twins = new Set(
      data.flatMap((c) => (c.link && c.scope !== 'hosted' ? [`${c.link.workspace}\n${c.link.remoteId}`] : [])),
    );
    const shown = data.filter((c) => c.scope !== 'hosted' || !twins.has(`${this.hostedWorkspace()}\n${c.id}`));
    data.length = 0;
    data.push(...shown);
    if (unavailable.length === this.sources.length) {
      const first = results[0] as PromiseRejectedResult;
      throw first.reason;
    }
    data.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    return { data, meta: { total: data.length, ...(unavailable.length > 0 ? { unavailable } : {}) } };
  }

  async getConnection(id: string): Promise<Connection> {
    const source = await this.ownerOf(id);
    return { ...(await source.api.getConnection(id)), scope: source.scope };
  }

  async createConnection(request: CreateConnectionRequest): Promise<Connection> {
    await this.assertNameFree(request.name, undefined);
    const target = this.sources[0];
    const created = await target.api.createConnection(request);
    this.owners.set(created.id, target);
    return { ...created, scope: target.scope };
  }

  async updateConnection(id: string, request: UpdateConnectionRequest): Promise<Connection> {
    if (request.name !== undefined) await this.assertNameFree(request.name, id);
    const source = await this.ownerOf(id);
    return { ...(await source.api.updateConnection(id, request)), scope: source.scope };
  }

  async deleteConnection(id: string): Promise<DeleteConnectionResponse> {
    const result = await (await this.ownerOf(id)).api.deleteConnection(id);
    this.owners.delete(id);
    return result;
  }

  async testConnection(request: TestConnectionRequest, options?: RequestOptions): Promise<TestConnectionResponse> {
    // A saved connection's test goes to the back end that holds it (its credential lives there).
    if (!request.connectionId) return this.sources[0].api.testConnection(request, options);
    // With a credential of its own (typed in the form, or saved here), a connection is tested where it is kept.
    if (request.credentialId) return (await this.ownerOf(request.connectionId)).api.testConnection(request, options);
    const route = await this.route(request.connectionId);
    if (route.id === request.connectionId) return route.api.testConnection(request, options);
    // A copy browsed through the workspace is tested there, with the workspace's credential.
    const remote = await route.api.getConnection(route.id);
    return route.api.testConnection({ ...request, connectionId: route.id, credentialId: remote.credentialId }, options);
  }

  listCatalogs(id: string, options?: RequestOptions): Promise<CatalogsResponse> {
    return this.via(id, (api, routed) => api.listCatalogs(routed, options));
  }

  listSchemas(id: string, query?: SchemasQuery, options?: RequestOptions): Promise<SchemasResponse> {
    return this.via(id, (api, routed) => api.listSchemas(routed, query, options));
  }

  listTables(id: string, query?: TablesQuery, options?: RequestOptions): Promise<TablesResponse> {
    return this.via(id, (api, routed) => api.listTables(routed, query, options));
  }

  listColumns(id: string, query: ColumnsQuery, options?: RequestOptions): Promise<ColumnsResponse> {
    return this.via(id, (api, routed) => api.listColumns(routed, query, options));
  }

  previewStream(id: string, query: PreviewQuery, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    return this.via(id, (api, routed) => api.previewStream(routed, query, sink, options));
  }

  listFiles(id: string, query?: FilesQuery, options?: RequestOptions): Promise<FilesResponse> {
    return this.via(id, (api, routed) => api.listFiles(routed, query, options));
  }

  cloudSchema(id: string, query: CloudSchemaQuery, options?: RequestOptions): Promise<CloudSchemaResponse> {
    return this.via(id, (api, routed) => api.cloudSchema(routed, query, options));
  }

  async readObject(
    id: string,
    query: CloudSchemaQuery & { maxBytes: number },
    options?: RequestOptions,
  ): Promise<ObjectContent> {
    const r = await this.route(id);
    if (!r.api.readObject)
      throw new ConnectionError(
        'unsupported',
        'Files of a workspace connection cannot be opened here; preview them instead.',
      );
    return r.api.readObject(r.id, query, options);
  }

  async testQueryStream(request: TestQueryRequest, sink: ResultSink, options?: RequestOptions): Promise<StreamStats> {
    const r = await this.route(request.connectionId);
    return r.api.testQueryStream({ ...request, connectionId: r.id }, sink, options);
  }

  async keepsSecretsInline(id?: string): Promise<boolean> {
    const api = id ? (await this.ownerOf(id)).api : this.sources[0].api;
    return (await api.keepsSecretsInline?.(id)) ?? false;
  }

  async targetChanges(id: string): Promise<{ key: string; from: string; to: string }[]> {
    const api = (await this.ownerOf(id)).api;
    return api.targetChanges ? api.targetChanges(id) : [];
  }

  async confirmTarget(id: string): Promise<void> {
    const api = (await this.ownerOf(id)).api;
    await api.confirmTarget?.(id);
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.changed.event(listener);
  }

  async dispose(): Promise<void> {
    for (const d of this.subscriptions.values()) d.dispose();
    this.changed.clear();
    await Promise.all(this.sources.map((s) => s.api.dispose()));
  }

  /** The workspace the hosted source talks to, if one is signed in. */
  private hostedWorkspace(): string | undefined {
    return this.sources.find((s) => s.scope === 'hosted')?.api.workspaceId;
  }

  /** A browsing or running call, sent once to where the connection is browsed (route). */
  private async via<T>(id: string, call: (api: ConnectionsApi, routed: string) => Promise<T>): Promise<T> {
    const r = await this.route(id);
    return call(r.api, r.id);
  }

  /**
   * Where a connection is browsed: its own source, or, for a copy on this machine browsed through the
   * workspace (its secret stays there), the workspace with the linked id.
   */
  private async route(id: string): Promise<{ api: ConnectionsApi; id: string }> {
    const source = await this.ownerOf(id);
    const link = this.links.get(id);
    if (!link || link.via !== 'hosted') return { api: source.api, id };
    const hosted = this.sources.find((s) => s.scope === 'hosted' && s.api.workspaceId === link.workspace);
    if (!hosted) {
      throw new ConnectionError(
        'auth_failed',
        `"${link.name}" is browsed through your Planasonix workspace, which keeps its password. Sign in to Planasonix, or edit the connection and type a password to connect from this machine.`,
      );
    }
    return { api: hosted.api, id: link.remoteId };
  }

  /** The source holding a connection: known from the last listing, or found by listing again. */
  private async ownerOf(id: string): Promise<ConnectionSource> {
    const known = this.owners.get(id);
    if (known) return known;
    const { meta } = await this.listConnections();
    const found = this.owners.get(id);
    if (found) return found;
    if (meta.unavailable?.length) {
      const names = meta.unavailable.map((u) => `${u.scope}: ${u.message}`).join('; ');
      throw new ConnectionError(
        'unreachable',
        `Connection "${id}" was not found, and not every source could be asked (${names}).`,
      );
    }
    throw new ConnectionError('not_found', `No connection with id "${id}".`);
  }

  /** Names are unique across sources, without regard to case, so that a pick list never shows two alike. */
  private async assertNameFree(name: string, exceptId: string | undefined): Promise<void> {
    const wanted = name.trim().toLowerCase();
    const { data } = await this.listConnections();
    const clash = data.find((c) => c.id !== exceptId && c.name.toLowerCase() === wanted);
    if (clash) {
      const where =
        clash.scope === 'workspace'
          ? ' in the workspace file'
          : clash.scope === 'hosted'
            ? ' in your Planasonix workspace'
            : '';
      throw new ConnectionError(
        'name_taken',
        `A connection named "${clash.name}" already exists${where}; choose another name.`,
        { field: 'name' },
      );
    }
  }
}
