/**
 * Runs inside the real VS Code extension host (code-server here, desktop VS Code elsewhere),
 * against the built extension. Reaches the extension only through the `vscode` API and the
 * test API that activate() returns; importing src/ here would load a second copy of it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from './until';
import type { ExplorerNode } from '../../src/core/explorer/nodes';
import type { PlanasonixTestApi } from '../../src/host/extension';

const extensionId = 'planasonix.planasonix-connections';
const pg = {
  host: process.env.PLANASONIX_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PLANASONIX_PG_PORT ?? 5432),
};
const driverFolder = `${path.sep}dist${path.sep}connectors${path.sep}`;

function loadedDrivers(): string[] {
  return Object.keys(require.cache)
    .filter((k) => k.includes(driverFolder))
    .map((k) => path.basename(k));
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the tests need a workspace folder');
  return folder;
}

function label(node: ExplorerNode, t: PlanasonixTestApi): string {
  const item = t.explorer.getTreeItem(node);
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

async function child(t: PlanasonixTestApi, parent: ExplorerNode | undefined, name: string): Promise<ExplorerNode> {
  const children = await t.explorer.getChildren(parent);
  const found = children.find((n) => label(n, t) === name);
  assert.ok(found, `"${name}" not among ${children.map((n) => label(n, t)).join(', ')}`);
  return found;
}

describe('Planasonix Connections in the real extension host', function () {
  let t: PlanasonixTestApi;
  const driversBeforeUse: string[] = [];

  before(async () => {
    const ext = vscode.extensions.getExtension<PlanasonixTestApi>(extensionId);
    assert.ok(ext, `${extensionId} is not installed in this host`);
    t = await ext.activate();
    await t.ready;
    driversBeforeUse.push(...loadedDrivers());
  });

  it('activates without loading any connector driver', () => {
    assert.deepEqual(driversBeforeUse, []);
  });

  it('registers every command the manifest declares, each with a category and an icon', async () => {
    const declared = vscode.extensions.getExtension(extensionId)!.packageJSON.contributes.commands as {
      command: string;
      category: string;
      icon: string;
    }[];
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of declared) {
      assert.ok(registered.has(c.command), `${c.command} is not registered`);
      assert.equal(c.category, 'Planasonix');
      assert.match(c.icon, /^\$\([a-z-]+\)$/);
    }
  });

  it('offers the sample database and browses it to the columns, loading only the SQLite driver', async () => {
    const sample = await until('the sample connection', async () =>
      (await t.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)'),
    );
    const item = t.explorer.getTreeItem(sample);
    assert.equal(item.contextValue, 'connection.user');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const file = await child(t, sample, 'planasonix-sample.sqlite');
    const orders = await child(t, file, 'orders');
    assert.equal(t.explorer.getTreeItem(orders).contextValue, 'table.previewable');
    const view = await child(t, file, 'order_totals');
    assert.equal(t.explorer.getTreeItem(view).contextValue, 'view.previewable');
    const columns = await t.explorer.getChildren(orders);
    assert.deepEqual(
      columns.map((c) => label(c, t)),
      ['id', 'customer_id', 'ordered_at', 'status', 'note'],
    );
    const id = t.explorer.getTreeItem(columns[0]);
    assert.equal(id.description, 'INTEGER, not null');
    assert.equal((id.iconPath as vscode.ThemeIcon).id, 'key');
    assert.deepEqual(loadedDrivers(), ['sqlite.js']);
  });

  it('reveals a column in the tree view (ids and parents hold together)', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.planasonix');
    await until('the tree view to show', () => t.treeView.visible);
    const sample = (await t.explorer.getChildren()).find(
      (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
    )!;
    const column = await child(
      t,
      await child(t, await child(t, sample, 'planasonix-sample.sqlite'), 'customers'),
      'email',
    );
    await until('reveal to succeed', async () => {
      try {
        await t.treeView.reveal(column, { select: true, focus: false, expand: true });
        return true;
      } catch {
        return undefined; // the view may not have fetched its roots yet
      }
    });
    assert.equal(t.treeView.selection[0]?.id, column.id);
  });

  it('loads more tables with the Load More command, and Refresh goes back to the first page', async () => {
    const config = vscode.workspace.getConfiguration('planasonix');
    await config.update('explorer.pageSize', 2, vscode.ConfigurationTarget.Global);
    try {
      const sample = (await t.explorer.getChildren()).find(
        (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
      )!;
      const file = await child(t, sample, 'planasonix-sample.sqlite');
      const first = await t.explorer.getChildren(file);
      assert.deepEqual(
        first.map((n) => n.kind),
        ['table', 'table', 'loadMore'],
      );
      const changed = new Promise<void>((resolve) => {
        const sub = t.explorer.onDidChangeTreeData((node) => {
          if (node?.id === file.id) {
            sub.dispose();
            resolve();
          }
        });
      });
      await vscode.commands.executeCommand('planasonix.explorer.loadMore', first[2]);
      await changed;
      const more = await t.explorer.getChildren(file);
      assert.deepEqual(
        more.map((n) => label(n, t)),
        ['customers', 'order_items', 'order_totals', 'orders', 'Load more…'],
      );
      await vscode.commands.executeCommand('planasonix.explorer.refresh', file);
      assert.deepEqual(
        (await t.explorer.getChildren(file)).map((n) => n.kind),
        ['table', 'table', 'loadMore'],
      );
    } finally {
      await config.update('explorer.pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('previews a table in the results panel with the row limit from the settings, and exports it as CSV', async () => {
    const config = vscode.workspace.getConfiguration('planasonix');
    await config.update('preview.rowLimit', 7, vscode.ConfigurationTarget.Global);
    try {
      const sample = (await t.explorer.getChildren()).find(
        (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
      )!;
      const orders = await child(t, await child(t, sample, 'planasonix-sample.sqlite'), 'orders');
      await vscode.commands.executeCommand('planasonix.explorer.previewTable', orders);
      const panel = await until('the results panel', () =>
        t.results.panels.find((p) => p.state.source.table === 'orders'),
      );
      assert.equal(panel.panel.viewType, 'planasonix.results');
      await panel.finished;
      const result = panel.current!;
      assert.equal(result.phase, 'done', String(result.error));
      assert.equal(result.rowCount, 7);
      assert.equal(result.stats?.truncated, true);
      assert.equal(result.columns[0], 'id');

      const target = vscode.Uri.file(path.join(workspaceRoot(), 'orders-export.csv'));
      assert.equal(await panel.export('csv', target), 7);
      const lines = readFileSync(target.fsPath, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 8);
      assert.equal(lines[0], result.columns.join(','));
      const first = await result.window(0, 1);
      assert.equal(lines[1].split(',')[0], String(first[0][0]));
      rmSync(target.fsPath, { force: true });
    } finally {
      await config.update('preview.rowLimit', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('runs the statement under the cursor of a bound SQL file, records it in the history, and refuses writes unrun', async () => {
    const sample = (await t.explorer.getChildren()).find(
      (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
    )!;
    assert.equal(sample.kind, 'connection');
    const connectionId = sample.kind === 'connection' ? sample.connection.id : '';
    const file = path.join(workspaceRoot(), 'three.sql');
    const sql = 'SELECT 1 AS first;\nSELECT id, name FROM customers ORDER BY id LIMIT 3;\nDELETE FROM orders;\n';
    writeFileSync(file, sql);
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      await t.bindings.set(doc.uri, { connectionId });
      const started = new Date().toISOString(); // the history outlives a test run
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, sql.indexOf('customers'));
      const panel = await until('the query panel', () => t.results.queryPanel(doc.uri.toString()));
      await panel.finished;
      assert.equal(panel.state.source.sql, 'SELECT id, name FROM customers ORDER BY id LIMIT 3');
      assert.equal(panel.current?.phase, 'done', String(panel.current?.error));
      assert.equal(panel.current?.rowCount, 3);
      assert.deepEqual(panel.current?.columns, ['id', 'name']);
      const recorded = await until('the history entry', async () =>
        (await t.history.list(connectionId)).find((e) => e.at >= started && e.sql.includes('customers')),
      );
      assert.equal(recorded.status, 'ok', recorded.message);
      assert.equal(recorded.rows, 3);

      const before = (await t.history.list(connectionId)).length;
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, sql.indexOf('DELETE'));
      assert.equal(panel.current, undefined, 'a refused statement leaves no result');
      const refused = await until('the refusal in the history', async () => {
        const all = await t.history.list(connectionId);
        return all.length > before ? all[0] : undefined;
      });
      assert.equal(refused.status, 'refused');
      assert.match(refused.message ?? '', /^Refused: DELETE/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(file, { force: true });
    }
  });

  it('completes table and column names of the bound connection without blocking, pins a result, and cancels a run', async () => {
    const sample = (await t.explorer.getChildren()).find(
      (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
    )!;
    const connectionId = sample.kind === 'connection' ? sample.connection.id : '';
    const file = path.join(workspaceRoot(), 'complete.sql');
    const forever = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    const aliased = 'SELECT o. FROM orders o JOIN customers AS c ON c.id = o.customer_id';
    writeFileSync(
      file,
      `SELECT  FROM customers;\nSELECT customers. FROM customers;\nSELECT 1 AS one;\n${forever};\n${aliased};\n`,
    );
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      await t.bindings.set(doc.uri, { connectionId });
      const labels = async (line: number, character: number): Promise<string[]> => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          doc.uri,
          new vscode.Position(line, character),
        );
        return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      };
      // The first ask starts reading names in the background; later asks find them.
      const tables = await until('table names', async () =>
        (await labels(0, 7)).includes('customers') ? labels(0, 7) : undefined,
      );
      assert.ok(tables.includes('orders'), tables.join(', '));
      const columns = await until('column names', async () =>
        (await labels(1, 17)).includes('email') ? labels(1, 17) : undefined,
      );
      assert.ok(columns.includes('name') && !columns.includes('orders'), columns.join(', '));
      // An alias resolves to its table: `o.` offers the columns of orders, not those of customers.
      const ofAlias = await until('columns of an alias', async () =>
        (await labels(4, 9)).includes('ordered_at') ? labels(4, 9) : undefined,
      );
      assert.ok(ofAlias.includes('customer_id') && !ofAlias.includes('email'), ofAlias.join(', '));

      // Pin: the next run opens a new panel and the pinned one keeps its result.
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, doc.getText().indexOf('1 AS one'));
      const first = await until('the first result', () => t.results.queryPanel(doc.uri.toString()));
      await first.finished;
      assert.equal(first.current?.phase, 'done', String(first.current?.error));
      t.results.pin(first);
      assert.equal(first.state.pinned, true);
      assert.equal(t.results.queryPanel(doc.uri.toString()), undefined);

      // Cancel: a statement that never ends, stopped by the command.
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, doc.getText().indexOf('WITH'));
      const second = await until('the second panel', () => t.results.queryPanel(doc.uri.toString()));
      assert.notEqual(second, first);
      await until('the statement to run', () => second.running);
      await vscode.commands.executeCommand('planasonix.query.cancel');
      await second.finished;
      assert.equal(second.current?.phase, 'cancelled');
      assert.equal(first.current?.phase, 'done', `the pinned result is untouched: ${String(first.current?.error)}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(file, { force: true });
    }
  });

  it('copies names as a user types them in SQL: quoted only where needed, qualified on request', async () => {
    const sample = (await t.explorer.getChildren()).find(
      (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
    )!;
    const orders = await child(t, await child(t, sample, 'planasonix-sample.sqlite'), 'orders');
    await vscode.commands.executeCommand('planasonix.explorer.copyName', orders);
    assert.equal(await vscode.env.clipboard.readText(), 'orders');
    const pgConn = await t.api.createConnection({
      name: 'Copy probe',
      type: 'postgres',
      config: { host: pg.host, port: pg.port, user: 'postgres', database: 'planasonix_fixture', sslMode: 'disable' },
    });
    try {
      const node = await until('the connection', async () =>
        (await t.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.id === pgConn.id),
      );
      const table = await child(t, await child(t, await child(t, node, 'planasonix_fixture'), 'fixture'), 'Mixed Case');
      await vscode.commands.executeCommand('planasonix.explorer.copyQualifiedName', table);
      assert.equal(await vscode.env.clipboard.readText(), 'fixture."Mixed Case"');
      const column = await child(t, table, 'select');
      await vscode.commands.executeCommand('planasonix.explorer.copyName', column);
      assert.equal(await vscode.env.clipboard.readText(), '"select"');
      // A file of object storage: Copy URI gives the URI its tools take (the node as the explorer makes it).
      const object = {
        kind: 'object',
        id: 'probe',
        name: 'raw/events/part 0.parquet',
        size: 1,
        lastModified: '',
        connection: { id: 'probe', type: 's3', scope: 'user' },
        path: [
          { level: 'bucket', name: 'lake' },
          { level: 'object', name: 'raw/events/part 0.parquet' },
        ],
      };
      await vscode.commands.executeCommand('planasonix.explorer.copyUri', object);
      assert.equal(await vscode.env.clipboard.readText(), 's3://lake/raw/events/part 0.parquet');
    } finally {
      await t.api.deleteConnection(pgConn.id);
    }
  });

  it('keeps a password in VS Code SecretStorage, never in the store file, and removes it on delete', async () => {
    const password = 'probe-secret-1';
    // As the form saves it: the password into a credential (SecretStorage), the connection naming it.
    const credential = await t.credentials.createCredential({ name: 'probe', type: 'database', config: { password } });
    const created = await t.api.createConnection({
      name: 'Password probe',
      type: 'postgres',
      config: { host: pg.host, port: pg.port, user: 'planasonix_pw_probe', database: 'test', sslMode: 'disable' },
      credentialId: credential.id,
    });
    const ok = await t.api.testConnection({
      type: 'postgres',
      config: created.config,
      credentialId: created.credentialId,
    });
    assert.equal(ok.ok, true, `the secret did not round-trip through SecretStorage: ${ok.message}`);
    assert.ok(!readFileSync(t.storeFile, 'utf8').includes(password));
    await t.api.deleteConnection(created.id);
    const after = await t.api.testConnection({
      type: 'postgres',
      config: created.config,
      credentialId: created.credentialId,
    });
    assert.equal(after.errorCode, 'auth_failed', 'the secret outlived its connection');
  });

  it('shows connections from the workspace file as workspace-scoped and read-only', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the tests need a workspace folder');
    const file = path.join(folder, '.vscode', 'planasonix-connections.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        connections: [
          { name: 'Team PG', type: 'postgres', config: { host: pg.host, port: pg.port, user: 'postgres' } },
        ],
      }),
    );
    try {
      const node = await until('the workspace connection', async () =>
        (await t.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === 'Team PG'),
      );
      const item = t.explorer.getTreeItem(node);
      assert.equal(item.contextValue, 'connection.workspace');
      assert.match(String(item.description), /workspace/);
      await assert.rejects(
        t.api.updateConnection((node as Extract<ExplorerNode, { kind: 'connection' }>).connection.id, { name: 'x' }),
        /workspace file/,
      );
    } finally {
      writeFileSync(file, JSON.stringify({ connections: [] }));
    }
    await until(
      'the workspace connection to go',
      async () =>
        (await t.explorer.getChildren()).every((n) => !(n.kind === 'connection' && n.connection.name === 'Team PG')) ||
        undefined,
    );
    assert.ok(existsSync(t.storeFile));
  });

  it('opens one form panel per connection being edited, and one for a new connection', async () => {
    const formTabs = (): vscode.Tab[] =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter(
          (tab) =>
            tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('planasonix.connectionForm'),
        );
    const sample = (await t.explorer.getChildren()).find(
      (n) => n.kind === 'connection' && n.connection.name === 'Sample (SQLite)',
    )!;
    await vscode.commands.executeCommand('planasonix.connections.edit', sample);
    await vscode.commands.executeCommand('planasonix.connections.edit', sample);
    await vscode.commands.executeCommand('planasonix.connections.add');
    await vscode.commands.executeCommand('planasonix.connections.add');
    const tabs = await until('two form tabs', () => (formTabs().length === 2 ? formTabs() : undefined));
    assert.deepEqual(tabs.map((tab) => tab.label).sort(), ['Add Connection', 'Edit Sample (SQLite)']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a connection that cannot connect as an error node with a retry command', async () => {
    const broken = await t.api.createConnection({
      name: 'Unreachable',
      type: 'postgres',
      config: { host: '127.0.0.1', port: 1, user: 'postgres', sslMode: 'disable', connectTimeoutSeconds: 2 },
    });
    try {
      const node = await until('the broken connection', async () =>
        (await t.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.id === broken.id),
      );
      const [message] = await t.explorer.getChildren(node);
      const item = t.explorer.getTreeItem(message);
      assert.match(String(item.label), /^Could not list databases: Connection refused/);
      assert.equal(item.command?.command, 'planasonix.explorer.retry');
    } finally {
      await t.api.deleteConnection(broken.id);
    }
  });
});
