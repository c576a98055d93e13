import * as vscode from 'vscode';
import { ConnectionError } from '../../core/errors';
import { registerCommand } from '../commands/commandHost';
import { SchemaCompletion } from './completion';
import { showHistory } from './historyPicker';
import type { QueryDeps as Deps } from './queryDeps';
import { runSelection } from './runSelection';
import { StatementLenses } from './statementLenses';

/** "Run Selection as Test Query", cancel, the connection picker, history, CodeLens and completion. */
export function registerQueryFeatures(deps: Deps): vscode.Disposable[] {
  const { logger } = deps;
  const sqlSelector: vscode.DocumentSelector = deps.registry.sqlLanguages().map((language) => ({ language }));
  const running = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: false,
  });
  const codeLens = new StatementLenses(deps);
  const completion = new SchemaCompletion(deps);
  return [
    running,
    codeLens,
    registerCommand(
      logger,
      'planasonix.query.runSelection',
      'Could not run the query',
      (uri?: vscode.Uri, offset?: number) =>
        runSelection(
          deps,
          running,
          uri instanceof vscode.Uri ? uri : undefined,
          typeof offset === 'number' ? offset : undefined,
        ),
    ),
    registerCommand(logger, 'planasonix.query.cancel', 'Could not cancel', () => {
      const editor = vscode.window.activeTextEditor;
      const panel = editor ? deps.results.queryPanel(editor.document.uri.toString()) : undefined;
      const targets = panel?.running
        ? [panel]
        : deps.results.panels.filter((p) => p.running && p.state.source.kind === 'query');
      if (targets.length === 0) {
        vscode.window.setStatusBarMessage('No test query is running.', 3000);
        return;
      }
      for (const p of targets) p.cancel();
    }),
    registerCommand(
      logger,
      'planasonix.query.pickConnection',
      'Could not change the connection',
      async (uri?: vscode.Uri) => {
        const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
        if (!target) throw new ConnectionError('invalid_config', 'Open a SQL file first.');
        await deps.bindings.pick(target);
      },
    ),
    registerCommand(logger, 'planasonix.query.showHistory', 'Could not show the query history', () =>
      showHistory(deps),
    ),
    registerCommand(logger, 'planasonix.query.refreshCompletions', 'Could not refresh completions', () => {
      completion.clear();
      vscode.window.setStatusBarMessage('Planasonix: schema names will be read again.', 3000);
    }),
    vscode.languages.registerCodeLensProvider(sqlSelector, codeLens),
    vscode.languages.registerCompletionItemProvider(sqlSelector, completion, '.'),
    deps.bindings.onDidChange(() => codeLens.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('planasonix.query.codeLens')) codeLens.refresh();
    }),
  ];
}
