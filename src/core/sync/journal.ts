/**
 * Operations with the hosted workspace that take more than one request (publishing: a credential, then
 * the connection, then the link here) are written down before the first request and crossed out after
 * the last. One interrupted by a rate limit, a server error or a lost network is finished (or undone)
 * from this record the next time, with the same idempotency keys and names, so nothing is made twice.
 */

/** Where the journal is kept: VS Code's global state (a Memento) has this shape. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface PublishOp {
  kind: 'publish';
  /** Also the base of the idempotency keys and of the credential's name. */
  opId: string;
  workspace: string;
  localId: string;
  /** The connection's name and updatedAt when publishing started: what is published. */
  name: string;
  localUpdatedAt: string;
  /** The credential's name in the workspace (with the operation's tag); absent when there is no secret. */
  credentialName?: string;
  /** The workspace keeps secrets in the connection itself (no credential step): they go with its create. */
  inlineSecrets?: true;
  /** Filled in as the steps succeed. */
  credentialId?: string;
  remoteId?: string;
  startedAt: string;
  /** Why the last attempt stopped. */
  lastError?: string;
}

const key = 'planasonix.sync.journal';

export class SyncJournal {
  constructor(private readonly store: KeyValueStore) {}

  list(workspace?: string): PublishOp[] {
    const all = this.store.get<unknown>(key);
    const ops = Array.isArray(all) ? all.filter(isPublishOp) : [];
    return workspace === undefined ? ops : ops.filter((o) => o.workspace === workspace);
  }

  find(localId: string, workspace: string): PublishOp | undefined {
    return this.list(workspace).find((o) => o.localId === localId);
  }

  async put(op: PublishOp): Promise<void> {
    await this.store.update(key, [...this.list().filter((o) => o.opId !== op.opId), op]);
  }

  async remove(opId: string): Promise<void> {
    await this.store.update(
      key,
      this.list().filter((o) => o.opId !== opId),
    );
  }
}

function isPublishOp(value: unknown): value is PublishOp {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === 'publish' &&
    ['opId', 'workspace', 'localId', 'name', 'localUpdatedAt', 'startedAt'].every((k) => typeof v[k] === 'string')
  );
}
