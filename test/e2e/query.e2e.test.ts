/**
 * Run Selection as Test Query in real VS Code: the statement under the cursor runs with Ctrl+Enter
 * against the connection picked for the file, writes are refused before reaching the server, and a
 * long statement is cancelled on the server from the results panel.
 */
import * as assert from 'node:assert/strict';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import { fixtureWorkspace, openFile, useWorkbench, webviewFrame } from './workbench';

const connectionName = 'Query PG';
const marker = `e2e_cancel_${process.pid}`;
const sql = [
  "SELECT 'first' AS which;",
  'SELECT id, name FROM fixture.customers ORDER BY id;',
  "SELECT 'third' AS which;",
  'DELETE FROM fixture.orders;',
  `SELECT pg_sleep(60) AS ${marker};`,
  'SELECT id,\n       nme FROM fixture.customers;',
  "SELECT 'first of two' AS x;SELECT 'second of two' AS y;",
  '',
].join('\n');

const files = {
  ...fixtureWorkspace(connectionName),
  'queries.sql': sql,
};

/** Puts the cursor on a line and column (1-based) through Quick Open's ":line:column". */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: `line ${line}` })
    .or(page.locator('.quick-input-widget', { hasText: `Line ${line}` }))
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Runs the statement at a line and column with Ctrl+Enter, from the editor. */
async function runAt(page: Page, line: number, column: number): Promise<void> {
  await page
    .locator('.editor-instance .monaco-editor')
    .first()
    .click({ position: { x: 300, y: 10 } });
  await goTo(page, line, column);
  await page.keyboard.press('Control+Enter');
}

async function runningSleeps(): Promise<number> {
  const client = new pg.Client({ ...pgServer, database: 'postgres' });
  await client.connect();
  try {
    const r = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${marker}%`],
    );
    return (r.rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

describe('Run Selection as Test Query in real VS Code (code-server + Chromium)', function () {
  this.bail(true);
  this.timeout(180_000);
  before(() => ensurePostgresFixture());
  const workbench = useWorkbench('query', undefined, files);

  it('runs the second of three statements with Ctrl+Enter after asking for the connection', async () => {
    const { page } = workbench();
    await openFile(page, 'queries.sql');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'customers' }).waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: 'No connection' }).waitFor({ timeout: 30_000 });
    // A Run lens above each of the five statements.
    await page.locator('.codelens-decoration', { hasText: 'Run' }).nth(4).waitFor({ timeout: 30_000 });
    await goTo(page, 2, 12);
    await page.keyboard.press('Control+Enter');
    // First run in an unbound editor: which connection, then which default schema.
    await page.locator('.quick-input-widget', { hasText: 'Run against which connection?' }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: connectionName }).first().click();
    await page.locator('.quick-input-widget', { hasText: `Default schema on ${connectionName}` }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '(server default)' }).first().click();
    const grid = webviewFrame(page);
    await grid.locator('.status', { hasText: /^3 rows · limit 100/ }).waitFor({ timeout: 30_000 });
    assert.equal(await grid.locator('.source').textContent(), 'SELECT id, name FROM fixture.customers ORDER BY id');
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    assert.ok(
      cells.includes('Ada Lovelace') && !cells.includes('first') && !cells.includes('third'),
      cells.join(' | '),
    );
    await page.locator('.statusbar-item', { hasText: connectionName }).waitFor();
    await workbench().screenshot('query-01-second-statement');
  });

  it('refuses a write statement before it reaches the server', async () => {
    const { page } = workbench();
    await runAt(page, 4, 3);
    const grid = webviewFrame(page);
    await grid.locator('.error', { hasText: /^Refused: DELETE/ }).waitFor({ timeout: 30_000 });
    // A refusal reads as one: nothing ran, so nothing "failed after 0 rows".
    assert.match((await grid.locator('.status').textContent()) ?? '', /^Refused: nothing ran/);
    const client = new pg.Client({ ...pgServer, database: fixtureDatabase });
    await client.connect();
    try {
      const n = (await client.query('SELECT count(*)::int AS n FROM fixture.orders')).rows[0] as { n: number };
      assert.ok(n.n > 0, 'the orders are still there');
    } finally {
      await client.end();
    }
    await workbench().screenshot('query-02-refused');
  });

  it("shows a failed statement with the server's message and where it points", async () => {
    const { page } = workbench();
    await runAt(page, 7, 9);
    const grid = webviewFrame(page);
    const error = grid.locator('.error', { hasText: 'column "nme" does not exist' });
    await error.waitFor({ timeout: 30_000 });
    assert.equal(await error.locator('.where').textContent(), 'SQLSTATE 42703 · line 2, column 8');
    assert.equal(await error.locator('pre').textContent(), '       nme FROM fixture.customers\n       ^');
    await workbench().screenshot('query-03-error');
  });

  it("runs b from b's Run lens when a;b share a line", async () => {
    const { page } = workbench();
    // The DELETE has no Run lens: its lens says why it will not run.
    await page.locator('.codelens-decoration', { hasText: 'Not run: DELETE is refused (read-only)' }).waitFor();
    // Two statements on line 8: their two lenses sit side by side above it (the seventh and the last Run lens).
    const lenses = page.locator('.codelens-decoration a', { hasText: `Run on ${connectionName}` });
    await lenses.nth(6).waitFor({ timeout: 30_000 });
    assert.equal(await lenses.count(), 7, 'seven of the eight statements have a Run lens');
    await lenses.nth(6).click();
    const grid = webviewFrame(page);
    await grid.locator('.source', { hasText: "SELECT 'second of two' AS y" }).waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    assert.deepEqual(cells, ['second of two']);
    await workbench().screenshot('query-05-lens-of-b');
  });

  it('cancels a long statement from the results panel and stops it on the server', async () => {
    const { page } = workbench();
    await runAt(page, 5, 10);
    const grid = webviewFrame(page);
    await grid.locator('.status', { hasText: /^Running/ }).waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 15_000;
    while ((await runningSleeps()) === 0) {
      if (Date.now() > deadline) throw new Error('the statement never started on the server');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Cancel Test Query is in the palette while the query runs, and only then.
    const paletteOffersCancel = async (expected: boolean): Promise<boolean> => {
      await page.keyboard.press('F1');
      const widget = page.locator('.quick-input-widget');
      await widget.locator('input').fill('>Planasonix: Cancel Test Query');
      const row = widget.locator('.monaco-list-row', { hasText: 'Cancel Test Query' });
      // Offered: the row comes. Not offered: the filtered list holds no such row once it has settled.
      if (expected)
        await row
          .first()
          .waitFor({ timeout: 10_000 })
          .catch(() => undefined);
      else await page.waitForTimeout(1500);
      const offered = (await row.count()) > 0;
      await page.keyboard.press('Escape');
      return offered;
    };
    assert.equal(await paletteOffersCancel(true), true, 'no Cancel Test Query while the query runs');
    await grid.locator('vscode-button', { hasText: 'Cancel' }).click();
    await grid.locator('.status', { hasText: /^Cancelled after 0 rows/ }).waitFor({ timeout: 15_000 });
    assert.equal(await runningSleeps(), 0, 'pg_sleep still runs on the server');
    assert.equal(await paletteOffersCancel(false), false, 'Cancel Test Query is offered with nothing running');
    await workbench().screenshot('query-04-cancelled');
  });
});
