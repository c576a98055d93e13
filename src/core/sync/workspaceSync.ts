import type { Connection, ConnectionConfig, ConnectionLink, SecretValues } from '../api/types';
import { saveConnection } from '../services/connectionSecrets';
import { ConnectionError, errorMessage, unlessNotFound } from '../errors';
import type { StoredConnection } from '../local/connectionStore';
import { checkName } from '../local/connectionRecords';
import { decide, type Side } from './decide';
import type { PublishOp } from './journal';
import { Publisher } from './publish';
import { SyncSides, type RemoteConnections, type RemoteCredentials, type SyncDeps, type Version } from './sides';

export type { RemoteConnections, RemoteCredentials, SyncDeps, Version } from './sides';

export interface SyncReport {
  pulled: { localId: string; name: string; targetChanged: boolean }[];
  pushed: { localId: string; name: string }[];
  /** Publishes interrupted earlier and finished now. */
  published: { localId: string; name: string }[];
  /** Links waiting for the user; `fresh` when this pass found it. */
  waiting: { localId: string; name: string; waiting: NonNullable<ConnectionLink['waiting']>; fresh: boolean }[];
  failed: { localId: string; name: string; message: string }[];
}

export type Resolution =
  { keep: 'local' } | { keep: 'workspace' } | { merged: { name: string; config: ConnectionConfig } };

/**
 * Moves connections between this machine and the hosted workspace and keeps linked pairs in step.
 * Nothing is overwritten silently: one side changed is applied to the other; both changed, or one
 * deleted, waits for the user. Publishing is journaled (credential, connection, link) and resumed with
 * the same idempotency keys and names, so an interruption at any request leaves nothing half-made.
 * Every operation runs one at a time.
 */
export class WorkspaceSync {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly sides: SyncSides;
  private readonly publisher: Publisher;
  private readonly deps: SyncDeps;
  private readonly remote: RemoteConnections;

  constructor(deps: SyncDeps, remote: RemoteConnections, remoteCredentials: RemoteCredentials) {
    this.sides = new SyncSides(deps, remote, remoteCredentials);
    this.publisher = new Publisher(this.sides);
    this.deps = deps;
    this.remote = remote;
  }

  get workspace(): string {
    return this.remote.workspaceId;
  }

  /** Publishes that were interrupted and are waiting to be finished. */
  pending(): PublishOp[] {
    return this.deps.journal.list(this.workspace);
  }

  /** What a publish would send: whether a secret goes with it (the confirmation says so). */
  publishPlan(localId: string): Promise<{ connection: StoredConnection; secretNames: string[] }> {
    return this.publisher.plan(localId);
  }

  /**
   * Publishes a connection of this machine: its secrets into a new workspace credential, then the
   * connection naming it; the local copy becomes linked. An interruption leaves a journal entry from
   * which the next attempt (or the next sync) finishes it.
   */
  publish(localId: string): Promise<Connection> {
    return this.serialized(() => this.publisher.publish(localId));
  }

  /** Undoes an interrupted publish: what it made in the workspace is deleted; the local copy stays as it was. */
  undoPublish(localId: string): Promise<void> {
    return this.serialized(() => this.publisher.undoPublish(localId));
  }

  /**
   * A local, linked copy of a workspace connection. Secrets are not returned by the API: with `secrets`
   * this machine connects itself; without, the copy is browsed through the workspace with its credential.
   */
  copyToMachine(remoteId: string, choice: { name?: string; secrets?: SecretValues }): Promise<Connection> {
    return this.serialized(async () => {
      const already = this.sides.linkedRecords().find((r) => r.link?.remoteId === remoteId);
      if (already) throw new ConnectionError('conflict', `It is already on this machine as "${already.name}".`);
      const remote = this.sides.clean(await this.remote.getConnection(remoteId));
      const name = checkName(choice.name ?? remote.name);
      const typed = Object.fromEntries(Object.entries(choice.secrets ?? {}).filter(([, v]) => v !== ''));
      const now = this.sides.now();
      const link: ConnectionLink = {
        workspace: this.workspace,
        remoteId,
        localUpdatedAt: now,
        remoteUpdatedAt: remote.version,
        syncedAt: now,
        via: Object.keys(typed).length > 0 ? 'direct' : 'hosted',
      };
      // Saved as the form saves a new connection: typed secrets into a credential here, removed again if the save fails.
      return saveConnection(
        { api: this.deps.local, credentials: this.deps.localCredentials },
        this.deps.registry.spec(remote.type),
        {
          name,
          type: remote.type,
          config: remote.config,
          secrets: typed,
          link,
        },
      );
    });
  }

  /** Both versions of a linked connection, for the user to compare. */
  async versions(localId: string): Promise<{ local: Version; remote: Version | undefined }> {
    const record = this.sides.record(localId);
    const link = this.sides.linkOf(record);
    const remote = await unlessNotFound(this.remote.getConnection(link.remoteId));
    return { local: this.sides.localVersion(record), remote: remote && this.sides.clean(remote) };
  }

  /**
   * Ends a conflict as the user chose: keep one side, or a merged version for both. `seen` is what the
   * user compared: a side that changed again meanwhile is not overwritten (compare again).
   */
  resolveConflict(localId: string, resolution: Resolution, seen: { local: string; remote: string }): Promise<void> {
    return this.serialized(async () => {
      const record = this.sides.record(localId);
      const link = this.sides.linkOf(record);
      const remote = this.sides.clean(await this.remote.getConnection(link.remoteId));
      if (remote.version !== seen.remote || record.updatedAt !== seen.local) {
        throw new ConnectionError(
          'conflict',
          `"${record.name}" changed again while you compared; compare the new versions.`,
        );
      }
      if ('keep' in resolution && resolution.keep === 'workspace') {
        await this.sides.applyHere(record, remote, link);
        return;
      }
      const chosen =
        'merged' in resolution
          ? this.sides.checkMerged(record, resolution.merged)
          : { name: record.name, config: record.config };
      const updated = this.sides.clean(await this.remote.updateConnection(link.remoteId, chosen));
      if ('merged' in resolution) await this.sides.applyHere(record, updated, link);
      else
        await this.sides.writeLink(record, {
          ...link,
          localUpdatedAt: record.updatedAt,
          remoteUpdatedAt: updated.version,
          syncedAt: this.sides.now(),
        });
    });
  }

  /** The workspace deleted a linked connection: delete the copy here too, or keep it unlinked. */
  resolveRemoteDeleted(localId: string, choice: 'deleteHere' | 'keepHere'): Promise<void> {
    return this.serialized(async () => {
      const record = this.sides.record(localId);
      if (choice === 'deleteHere') await this.deps.local.deleteConnection(localId);
      else await this.sides.writeLink(record, undefined);
    });
  }

  /** Deletes a linked connection here and, if asked, in the workspace first (a 409 there stops both). */
  deleteLinked(localId: string, inWorkspaceToo: boolean): Promise<void> {
    return this.serialized(async () => {
      const record = this.sides.record(localId);
      if (inWorkspaceToo && record.link) await unlessNotFound(this.remote.deleteConnection(record.link.remoteId));
      await this.deps.local.deleteConnection(localId);
    });
  }

  /** Forgets a link; both connections stay as they are. */
  unlink(localId: string): Promise<void> {
    return this.serialized(() => this.sides.writeLink(this.sides.record(localId), undefined));
  }

  /**
   * One pass over the links with this workspace: interrupted publishes are finished, one-sided changes
   * applied, and conflicts and deletions marked for the user. `listed` is a listing of the workspace
   * the caller already has (the poll's); otherwise it lists once.
   */
  syncAll(listed?: readonly Connection[]): Promise<SyncReport> {
    return this.serialized(async () => {
      const report: SyncReport = { pulled: [], pushed: [], published: [], waiting: [], failed: [] };
      for (const op of this.pending()) {
        try {
          await this.publisher.finishPublish(op, true);
          report.published.push({ localId: op.localId, name: op.name });
        } catch (error) {
          report.failed.push({ localId: op.localId, name: op.name, message: errorMessage(error) });
        }
      }
      const links = this.sides.linkedRecords();
      if (links.length === 0) return report;
      const remotes = new Map((listed ?? (await this.remote.listConnections()).data).map((c) => [c.id, c]));
      for (const record of links) {
        try {
          await this.syncOne(record, remotes.get(record.link!.remoteId), report);
        } catch (error) {
          report.failed.push({ localId: record.id, name: record.name, message: errorMessage(error) });
        }
      }
      return report;
    });
  }

  private async syncOne(record: StoredConnection, listed: Connection | undefined, report: SyncReport): Promise<void> {
    const link = this.sides.linkOf(record);
    const mine = this.sides.localVersion(record);
    // A listing carries no settings: where it cannot show that nothing changed, the connection is read.
    // Missing from the list: deleted only if asking for it says so.
    const unchanged =
      listed !== undefined &&
      listed.updatedAt !== undefined &&
      listed.updatedAt === link.remoteUpdatedAt &&
      mine.version === link.localUpdatedAt &&
      link.waiting === undefined;
    if (unchanged) return;
    const remote = listed && !listed.summary ? listed : await unlessNotFound(this.remote.getConnection(link.remoteId));
    const theirs = remote ? this.sides.clean(remote) : undefined;
    const side = (v: Version | undefined): Side =>
      v ? { name: v.name, type: v.type, config: v.config, updatedAt: v.version } : undefined;
    const action = decide(side(mine), side(theirs), link);
    const wait = async (waiting: NonNullable<ConnectionLink['waiting']>): Promise<void> => {
      const fresh = link.waiting !== waiting;
      if (fresh) await this.sides.writeLink(record, { ...link, waiting });
      report.waiting.push({ localId: record.id, name: record.name, waiting, fresh });
    };
    switch (action.kind) {
      case 'none':
        if (
          theirs &&
          (link.waiting || link.localUpdatedAt !== mine.version || link.remoteUpdatedAt !== theirs.version)
        ) {
          // The same change on both sides (or a conflict settled by hand): they agree again.
          await this.sides.writeLink(record, {
            ...link,
            localUpdatedAt: mine.version,
            remoteUpdatedAt: theirs.version,
            syncedAt: this.sides.now(),
            waiting: undefined,
          });
        }
        return;
      case 'pull':
        await this.sides.applyHere(record, theirs!, link);
        report.pulled.push({
          localId: record.id,
          name: theirs!.name,
          targetChanged: action.targetChanged && link.via === 'direct',
        });
        return;
      case 'push': {
        const updated = this.sides.clean(
          await this.remote.updateConnection(link.remoteId, { name: mine.name, config: mine.config }),
        );
        await this.sides.writeLink(record, {
          ...link,
          localUpdatedAt: mine.version,
          remoteUpdatedAt: updated.version,
          syncedAt: this.sides.now(),
          waiting: undefined,
        });
        report.pushed.push({ localId: record.id, name: record.name });
        return;
      }
      case 'conflict':
        return wait('conflict');
      case 'askDeleteLocal':
        return wait('remoteDeleted');
      case 'askDeleteRemote':
      case 'forget':
        return; // the record is here: neither can happen for a link kept in the record
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
