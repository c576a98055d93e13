// Databricks SQL in real VS Code, from the packaged .vsix, against the Databricks test server (the real
// @databricks/sql inside the extension speaks Thrift over HTTPS to it, trusting its CA through the
// connection's CA file): add through the form, browse to columns, preview, Ctrl+Enter in a .sql file,
// and cancel a long statement on the server.
import * as assert from 'node:assert/strict';
import { DatabricksServer } from '../support/databricks/server';
import {
  addThroughForm,
  expand,
  openFile,
  resultsGrid,
  rowAction,
  runCommand,
  showConnections,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

describe('Databricks SQL in real VS Code (code-server + Chromium), from the packaged .vsix', function () {
  this.bail(true);
  this.timeout(120_000);
  const name = 'E2E Databricks';
  const token = 'dapi-e2e-token-5566778899';
  let server: DatabricksServer;
  const files: Record<string, string> = {
    'lakehouse.sql': 'SELECT * FROM main.default.customers;\nSELECT * FROM main.default.slow;\n',
  };
  before(async () => {
    server = await DatabricksServer.start();
    server.tokens.add(token);
  });
  const workbench = useWorkbench('databricks', undefined, files);
  after(async () => server?.close());

  it('adds a Databricks connection through the form, tested before it is saved', async () => {
    const { page } = workbench();
    await showConnections(page);
    await addThroughForm(page, {
      connector: 'databricks',
      name,
      fields: {
        host: `${server.host}:${server.port}`,
        httpPath: server.httpPath,
        token,
        catalog: 'main',
        schema: 'default',
      },
      advanced: { caFile: server.ca.caFile },
      tested: /Connected in \d+ ms · Databricks SQL 2025\.35/,
      screenshot: 'databricks-00-form',
      shoot: (shot) => workbench().screenshot(shot),
    });
    assert.ok(
      server.log.every((r) => r.authorization === undefined || r.authorization === `Bearer ${token}`),
      'a request carried another token',
    );
  });

  it('browses catalogs, schemas and tables to the columns, with Spark type names', async () => {
    const { page } = workbench();
    await expand(treeRow(page, name));
    await expand(treeRow(page, 'Catalog main'));
    await expand(treeRow(page, 'Schema default'));
    await expand(treeRow(page, 'table all_types'));
    await treeRow(page, 'Column dec38, DECIMAL(38,0)').waitFor({ timeout: 30_000 });
    await treeRow(page, 'Column st, STRUCT<a: BIGINT, b: DOUBLE>').waitFor();
    assert.match((await treeRow(page, 'materialized view top_customers').textContent()) ?? '', /materialized view/);
    await workbench().screenshot('databricks-01-tree');
  });

  it('previews a table in the grid, with its values as the warehouse has them', async () => {
    const { page } = workbench();
    await rowAction(treeRow(page, 'table all_types'), 'Preview Table');
    const grid = await resultsGrid(page, 'all_types');
    await grid.locator('.status', { hasText: /^2 rows · limit 100/ }).waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    // The grid draws the columns in view: BIGINT past 2^53, DECIMAL(38,0), FLOAT's own digits, a bidi control shown as such.
    for (const exact of [
      '9007199254740993',
      '12345678901234567890123456789012345678',
      '1.4142',
      'naïve ‹U+202E›text',
    ]) {
      assert.ok(cells.includes(exact), `${exact} is not in the grid: ${cells.join(' | ')}`);
    }
  });

  it('runs the statement under the cursor with Ctrl+Enter, and cancels a long one on the server', async () => {
    const { page } = workbench();
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'lakehouse.sql');
    const line = page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'customers' }).first();
    await line.waitFor({ timeout: 30_000 });
    await line.click();
    await page.keyboard.press('Control+Enter');
    await page.locator('.quick-input-widget', { hasText: 'Run against which connection?' }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
    await page.locator('.quick-input-widget', { hasText: `Default schema on ${name}` }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '(server default)' }).first().click();
    const results = webviewFrame(page);
    await results.locator('.status', { hasText: /^50 rows/ }).waitFor({ timeout: 30_000 });
    // Said plainly with the result: the server does not enforce read-only.
    await results.locator('.notice', { hasText: 'Databricks does not enforce read-only' }).waitFor();
    await workbench().screenshot('databricks-02-query');
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'slow' }).first().click();
    await page.keyboard.press('Control+Enter');
    await results.locator('.status', { hasText: /^Running/ }).waitFor({ timeout: 30_000 });
    await results.locator('vscode-button', { hasText: 'Cancel' }).click();
    await results.locator('.status', { hasText: /^Cancelled/ }).waitFor({ timeout: 15_000 });
    assert.ok(server.cancelled.includes('SELECT * FROM main.default.slow'), 'no CancelOperation reached the warehouse');
  });
});
