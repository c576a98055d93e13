import * as vscode from 'vscode';
import type { Connection } from '../../core/api/types';
import { ConnectionError } from '../../core/errors';
import type { HistoryEntry } from '../../core/query/history';
import { prepareStatement } from '../../core/query/prepare';
import type { Binding } from './bindings';
import { statementsOf, type QueryDeps as Deps } from './queryDeps';

async function editorFor(uri: vscode.Uri | undefined): Promise<vscode.TextEditor | undefined> {
  if (!uri) return vscode.window.activeTextEditor;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  return visible ?? vscode.window.showTextDocument(uri);
}

async function boundConnection(
  deps: Deps,
  uri: vscode.Uri,
): Promise<{ binding: Binding; connection: Connection } | undefined> {
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

export async function runSelection(
  deps: Deps,
  running: vscode.TextEditorDecorationType,
  uri?: vscode.Uri,
  offset?: number,
): Promise<void> {
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
    offset !== undefined
      ? { start: offset, end: offset }
      : { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
  const dialect = deps.registry.dialect(connection.type);
  const prepared = prepareStatement(
    doc.getText(),
    selection,
    dialect,
    selection.end > selection.start ? undefined : statementsOf(doc, dialect),
  );
  const notice = deps.registry.spec(connection.type).readOnlyNotice;
  const source = {
    connectionId: connection.id,
    connectionName: connection.name,
    sql: prepared.sql ?? '',
    catalog: binding.catalog,
    schema: binding.schema,
    ...(notice ? { notice } : {}),
  };
  const key = doc.uri.toString();
  if (!prepared.ok) {
    deps.results.showRefusal(source, key, prepared.reason);
    if (prepared.sql) {
      void deps.history.add({
        ...historyBase(source),
        at: new Date().toISOString(),
        durationMs: 0,
        rows: 0,
        status: 'refused',
        message: prepared.reason,
      });
    }
    return;
  }
  const range = new vscode.Range(doc.positionAt(prepared.start), doc.positionAt(prepared.end));
  editor.setDecorations(running, [range]);
  const panel = deps.results.showQuery(source, key);
  void panel.finished.finally(() => editor.setDecorations(running, []));
}

export function historyBase(source: {
  connectionId: string;
  connectionName: string;
  sql: string;
  catalog?: string;
  schema?: string;
}): Omit<HistoryEntry, 'id' | 'at' | 'durationMs' | 'rows' | 'status'> {
  return {
    connectionId: source.connectionId,
    connectionName: source.connectionName,
    sql: source.sql,
    catalog: source.catalog,
    schema: source.schema,
  };
}
