import type { ApiDisposable, Connection, ConnectionScope } from '../api/types';
import type { ConnectionStore } from './connectionStore';
import { toConnection } from './connectionRecords';

/**
 * Where a local API's connection records come from: the store on this machine (which it may write) or
 * a workspace file (which it only reads). Each source gets its own API; a composite merges them.
 */
export interface ConnectionRecords {
  readonly scope: ConnectionScope;
  list(): readonly Connection[];
  onDidChange(listener: () => void): ApiDisposable;
}

/** The records saved on this machine. */
export class StoreRecords implements ConnectionRecords {
  readonly scope = 'user';
  constructor(readonly store: ConnectionStore) {}

  list(): readonly Connection[] {
    return this.store.list().map(toConnection);
  }

  onDidChange(listener: () => void): ApiDisposable {
    return this.store.onDidChange(listener);
  }
}

/** Records held in memory and replaced whole (the workspace file as last read; tests). */
export class MemoryRecords implements ConnectionRecords {
  private connections: readonly Connection[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly scope: ConnectionScope,
    initial: readonly Connection[] = [],
  ) {
    this.connections = initial.map((c) => ({ ...c, scope }));
  }

  list(): readonly Connection[] {
    return this.connections;
  }

  set(connections: readonly Connection[]): void {
    this.connections = connections.map((c) => ({ ...c, scope: this.scope }));
    for (const listener of [...this.listeners]) listener();
  }

  onDidChange(listener: () => void): ApiDisposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
