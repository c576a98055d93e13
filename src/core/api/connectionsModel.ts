import { ConnectionError, errorMessage } from '../errors';
import { Emitter } from '../events';
import type { ApiDisposable, Connection, ConnectionsApi, ListConnectionsResponse } from './types';

/** What is known about one connection id. */
export type Lookup =
  | { state: 'found'; connection: Connection; /** From a list that could not be refreshed since. */ stale: boolean }
  | { state: 'not_found' }
  | { state: 'unreachable'; message: string };

/**
 * The connections as last listed: the only thing host code reads about them. It is listed again when
 * the back end says something changed (and on refresh()), never per CodeLens or status-bar update. It
 * tells "deleted" apart from "could not ask": a connection missing while a source could not be listed
 * is unreachable, not gone, so a transient failure never closes a panel or forgets a binding.
 */
export class ConnectionsModel {
  private connections = new Map<string, Connection>();
  private loaded = false;
  /** Why the last listing was incomplete: the whole list failed, or some sources did. */
  private problem: string | undefined;
  private unavailable: NonNullable<ListConnectionsResponse['meta']['unavailable']> = [];
  /** Connections shown from an earlier listing because their source could not be listed now. */
  private staleIds = new Set<string>();
  private pending: Promise<void> | undefined;
  /** What the last announced listing held. */
  private signature: string | undefined;
  private again = false;
  private readonly changed = new Emitter();
  private readonly subscription: ApiDisposable;
  readonly ready: Promise<void>;

  constructor(private readonly api: ConnectionsApi) {
    this.subscription = api.onDidChange(() => void this.refresh());
    this.ready = this.refresh();
  }

  /** Lists again; concurrent calls share one listing, and a change during it lists once more. */
  refresh(): Promise<void> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        try {
          const { data, meta } = await this.api.listConnections();
          const unavailable = meta.unavailable ?? [];
          // A source that could not be listed keeps its last known connections, marked stale.
          const down = new Set(unavailable.filter((u) => !u.signedOut).map((u) => u.scope));
          const listed = new Set(data.map((c) => c.id));
          const kept = [...this.connections.values()].filter(
            (c) => c.scope !== undefined && down.has(c.scope) && !listed.has(c.id),
          );
          this.connections = new Map([...data, ...kept].map((c) => [c.id, c]));
          this.staleIds = new Set(kept.map((c) => c.id));
          this.unavailable = unavailable;
          this.problem =
            this.unavailable.length > 0
              ? this.unavailable.map((u) => `${u.scope}: ${u.message}`).join('; ')
              : undefined;
        } catch (error) {
          // Keep what was known; say it may be out of date.
          this.problem = errorMessage(error);
          this.staleIds = new Set(this.connections.keys());
        }
        this.loaded = true;
      } while (this.again);
    };
    this.pending = run().finally(() => {
      this.pending = undefined;
      // Views follow only a listing that differs from the last (a poll that found nothing redraws nothing).
      const signature = JSON.stringify([
        [...this.connections.values()],
        [...this.staleIds],
        this.problem ?? null,
        this.unavailable,
      ]);
      if (signature === this.signature) return;
      this.signature = signature;
      this.changed.fire();
    });
    return this.pending;
  }

  list(): Connection[] {
    return [...this.connections.values()];
  }

  /** Sources that could not be listed the last time (each with its reason). */
  get unavailableSources(): NonNullable<ListConnectionsResponse['meta']['unavailable']> {
    return this.unavailable;
  }

  /** Whether a connection is shown as last listed, its source being unreachable now. */
  isStale(id: string): boolean {
    return this.staleIds.has(id);
  }

  /** The connection if it is known now, without asking the back end. */
  get(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  /** What is known about a connection, once the first listing is done; never asks the back end itself. */
  async lookup(id: string): Promise<Lookup> {
    if (!this.loaded) await this.ready;
    return this.peek(id);
  }

  /** lookup() without waiting (before the first listing, nothing is found and nothing is gone). */
  peek(id: string): Lookup {
    const connection = this.connections.get(id);
    if (connection) return { state: 'found', connection, stale: this.staleIds.has(id) };
    if (!this.loaded || this.problem !== undefined)
      return { state: 'unreachable', message: this.problem ?? 'The connections are still loading.' };
    return { state: 'not_found' };
  }

  /** The connection, or an error that says whether it is gone or could not be reached. */
  async require(id: string): Promise<Connection> {
    const found = await this.lookup(id);
    if (found.state === 'found') return found.connection;
    if (found.state === 'not_found') throw new ConnectionError('not_found', 'The connection no longer exists.');
    throw new ConnectionError('unreachable', `The connection could not be read: ${found.message}`);
  }

  /**
   * The connection with its settings: as listed where the listing carried them, otherwise read from its
   * back end (a hosted list is only a summary, and its empty settings must never reach a form or a test).
   */
  async details(id: string): Promise<Connection> {
    const listed = await this.require(id);
    if (!listed.summary) return listed;
    const read = await this.api.getConnection(id);
    return { ...read, scope: listed.scope ?? read.scope };
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.changed.event(listener);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.clear();
  }
}
