/**
 * Runs inside the real VS Code extension host against the extension built with the tests' manifest
 * (scripts/build-test-extension.ts): the shipped connectors plus test/support/connectors/test-warehouse,
 * a connector with its own SQL dialect and its own level names ("Project", "Dataset"), added by its
 * folder and one manifest line. No product file names it; here it must show in the form, the tree and
 * Run Selection as any shipped connector does.
 */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from '../extension/until';
import type { ExplorerNode } from '../../src/core/explorer/nodes';
import type { PlanasonixTestApi } from '../../src/host/extension';

const extensionId = 'planasonix.planasonix-connections';

describe('a connector added by its folder and one manifest line, in real VS Code', function () {
  let t: PlanasonixTestApi;
  let connectionId = '';
  const name = `Warehouse ${Date.now()}`;

  const shown = (node: ExplorerNode) => {
    const item = t.explorer.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
    return { label, spoken: item.accessibilityInformation?.label ?? '', icon, context: item.contextValue ?? '' };
  };
  const child = async (parent: ExplorerNode | undefined, label: string): Promise<ExplorerNode> => {
    const children = await t.explorer.getChildren(parent);
    const found = children.find((n) => shown(n).label === label);
    assert.ok(found, `"${label}" not among ${children.map((n) => shown(n).label).join(', ')}`);
    return found;
  };

  before(async () => {
    const ext = vscode.extensions.getExtension<PlanasonixTestApi>(extensionId);
    assert.ok(ext, `${extensionId} is not installed in this host`);
    t = await ext.activate();
    await t.ready;
    connectionId = (await t.api.createConnection({ name, type: 'test-warehouse', config: { project: 'acme' } })).id;
    await t.connections.refresh();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (connectionId) await t.api.deleteConnection(connectionId);
  });

  it('is offered in the Add Connection form with its own fields', async () => {
    await vscode.commands.executeCommand('planasonix.connections.add');
    const init = await until('the form', () => t.forms.openForms.find((f) => f.mode === 'create'));
    const choice = init.connectors.find((c) => c.type === 'test-warehouse');
    assert.ok(choice, `not among ${init.connectors.map((c) => c.label).join(', ')}`);
    assert.equal(choice.label, 'Test Warehouse');
    assert.deepEqual(
      choice.fields.map((f) => `${f.name}${f.secret ? ' (secret)' : ''}`),
      ['project', 'token (secret)'],
    );
  });

  it('is browsed in the tree in its own words and icons: Project, Dataset, then tables and columns', async () => {
    const connection = await child(undefined, name);
    assert.match(shown(connection).spoken, new RegExp(`^${name}`));
    const project = await child(connection, 'acme');
    assert.deepEqual(shown(project), { label: 'acme', spoken: 'Project acme', icon: 'project', context: 'catalog' });
    // Its datasets are filtered on the server by table name, as its spec says (searchable: table).
    const dataset = await child(project, 'sales');
    assert.deepEqual(shown(dataset), {
      label: 'sales',
      spoken: 'Dataset sales',
      icon: 'layers',
      context: 'schema.filterable',
    });
    const snapshot = await child(dataset, 'orders_2024');
    assert.equal(shown(snapshot).icon, 'history', 'its own kind of table keeps its own icon');
    const column = await child(await child(dataset, 'orders'), 'id');
    assert.equal(shown(column).spoken, 'Column id, INT64, not null');
    const empty = await t.explorer.getChildren(await child(project, 'empty'));
    assert.deepEqual(
      empty.map((n) => shown(n).label),
      ['No tables'],
    );
  });

  it('runs a SQL file read-only in its dialect from Run Selection, and refuses its own functions with effects', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the tests need a workspace folder');
    const file = path.join(folder, 'warehouse.sql');
    // In this dialect `#` starts a comment: its `;` does not end the statement.
    const sql = '# totals; by dataset\nSELECT 1 AS one;\nSELECT external_query("db", "DELETE FROM t");\n';
    writeFileSync(file, sql);
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      await t.bindings.set(doc.uri, { connectionId });
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, sql.indexOf('1 AS one'));
      const panel = await until('the query panel', () => t.results.queryPanel(doc.uri.toString()));
      await panel.finished;
      assert.equal(panel.state.source.sql, '# totals; by dataset\nSELECT 1 AS one');
      assert.equal(panel.current?.phase, 'done', String(panel.current?.error));
      assert.deepEqual(panel.current?.columns, ['one']);
      await until('the first run in the history', async () =>
        (await t.history.list(connectionId)).find((e) => e.sql.includes('1 AS one')),
      );
      await vscode.commands.executeCommand('planasonix.query.runSelection', doc.uri, sql.indexOf('external_query'));
      const refused = await until('the refusal in the history', async () =>
        (await t.history.list(connectionId)).find((e) => e.sql.includes('external_query')),
      );
      assert.equal(refused.status, 'refused');
      assert.match(refused.message ?? '', /external_query\(\), which acts outside the transaction/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(file, { force: true });
    }
  });

  it("lists its editors' language among those whose menus offer Run Selection", () => {
    const menus = vscode.extensions.getExtension(extensionId)!.packageJSON.contributes.menus as Record<
      string,
      { command: string; when?: string }[]
    >;
    const run = menus['editor/context'].find((m) => m.command === 'planasonix.query.runSelection');
    assert.match(run?.when ?? '', /\|warehouse-sql[|)]/);
  });
});
