import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, ConnectionConfig } from '../../core/api/types';
import { ConnectionError } from '../../core/errors';
import type { Version, WorkspaceSync } from '../../core/sync/workspaceSync';
import { visibleText } from '../../shared/visibleText';
import { msg, notify } from '../ui/untrusted';

export const syncScheme = 'planasonix-sync';

const keepLocal = "Keep This Machine's";
const keepWorkspace = "Keep the Workspace's";
const useMerged = 'Use the Right Side (Merged)';

/** One version as the user compares and edits it: name, type and settings (never a secret). */
function asDocument(v: Version): string {
  const config = Object.fromEntries(
    Object.keys(v.config)
      .sort()
      .map((k) => [k, v.config[k]]),
  );
  return `${JSON.stringify({ name: v.name, type: v.type, config }, null, 2)}\n`;
}

/**
 * A sync conflict shown in a diff editor: the workspace's version on the left (read-only), this
 * machine's on the right, in a file the user may edit to merge. The user keeps one side or the edited
 * right side; nothing is written before they choose, and a side that changed meanwhile is not overwritten.
 */
export class ConflictEditor implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly storageDir: string) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(syncScheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows both versions and applies what the user picks; an invalid merge is said and asked again, never lost. */
  async open(sync: WorkspaceSync, connection: Connection): Promise<void> {
    const { local, remote } = await sync.versions(connection.id);
    if (!remote)
      throw new ConnectionError('not_found', `"${connection.name}" is no longer in your Planasonix workspace.`);
    const left = vscode.Uri.from({ scheme: syncScheme, path: `/${connection.id}/workspace.json` });
    this.contents.set(left.toString(), asDocument(remote));
    const right = vscode.Uri.file(path.join(this.storageDir, 'sync-merge', `${connection.id}.json`));
    // A merge being edited (its document still open, saved or not) is kept; otherwise this machine's version is the start.
    const editing = vscode.workspace.textDocuments.some((d) => d.uri.toString() === right.toString());
    if (!editing) {
      await fs.mkdir(path.dirname(right.fsPath), { recursive: true });
      await fs.writeFile(right.fsPath, asDocument(local), { mode: 0o600 });
    }
    const title = `${visibleText(connection.name)}: Planasonix workspace ↔ this machine`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
    const seen = { local: local.version, remote: remote.version };
    for (;;) {
      const choice = await notify.warn(
        msg`"${connection.name}": the workspace's version is on the left, this machine's on the right. Edit the right side to merge, then choose.`,
        {},
        keepLocal,
        keepWorkspace,
        useMerged,
      );
      if (!choice) return; // dismissed: nothing changes, the conflict stays marked
      try {
        if (choice === keepLocal) await sync.resolveConflict(connection.id, { keep: 'local' }, seen);
        else if (choice === keepWorkspace) await sync.resolveConflict(connection.id, { keep: 'workspace' }, seen);
        else await sync.resolveConflict(connection.id, { merged: await this.readMerged(right, local) }, seen);
        break;
      } catch (error) {
        if (ConnectionError.is(error, 'invalid_config')) {
          // The edit is still there to fix.
          void notify.error(msg`${error.message}`);
          continue;
        }
        if (ConnectionError.is(error, 'conflict')) {
          void notify.warn(msg`${error.message}`);
          return;
        }
        throw error;
      }
    }
    await this.close(right);
    this.contents.delete(left.toString());
    await fs.rm(right.fsPath, { force: true });
    void notify.info(msg`"${connection.name}" is in sync again.`);
  }

  /** The right side as the user left it (saved or not): a name and settings for the same connector type. */
  private async readMerged(uri: vscode.Uri, local: Version): Promise<{ name: string; config: ConnectionConfig }> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : await fs.readFile(uri.fsPath, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConnectionError('invalid_config', `The merged version is not valid JSON: ${(error as Error).message}`);
    }
    const o = value as { name?: unknown; type?: unknown; config?: unknown };
    if (typeof o.name !== 'string') throw new ConnectionError('invalid_config', 'The merged version needs a "name".');
    if (o.type !== undefined && o.type !== local.type)
      throw new ConnectionError('invalid_config', `The merged version must keep the type "${local.type}".`);
    if (typeof o.config !== 'object' || o.config === null || Array.isArray(o.config)) {
      throw new ConnectionError('invalid_config', 'The merged version needs "config", an object of settings.');
    }
    const config: ConnectionConfig = {};
    for (const [k, v] of Object.entries(o.config as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new ConnectionError('invalid_config', `The merged setting "${k}" must be text, a number or true/false.`);
      }
      config[k] = v;
    }
    // Saved, so that closing the editor does not ask about unsaved changes.
    if (open?.isDirty) await open.save();
    return { name: o.name, config };
  }

  private async close(uri: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const mine = tabs.filter(
      (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === uri.toString(),
    );
    if (mine.length > 0) await vscode.window.tabGroups.close(mine);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
