import * as vscode from 'vscode';
import { displayIdentifier } from '../../core/connectors/sql/dialects';
import { errorMessage } from '../../core/errors';
import { statementsOf, type QueryDeps as Deps } from './queryDeps';
import { statementAt } from '../../core/sql/statements';
import { tableRefs, type TableRef } from '../../core/query/tableRefs';

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
export class SchemaCompletion implements vscode.CompletionItemProvider {
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
      names('schemas', async () =>
        (await this.deps.api.listSchemas(connectionId, { catalog }).catch(() => ({ schemas: [] }))).schemas.map(
          (x) => x.name,
        ),
      );

    // The statement under the cursor: the tables it reads (with their aliases) and the CTEs it defines.
    const dialect = this.deps.registry.dialect(this.typeOf(connectionId));
    const text = doc.getText();
    const offset = doc.offsetAt(position);
    const statement = statementAt(text, offset, dialect, statementsOf(doc, dialect));
    const refs = tableRefs(statement?.text ?? '', dialect);
    const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
    const columnsOf = (ref: TableRef): void => {
      const inSchema = ref.schema ?? schema;
      const known = tables(inSchema).find((t) => same(t, ref.table));
      if (known) add(columns(inSchema, known), vscode.CompletionItemKind.Field, `column of ${known}`);
    };

    const qualified = /([A-Za-z_][\w$]*|"[^"]+"|`[^`]+`)\.([\w$]*)$/.exec(before);
    if (qualified) {
      const qualifier = qualified[1].replace(/^["`]|["`]$/g, '');
      // `o.` after `FROM orders o`: the columns of orders, as DataGrip offers them.
      const aliased = refs.tables.find((r) => r.alias !== undefined && same(r.alias, qualifier));
      if (aliased) columnsOf(aliased);
      else if (schemas().includes(qualifier))
        add(tables(qualifier), vscode.CompletionItemKind.Struct, `table in ${qualifier}`);
      else if (tables(schema).includes(qualifier))
        add(columns(schema, qualifier), vscode.CompletionItemKind.Field, `column of ${qualifier}`);
      return new vscode.CompletionList(items, incomplete);
    }
    add(tables(schema), vscode.CompletionItemKind.Struct, schema ? `table in ${schema}` : 'table');
    add(schemas(), vscode.CompletionItemKind.Module, 'schema');
    add(refs.ctes, vscode.CompletionItemKind.Struct, 'named in WITH');
    // Columns of the tables this statement reads from.
    for (const ref of refs.tables) columnsOf(ref);
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
