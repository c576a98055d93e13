import * as vscode from 'vscode';
import { visibleText } from '../../shared/visibleText';
import { inertInLabel, msg, notify, pick } from '../ui/untrusted';
import type { Connection, ConnectionsApi } from '../../core/api/types';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ConnectionError } from '../../core/errors';
import { levelLook } from '../../core/connectors/levels';

export function isSqlDocument(registry: ConnectorRegistry, doc: vscode.TextDocument): boolean {
  return registry.sqlLanguages().includes(doc.languageId);
}

/** Which connection (and default catalog/schema) an editor's queries run against. */
export interface Binding {
  connectionId: string;
  catalog?: string;
  schema?: string;
}

const stateKey = 'planasonix.query.bindings';
const serverDefault = '(server default)';

/**
 * The connection bound to each SQL file, remembered per file in the workspace state, shown in the
 * status bar for the active SQL editor; clicking it picks another.
 */
export class EditorBindings implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly api: ConnectionsApi,
    private readonly connections: ConnectionsModel,
    private readonly registry: ConnectorRegistry,
  ) {
    this.item = vscode.window.createStatusBarItem('planasonix.query.connection', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Planasonix: query connection';
    this.item.command = 'planasonix.query.pickConnection';
    this.disposables.push(
      this.item,
      this.emitter,
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
    );
    void this.refresh();
  }

  get(uri: vscode.Uri): Binding | undefined {
    return this.all()[uri.toString()];
  }

  async set(uri: vscode.Uri, binding: Binding | undefined): Promise<void> {
    const all = this.all();
    if (binding) all[uri.toString()] = binding;
    else delete all[uri.toString()];
    await this.memento.update(stateKey, all);
    this.emitter.fire(uri);
    await this.refresh();
  }

  /** Connections that can run test queries, for the pickers. */
  async queryable(): Promise<Connection[]> {
    await this.connections.ready;
    return this.connections.list().filter((c) => {
      try {
        return this.registry.spec(c.type).capabilities.includes('query');
      } catch {
        return false;
      }
    });
  }

  /** Asks which connection (and schema) a file's queries run against, and remembers it. */
  async pick(uri: vscode.Uri, first = false): Promise<Binding | undefined> {
    const connections = await this.queryable();
    if (connections.length === 0) {
      const add = await notify.warn(msg`There is no connection that can run queries yet.`, {}, 'Add Connection');
      if (add) await vscode.commands.executeCommand('planasonix.connections.add');
      return undefined;
    }
    const current = this.get(uri);
    const chosen = await pick(
      connections.map((c) => ({
        label: c.name,
        description: `${this.registry.spec(c.type).label}${c.id === current?.connectionId ? ' · current' : ''}`,
        connection: c,
      })),
      {
        title: first ? 'Run against which connection?' : 'Connection for this file',
        placeHolder: 'Queries from this file run read-only against it',
      },
    );
    if (!chosen) return undefined;
    const binding: Binding = { connectionId: chosen.connection.id };
    const spec = this.registry.spec(chosen.connection.type);
    if (spec.capabilities.includes('schemas')) {
      // In the connector's own words: "Default dataset" where its schemas are datasets.
      const look = levelLook(spec, 'schema');
      const schemas = await this.api
        .listSchemas(chosen.connection.id)
        .then((r) => r.schemas.map((s) => s.name))
        .catch((error: unknown) => {
          if (ConnectionError.is(error)) void notify.warn(msg`Could not list ${look.plural}: ${error.message}`);
          return [] as string[];
        });
      if (schemas.length > 0) {
        const schema = await pick([{ label: serverDefault }, ...schemas.map((name) => ({ label: name, name }))], {
          title: `Default ${look.label.toLowerCase()} on ${inertInLabel(chosen.connection.name)}`,
          placeHolder: `Unqualified names resolve in this ${look.label.toLowerCase()}`,
        });
        if (schema === undefined) return undefined;
        if ('name' in schema) binding.schema = schema.name;
      }
    }
    await this.set(uri, binding);
    return binding;
  }

  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isSqlDocument(this.registry, editor.document)) {
      this.item.hide();
      return;
    }
    const binding = this.get(editor.document.uri);
    if (!binding) {
      this.item.text = '$(database) No connection';
      this.item.tooltip = 'Planasonix: pick the connection this file runs test queries against';
      this.item.show();
      return;
    }
    // From the cached model: no request per editor switch. Unreachable is not removed: the binding stays.
    const found = this.connections.peek(binding.connectionId);
    const schema = binding.schema ? ` · ${inertInLabel(binding.schema)}` : '';
    if (found.state === 'found') {
      this.item.text = `$(database) ${inertInLabel(found.connection.name)}${schema}`;
      // A plain-string tooltip is shown as text.
      this.item.tooltip = `Test queries from this file run read-only on ${visibleText(found.connection.name)}. Click to change.`;
    } else if (found.state === 'not_found') {
      this.item.text = '$(warning) Connection removed';
      this.item.tooltip = 'The bound connection no longer exists; click to pick another.';
    } else {
      this.item.text = `$(warning) Connection unavailable${schema}`;
      this.item.tooltip = `The bound connection could not be read just now (${visibleText(found.message)}); it stays bound.`;
    }
    this.item.show();
  }

  private all(): Record<string, Binding> {
    return { ...(this.memento.get<Record<string, Binding>>(stateKey) ?? {}) };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
