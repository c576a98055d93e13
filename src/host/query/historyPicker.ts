import * as vscode from 'vscode';
import { createPick, msg, notify } from '../ui/untrusted';
import { errorMessage } from '../../core/errors';
import type { HistoryEntry } from '../../core/query/history';
import type { QueryDeps as Deps } from './queryDeps';
import { count } from '../../shared/counts';

export async function showHistory(deps: Deps): Promise<void> {
  const entries = await deps.history.list();
  if (entries.length === 0) {
    void notify.info(msg`No test queries have run yet.`);
    return;
  }
  const rerun: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('play'), tooltip: 'Run again' };
  const open: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open in an editor' };
  const { pick, setItems } = createPick<vscode.QuickPickItem & { entry: HistoryEntry }>();
  pick.title = 'Query history';
  pick.placeholder = 'Enter opens the query in an editor; the play button runs it again';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  // The SQL, names and messages are the user's or a server's: shown as text (no $(icon)); the status is an icon.
  setItems(
    entries.map((e) => ({
      label: e.sql.replace(/\s+/g, ' ').trim().slice(0, 100),
      iconPath: new vscode.ThemeIcon(statusIcon(e.status)),
      description: `${e.connectionName} · ${e.truncated ? `${e.rows.toLocaleString('en-US')}+ rows` : count(e.rows, 'row')} · ${e.durationMs.toLocaleString('en-US')} ms`,
      // A refusal's message says so itself ("Refused: …"): not "refused: Refused: …".
      detail: `${new Date(e.at).toLocaleString()} · ${e.status === 'refused' && e.message ? e.message : `${e.status}${e.message ? `: ${e.message}` : ''}`}`,
      buttons: [rerun, open],
      entry: e,
    })),
  );
  const act = async (entry: HistoryEntry, run: boolean): Promise<void> => {
    pick.hide();
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `${entry.sql}\n` });
    await deps.bindings.set(doc.uri, {
      connectionId: entry.connectionId,
      catalog: entry.catalog,
      schema: entry.schema,
    });
    await vscode.window.showTextDocument(doc);
    if (run) await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, 0);
  };
  pick.onDidTriggerItemButton(
    (e) => void act(e.item.entry, e.button === rerun).catch((error: unknown) => deps.logger.error(errorMessage(error))),
  );
  pick.onDidAccept(() => {
    const item = pick.selectedItems[0];
    if (item) void act(item.entry, false).catch((error: unknown) => deps.logger.error(errorMessage(error)));
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

function statusIcon(status: HistoryEntry['status']): string {
  return status === 'ok' ? 'pass' : status === 'cancelled' ? 'circle-slash' : status === 'refused' ? 'shield' : 'error';
}

/** A "Run" lens above each statement of a SQL file, when the setting allows. */
