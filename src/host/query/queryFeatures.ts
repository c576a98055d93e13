import * as vscode from 'vscode';
import { createPick, inertInLabel, msg, notify } from '../ui/untrusted';
import type { Connection, ConnectionsApi } from '../../core/api/types';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { displayIdentifier } from '../../core/connectors/sql/dialects';
import { ConnectionError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/ports';
import type { HistoryEntry, QueryHistory } from '../../core/query/history';
import { prepareStatement } from '../../core/query/prepare';
import { StatementCache } from '../../core/sql/statements';
import { registerCommand } from '../commands/commandHost';
import type { ResultPanels } from '../webviews/results/resultPanels';
import { isSqlDocument, sqlLanguages, type Binding, type EditorBindings } from './bindings';
import type { SqlDialect } from '../../core/sql/lexer';
import type { StatementRange } from '../../core/sql/statements';

/** One split per document version, shared by the Run lenses and the command. */
const statementCache = new StatementCache();
const statementsOf = (doc: vscode.TextDocument, dialect: SqlDialect): StatementRange[] =>
  statementCache.get(doc.uri.toString(), doc.version, dialect, () => doc.getText());

interface Deps {
  api: ConnectionsApi;
  connections: ConnectionsModel;
  registry: ConnectorRegistry;
  bindings: EditorBindings;
  results: ResultPanels;
  history: QueryHistory;
  logger: Logger;
  codeLensEnabled(): boolean;
}

const sqlSelector: vscode.DocumentSelector = sqlLanguages.map((language) => ({ language }));

/** "Run Selection as Test Query", cancel, the connection picker, history, CodeLens and completion. */
export function registerQueryFeatures(deps: Deps): vscode.Disposable[] {
  const { logger } = deps;
  const running = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: false,
  });
  const codeLens = new StatementLenses(deps);
  const completion = new SchemaCompletion(deps);
  return [
    running,
    codeLens,
    registerCommand(logger, 'planasonix.query.runSelection', 'Could not run the query', (uri?: vscode.Uri, offset?: number) =>
      runSelection(deps, running, uri instanceof vscode.Uri ? uri : undefined, typeof offset === 'number' ? offset : undefined),
    ),
    registerCommand(logger, 'planasonix.query.cancel', 'Could not cancel', () => {
      const editor = vscode.window.activeTextEditor;
      const panel = editor ? deps.results.queryPanel(editor.document.uri.toString()) : undefined;
      const targets = panel?.running ? [panel] : deps.results.panels.filter((p) => p.running && p.state.source.kind === 'query');
      if (targets.length === 0) {
        vscode.window.setStatusBarMessage('No test query is running.', 3000);
        return;
      }
      for (const p of targets) p.cancel();
    }),
    registerCommand(logger, 'planasonix.query.pickConnection', 'Could not change the connection', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) throw new ConnectionError('invalid_config', 'Open a SQL file first.');
      await deps.bindings.pick(target);
    }),
    registerCommand(logger, 'planasonix.query.showHistory', 'Could not show the query history', () => showHistory(deps)),
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

async function editorFor(uri: vscode.Uri | undefined): Promise<vscode.TextEditor | undefined> {
  if (!uri) return vscode.window.activeTextEditor;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  return visible ?? vscode.window.showTextDocument(uri);
}

async function boundConnection(deps: Deps, uri: vscode.Uri): Promise<{ binding: Binding; connection: Connection } | undefined> {
  let binding = deps.bindings.get(uri) ?? (await deps.bindings.pick(uri, true));
  if (!binding) return undefined;
  const found = await deps.connections.lookup(binding.connectionId);
  let connection: Connection;
  if (found.state === 'not_found') {
    // The bound connection was deleted: ask again rather than fail.
    binding = await deps.bindings.pick(uri, true);
    if (!binding) return undefined;
    connection = await deps.connections.require(binding.connectionId);
  } else {
    // Found, or not reachable just now: then the error says so and the binding is kept.
    connection = await deps.connections.require(binding.connectionId);
  }
  return { binding, connection };
}

async function runSelection(deps: Deps, running: vscode.TextEditorDecorationType, uri?: vscode.Uri, offset?: number): Promise<void> {
  const editor = await editorFor(uri);
  if (!editor) throw new ConnectionError('invalid_config', 'Open a SQL file, then run a statement from it.');
  const doc = editor.document;
  const bound = await boundConnection(deps, doc.uri);
  if (!bound) return;
  const { binding, connection } = bound;
  if (!deps.registry.spec(connection.type).capabilities.includes('query')) {
    throw new ConnectionError('unsupported', `${connection.name} cannot run SQL queries.`);
  }
  const selection =
    offset !== undefined ? { start: offset, end: offset } : { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
  const dialect = deps.registry.dialect(connection.type).lexer;
  const prepared = prepareStatement(doc.getText(), selection, dialect, selection.end > selection.start ? undefined : statementsOf(doc, dialect));
  const source = { connectionId: connection.id, connectionName: connection.name, sql: prepared.sql ?? '', catalog: binding.catalog, schema: binding.schema };
  const key = doc.uri.toString();
  if (!prepared.ok) {
    deps.results.showRefusal(source, key, prepared.reason);
    if (prepared.sql) {
      void deps.history.add({ ...historyBase(source), at: new Date().toISOString(), durationMs: 0, rows: 0, status: 'refused', message: prepared.reason });
    }
    return;
  }
  const range = new vscode.Range(doc.positionAt(prepared.start), doc.positionAt(prepared.end));
  editor.setDecorations(running, [range]);
  const panel = deps.results.showQuery(source, key);
  void panel.finished.finally(() => editor.setDecorations(running, []));
}

function historyBase(source: {
  connectionId: string;
  connectionName: string;
  sql: string;
  catalog?: string;
  schema?: string;
}): Omit<HistoryEntry, 'id' | 'at' | 'durationMs' | 'rows' | 'status'> {
  return { connectionId: source.connectionId, connectionName: source.connectionName, sql: source.sql, catalog: source.catalog, schema: source.schema };
}

async function showHistory(deps: Deps): Promise<void> {
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
      description: `${e.connectionName} · ${e.rows.toLocaleString('en-US')}${e.truncated ? '+' : ''} rows · ${e.durationMs.toLocaleString('en-US')} ms`,
      detail: `${new Date(e.at).toLocaleString()} · ${e.status}${e.message ? `: ${e.message}` : ''}`,
      buttons: [rerun, open],
      entry: e,
    })),
  );
  const act = async (entry: HistoryEntry, run: boolean): Promise<void> => {
    pick.hide();
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `${entry.sql}\n` });
    await deps.bindings.set(doc.uri, { connectionId: entry.connectionId, catalog: entry.catalog, schema: entry.schema });
    await vscode.window.showTextDocument(doc);
    if (run) await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, 0);
  };
  pick.onDidTriggerItemButton((e) => void act(e.item.entry, e.button === rerun).catch((error: unknown) => deps.logger.error(errorMessage(error))));
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
class StatementLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly deps: Deps) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.deps.codeLensEnabled() || !isSqlDocument(doc)) return [];
    const binding = this.deps.bindings.get(doc.uri);
    await this.deps.connections.ready;
    const connection = binding ? this.deps.connections.get(binding.connectionId) : undefined;
    if (token.isCancellationRequested) return [];
    const statements = statementsOf(doc, this.deps.registry.dialect(connection?.type ?? '').lexer);
    return statements.map((s) => {
      // Above the statement's code (its leading comments run with it); the command finds the statement by that offset.
      const at = doc.positionAt(s.codeStart);
      return new vscode.CodeLens(new vscode.Range(at, at), {
        title: connection ? `$(play) Run on ${inertInLabel(connection.name)}` : '$(play) Run',
        tooltip: 'Run this statement as a read-only test query',
        command: 'planasonix.query.runSelection',
        arguments: [doc.uri, s.codeStart],
      });
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

interface Cached<T> {
  at: number;
  value?: T;
  loading?: Promise<void>;
}

const cacheMs = 5 * 60_000;

/**
 * Schema, table and column names of the editor's connection. Answers from a cache at once and fills
 * it in the background, so typing never waits on a server; Refresh Completions reads again.
 */
class SchemaCompletion implements vscode.CompletionItemProvider {
  private readonly cache = new Map<string, Cached<string[]>>();
  /** Connector type per connection, for quoting names the way that connector's SQL needs. */

  constructor(private readonly deps: Deps) {}

  clear(): void {
    this.cache.clear();
  }

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const binding = this.deps.bindings.get(doc.uri);
    if (!binding) return undefined;
    const { connectionId, catalog } = binding;
    const schema = binding.schema;
    const before = doc.lineAt(position.line).text.slice(0, position.character);
    const items: vscode.CompletionItem[] = [];
    let incomplete = false;
    const names = (key: string, load: () => Promise<string[]>): string[] => {
      const got = this.get(`${connectionId}:${key}`, load);
      if (!got) incomplete = true;
      return got ?? [];
    };
    const add = (values: string[], kind: vscode.CompletionItemKind, detail: string): void => {
      for (const v of values) {
        const item = new vscode.CompletionItem(v, kind);
        item.detail = detail;
        item.insertText = displayIdentifier(this.deps.registry.dialect(this.typeOf(connectionId)), v);
        items.push(item);
      }
    };
    const tables = (s: string | undefined): string[] =>
      names(`tables:${catalog ?? ''}:${s ?? ''}`, async () =>
        (await this.deps.api.listTables(connectionId, { schema: s, catalog, limit: 5000 })).tables.map((t) => t.name),
      );
    const columns = (s: string | undefined, table: string): string[] =>
      names(`columns:${catalog ?? ''}:${s ?? ''}:${table}`, async () =>
        (await this.deps.api.listColumns(connectionId, { schema: s, catalog, table })).columns.map((c) => c.name),
      );
    const schemas = (): string[] =>
      names('schemas', async () => (await this.deps.api.listSchemas(connectionId, { catalog }).catch(() => ({ schemas: [] }))).schemas.map((x) => x.name));

    const qualified = /([A-Za-z_][\w$]*|"[^"]+"|`[^`]+`)\.([\w$]*)$/.exec(before);
    if (qualified) {
      const qualifier = qualified[1]!.replace(/^["`]|["`]$/g, '');
      if (schemas().includes(qualifier)) add(tables(qualifier), vscode.CompletionItemKind.Struct, `table in ${qualifier}`);
      else if (tables(schema).includes(qualifier)) add(columns(schema, qualifier), vscode.CompletionItemKind.Field, `column of ${qualifier}`);
      return new vscode.CompletionList(items, incomplete);
    }
    add(tables(schema), vscode.CompletionItemKind.Struct, schema ? `table in ${schema}` : 'table');
    add(schemas(), vscode.CompletionItemKind.Module, 'schema');
    // Columns of the tables this statement reads from.
    const text = doc.getText();
    const known = new Set(tables(schema));
    for (const m of text.matchAll(/\b(?:from|join)\s+([A-Za-z_][\w$]*)/gi)) {
      const t = m[1]!;
      if (known.has(t)) add(columns(schema, t), vscode.CompletionItemKind.Field, `column of ${t}`);
    }
    return new vscode.CompletionList(items, incomplete);
  }

  private typeOf(connectionId: string): string {
    return this.deps.connections.get(connectionId)?.type ?? '';
  }

  /** The cached names, or undefined while they load (in the background). */
  private get(key: string, load: () => Promise<string[]>): string[] | undefined {
    const entry = this.cache.get(key);
    if (entry?.value && Date.now() - entry.at < cacheMs) return entry.value;
    if (!entry?.loading) {
      const next: Cached<string[]> = { at: Date.now(), value: entry?.value };
      next.loading = load().then(
        (value) => {
          next.value = value;
          next.at = Date.now();
          next.loading = undefined;
        },
        (error: unknown) => {
          next.value = [];
          next.at = Date.now();
          next.loading = undefined;
          this.deps.logger.trace(`Completion names for ${key} not read: ${errorMessage(error)}`);
        },
      );
      this.cache.set(key, next);
    }
    return entry?.value;
  }
}
