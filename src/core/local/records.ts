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
