import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection } from '../core/api/types';
import type { ConnectorRegistry } from '../core/connectors/registry';
import type { Logger } from '../core/ports';
import { readWorkspaceConnections, workspaceConnectionsFile } from '../core/store/workspaceConnections';

/** Connections a team shares in `.vscode/planasonix-connections.json`, kept current as the files change. */
export class WorkspaceConnectionsModel implements vscode.Disposable {
  private connections: Connection[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly reported = new Set<string>();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly logger: Logger,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${workspaceConnectionsFile}`);
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => void this.reload()),
      watcher.onDidCreate(() => void this.reload()),
      watcher.onDidDelete(() => void this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
    );
  }

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
        void vscode.window.showWarningMessage(problem);
      }
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
