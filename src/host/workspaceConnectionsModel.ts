import * as path from 'node:path';
import * as vscode from 'vscode';
import { msg, notify } from './ui/untrusted';
import type { Connection } from '../core/api/types';
import type { ConnectorRegistry } from '../core/connectors/registry';
import type { Logger } from '../core/ports';
import type { ConnectionRecords } from '../core/local/records';
import { readWorkspaceConnections, workspaceConnectionsFile } from '../core/local/workspaceConnections';

/** Connections a team shares in `.vscode/planasonix-connections.json`, kept current as the files change. */
export class WorkspaceConnectionsModel implements vscode.Disposable, ConnectionRecords {
  readonly scope = 'workspace';
  private connections: Connection[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly reported = new Set<string>();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly logger: Logger,
  ) {
    const isOurFile = (uri: vscode.Uri): boolean => uri.path.endsWith(`/${workspaceConnectionsFile}`);
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        void this.reload();
      }),
      // Edits made in VS Code itself are seen at once, whatever the file watcher does.
      vscode.workspace.onDidSaveTextDocument((doc) => isOurFile(doc.uri) && void this.reload()),
      vscode.workspace.onDidCreateFiles((e) => e.files.some(isOurFile) && void this.reload()),
      vscode.workspace.onDidDeleteFiles((e) => e.files.some(isOurFile) && void this.reload()),
    );
    this.watch();
  }

  private watchers: vscode.Disposable[] = [];

  /**
   * Watches the file in every folder, and the .vscode folder itself: a file created together with a
   * new folder (a checkout, a script) raises no event of its own, but the folder's creation does.
   */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
      const file = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, workspaceConnectionsFile),
      );
      const dir = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, path.dirname(workspaceConnectionsFile)),
      );
      return [
        file,
        dir,
        file.onDidChange(() => void this.reload()),
        file.onDidCreate(() => void this.reload()),
        file.onDidDelete(() => void this.reload()),
        dir.onDidCreate(() => this.reloadWhileSettling()),
        dir.onDidDelete(() => void this.reload()),
      ];
    });
  }

  /** Reads again now and twice more shortly after, while the new folder's own watch comes up. */
  private reloadWhileSettling(): void {
    void this.reload();
    for (const ms of [500, 2000]) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.reload();
      }, ms);
      this.timers.add(timer);
    }
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  list(): readonly Connection[] {
    return this.connections;
  }

  async reload(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const isSecret = (type: string, field: string): boolean | undefined => {
      try {
        return this.registry.spec(type).fields.find((f) => f.name === field)?.secret;
      } catch {
        return undefined;
      }
    };
    const results = await Promise.all(
      folders.map((f) => readWorkspaceConnections(path.join(f.uri.fsPath, workspaceConnectionsFile), isSecret)),
    );
    this.connections = results.flatMap((r) => r.connections);
    for (const problem of results.flatMap((r) => r.problems)) {
      this.logger.warn(problem);
      if (!this.reported.has(problem)) {
        this.reported.add(problem);
        void notify.warn(msg`${problem}`);
      }
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const d of [...this.disposables, ...this.watchers]) d.dispose();
  }
}
