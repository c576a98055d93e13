import * as vscode from 'vscode';
import { isResultsState, resultsViewType, type ResultSource, type SortState } from '../../../shared/protocol/results';
import { webviewOptions } from '../webviewBase';
import { ResultPanel, titleOf, type ResultPanelDeps } from './resultPanel';

export { ResultPanel } from './resultPanel';

function keyOf(source: ResultSource, editorKey?: string): string {
  return source.kind === 'preview'
    ? `preview:${source.connectionId}:${source.catalog ?? ''}:${source.schema ?? ''}:${source.table ?? ''}`
    : `query:${editorKey ?? source.connectionId}`;
}

/** Table previews and test-query results, one panel per table or per connection's queries. */
export class ResultPanels implements vscode.Disposable {
  private readonly open = new Map<string, ResultPanel>();
  private pinCount = 0;

  constructor(private readonly deps: ResultPanelDeps) {}

  /** Opens the table's preview, or re-runs and brings forward the one already open. */
  showPreview(source: Omit<ResultSource, 'kind'>): ResultPanel {
    return this.show({ ...source, kind: 'preview' }, this.deps.previewLimit());
  }

  /**
   * Runs a test query in the results panel of its editor (one per editor, unless pinned), or of its
   * connection when there is no editor.
   */
  showQuery(source: Omit<ResultSource, 'kind'>, editorKey?: string, limit = this.deps.queryLimit()): ResultPanel {
    return this.show({ ...source, kind: 'query' }, limit, editorKey);
  }

  /** Shows why a statement was not run, in the editor's results panel, without touching a server. */
  showRefusal(source: Omit<ResultSource, 'kind'>, editorKey: string | undefined, message: string): ResultPanel {
    const key = keyOf({ ...source, kind: 'query' }, editorKey);
    let panel = this.open.get(key);
    if (panel) {
      panel.panel.reveal(undefined, true);
    } else {
      const created = vscode.window.createWebviewPanel(
        resultsViewType,
        titleOf({ ...source, kind: 'query' }),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(this.deps.extensionUri),
      );
      panel = this.attach(created, { ...source, kind: 'query' }, this.deps.queryLimit(), undefined, key);
    }
    panel.refuse({ ...source, kind: 'query' }, message);
    return panel;
  }

  /** Keeps a result: the editor's next run opens a new panel. */
  pin(panel: ResultPanel): void {
    for (const [key, p] of this.open) {
      if (p === panel && key.startsWith('query:')) {
        this.open.delete(key);
        this.open.set(`pinned:${++this.pinCount}`, panel);
        panel.markPinned();
      }
    }
  }

  /** The running or last query panel of an editor. */
  queryPanel(editorKey: string): ResultPanel | undefined {
    return this.open.get(`query:${editorKey}`);
  }

  /** Closes every panel showing one of these connections (their workspace was signed out of); says how many. */
  closeFor(connectionIds: ReadonlySet<string>): number {
    const closing = [...new Set(this.open.values())].filter((p) => connectionIds.has(p.connectionId));
    for (const p of closing) p.panel.dispose();
    return closing.length;
  }

  /** Panels open now, for tests. */
  get panels(): readonly ResultPanel[] {
    return [...this.open.values()];
  }

  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isResultsState(state)) {
      panel.dispose();
      return;
    }
    const found = await this.deps.connections.lookup(state.source.connectionId);
    if (found.state === 'not_found') {
      // The connection was deleted while the window was closed.
      panel.dispose();
      return;
    }
    // Unreachable is not gone: the panel comes back under its last known name and waits to be run again.
    const source = found.state === 'found' ? { ...state.source, connectionName: found.connection.name } : state.source;
    panel.title = titleOf(source);
    const result = this.attach(panel, source, state.limit, state.sort);
    // A preview reads again at once; a test query waits to be run again.
    if (source.kind === 'preview' && found.state === 'found') result.run();
    else result.idle();
  }

  private show(source: ResultSource, limit: number, editorKey?: string): ResultPanel {
    const key = keyOf(source, editorKey);
    const existing = this.open.get(key);
    // Query results open beside the editor and leave it the focus; previews open in the active group.
    const column =
      source.kind === 'query'
        ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }
        : vscode.ViewColumn.Active;
    if (existing) {
      if (source.kind === 'query') existing.panel.reveal(undefined, true);
      else existing.panel.reveal();
      existing.replace(source, limit);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      resultsViewType,
      titleOf(source),
      column,
      webviewOptions(this.deps.extensionUri),
    );
    const result = this.attach(panel, source, limit, undefined, key);
    result.run();
    return result;
  }

  private attach(
    panel: vscode.WebviewPanel,
    source: ResultSource,
    limit: number,
    sort: SortState | undefined,
    key = keyOf(source),
  ): ResultPanel {
    panel.webview.options = webviewOptions(this.deps.extensionUri);
    const result = new ResultPanel(panel, source, limit, sort, this.deps, () => this.pin(result));
    this.open.get(key)?.panel.dispose();
    this.open.set(key, result);
    panel.onDidDispose(() => {
      for (const [k, p] of this.open) if (p === result) this.open.delete(k);
      result.dispose();
    });
    return result;
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.panel.dispose();
    this.open.clear();
  }
}
