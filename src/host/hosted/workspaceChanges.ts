import * as vscode from 'vscode';
import type { HostedConnectionsApi } from '../../core/hosted/hostedConnectionsApi';
import type { SyncReport, WorkspaceSync } from '../../core/sync/workspaceSync';

/** The signed-in workspace's client and sync, while there is one. */
export interface Attached {
  api: HostedConnectionsApi;
  sync: WorkspaceSync;
}

/**
 * Noticing what changed in the hosted workspace (its API has no events): each poll lists it, syncs the
 * linked connections, and tells the model only when the listing or a sync pass changed something, or
 * when the workspace came back after a failed poll.
 */
export class WorkspaceChanges implements vscode.Disposable {
  /** The workspace's listing at the last poll (ids and times), to tell whether anything changed. */
  private lastListing: string | undefined;
  private pollFailed = false;
  private readonly synced = new vscode.EventEmitter<SyncReport>();
  /** Fires after each sync pass with what it did and what waits for the user. */
  readonly onDidSync = this.synced.event;

  constructor(private readonly attached: () => Attached | undefined) {}

  /** A new sign-in: the next poll compares with nothing. */
  reset(): void {
    this.lastListing = undefined;
  }

  /** Lists the workspace, syncs the links, and tells the model (Sync Now). */
  async syncNow(): Promise<SyncReport | undefined> {
    const now = this.attached();
    if (!now) return undefined;
    const { data } = await now.api.listConnections();
    const report = await now.sync.syncAll(data);
    now.api.notifyChanged();
    this.synced.fire(report);
    return report;
  }

  /** One poll: whether anything changed (the poller backs off while nothing does). */
  async pollOnce(): Promise<'changed' | 'unchanged'> {
    const now = this.attached();
    if (!now) return 'unchanged';
    let data;
    try {
      data = (await now.api.listConnections()).data;
    } catch (error) {
      // Gone offline: the model lists again and marks the workspace's connections stale.
      if (!this.pollFailed) now.api.notifyChanged();
      this.pollFailed = true;
      throw error;
    }
    const listing = JSON.stringify(data.map((c) => [c.id, c.updatedAt ?? '', c.name]));
    const report = await now.sync.syncAll(data);
    const wrote =
      report.pulled.length +
        report.pushed.length +
        report.published.length +
        report.waiting.filter((w) => w.fresh).length >
      0;
    const changed = listing !== this.lastListing || wrote || this.pollFailed;
    this.lastListing = listing;
    this.pollFailed = false;
    if (changed) now.api.notifyChanged();
    this.synced.fire(report);
    return changed ? 'changed' : 'unchanged';
  }

  dispose(): void {
    this.synced.dispose();
  }
}
