// Snowflake in real VS Code, from the packaged .vsix, against the Snowflake test server (the real
// snowflake-sdk inside the extension talks to it unchanged): add through the form, browse to columns,
// preview, Ctrl+Enter in a .sql file, and cancel a long statement on the server.
import * as assert from 'node:assert/strict';
import { SnowflakeServer } from '../support/snowflake/server';
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

describe('Snowflake in real VS Code (code-server + Chromium), from the packaged .vsix', function () {
  this.bail(true);
  this.timeout(120_000);
  const name = 'E2E Snowflake';
  let server: SnowflakeServer;
  const files: Record<string, string> = { 'warehouse.sql': 'SELECT * FROM CUSTOMERS;\nSELECT * FROM SLOW;\n' };
  before(async () => {
    server = await SnowflakeServer.start();
    server.users.set('ALICE', { password: 'alice-e2e-pw' });
  });
  const workbench = useWorkbench('snowflake', undefined, files);
  after(async () => server?.close());

  it('adds a Snowflake connection through the form, tested before it is saved', async () => {
    const { page } = workbench();
    await showConnections(page);
    await addThroughForm(page, {
      connector: 'snowflake',
      name,
      fields: {
        account: 'fake',
        user: 'alice',
        password: 'alice-e2e-pw',
        warehouse: 'WH',
        database: 'DEMO_DB',
        schema: 'PUBLIC',
      },
      advanced: { serverUrl: server.url },
      tested: /Connected in \d+ ms · Snowflake 8\.40\.1/,
      screenshot: 'snowflake-00-form',
      shoot: (shot) => workbench().screenshot(shot),
    });
  });

  it('browses databases, schemas and tables to the columns, with Snowflake type names', async () => {
    const { page } = workbench();
    await expand(treeRow(page, name));
    await expand(treeRow(page, 'Database DEMO_DB'));
    await expand(treeRow(page, 'Schema PUBLIC'));
    await expand(treeRow(page, 'table CUSTOMERS'));
    await treeRow(page, 'Column NAME, VARCHAR(100)').waitFor({ timeout: 30_000 });
    assert.match((await treeRow(page, 'dynamic table DAILY_TOTALS').textContent()) ?? '', /dynamic table/);
    await workbench().screenshot('snowflake-01-tree');
  });

  it('previews a table in the grid', async () => {
    const { page } = workbench();
    await rowAction(treeRow(page, 'table CUSTOMERS'), 'Preview Table');
    const grid = await resultsGrid(page, 'CUSTOMERS');
    await grid.locator('.status', { hasText: /^3 rows · limit 100/ }).waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    assert.ok(cells.includes('Ada Lovelace') && cells.includes('Edsger Dijkstra'), cells.join(' | '));
  });

  it('runs the statement under the cursor with Ctrl+Enter, and cancels a long one on the server', async () => {
    const { page } = workbench();
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'warehouse.sql');
    const line = page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'CUSTOMERS' }).first();
    await line.waitFor({ timeout: 30_000 });
    await line.click();
    await page.keyboard.press('Control+Enter');
    await page.locator('.quick-input-widget', { hasText: 'Run against which connection?' }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
    await page.locator('.quick-input-widget', { hasText: `Default schema on ${name}` }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '(server default)' }).first().click();
    const results = webviewFrame(page);
    await results.locator('.status', { hasText: /^3 rows/ }).waitFor({ timeout: 30_000 });
    await workbench().screenshot('snowflake-02-query');
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'SLOW' }).first().click();
    await page.keyboard.press('Control+Enter');
    await results.locator('.status', { hasText: /^Running/ }).waitFor({ timeout: 30_000 });
    await results.locator('vscode-button', { hasText: 'Cancel' }).click();
    await results.locator('.status', { hasText: /^Cancelled/ }).waitFor({ timeout: 15_000 });
    assert.ok(
      server.log.some((r) => /\/abort-request$/.test(r.path)),
      'no abort request reached Snowflake',
    );
    assert.deepEqual(
      server.log.filter((r) => r.path === '/telemetry/send'),
      [],
    );
  });
});
