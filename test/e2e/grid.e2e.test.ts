/**
 * The results grid in real VS Code: a million-row preview scrolled to its end, sorting on the
 * server, CSV export compared with the database, and hostile text in table names, column names and
 * cells shown as text and never run.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import type { FrameLocator, Page } from 'playwright-core';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import {
  clearNotifications,
  expand,
  fixtureWorkspace,
  resultsGrid,
  rowAction,
  runCommand,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
} from './workbench';

const connectionName = 'Grid PG';
const payloads = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'xss-payloads.json'), 'utf8'),
) as string[];
const xssTable = '<img src=x onerror=alert(0)>';

async function waitForStatus(frame: FrameLocator, text: RegExp, timeoutMs = 60_000): Promise<void> {
  await frame.locator('.status', { hasText: text }).waitFor({ timeout: timeoutMs });
}

/** The text of a cell by row number (1-based, as the gutter shows it) and column index. */
function cell(frame: FrameLocator, rowNumber: number, column: number) {
  return frame.locator(`.row[aria-rowindex="${rowNumber + 1}"]:not([hidden]) .cell[aria-colindex="${column + 2}"]`);
}

/**
 * For the JSON export only: JSON carries numbers, booleans and JSON as such, so both sides are
 * compared as values (1.50 and 1.5 are one number; the same document with other spacing is equal).
 */
function asJsonValue(column: string, v: string | null): string | null {
  if (v === null) return null;
  if (column === 'flag') return v === 't' || v === 'true' ? 'true' : v === 'f' || v === 'false' ? 'false' : v;
  if (column === 'doc') return JSON.stringify(JSON.parse(v));
  if (['id', 'amount', 'qty', 'ratio', 'big', 'small', 'price'].includes(column)) return String(Number(v));
  return v;
}

/**
 * Asserts that exported records (values as text, NULL as null) are fixture.wide, column by column,
 * against the server's own text form of every value (what psql prints: the wire text, unparsed).
 */
async function assertEqualToWide(
  records: Record<string, string | null>[],
  norm: (column: string, v: string | null) => string | null = (_c, v) => v,
): Promise<void> {
  const client = new pg.Client({
    ...pgServer,
    database: fixtureDatabase,
    types: { getTypeParser: () => (v: string) => v },
  });
  await client.connect();
  try {
    const columns = (
      await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'fixture' AND table_name = 'wide' ORDER BY ordinal_position`,
      )
    ).rows.map((r) => r.column_name);
    assert.deepEqual(Object.keys(records[0]), columns);
    const db = await client.query<Record<string, string | null>>(`SELECT ${columns.join(', ')} FROM fixture.wide`);
    assert.equal(records.length, db.rows.length);
    const byId = new Map(db.rows.map((r) => [norm('id', r.id), r]));
    for (const record of records) {
      const want = byId.get(norm('id', record.id));
      assert.ok(want, `row ${record.id} is not in the table`);
      for (const c of columns) assert.equal(norm(c, record[c]), norm(c, want[c]), `row ${record.id}, column ${c}`);
    }
    assert.ok(
      records.some((r) => r.note === null) && records.some((r) => r.note === ''),
      'NULL and "" both came through apart',
    );
  } finally {
    await client.end();
  }
}

async function openFixtureSchema(page: Page, schema: string): Promise<void> {
  await expand(treeRow(page, connectionName));
  await expand(treeRow(page, `Database ${fixtureDatabase}`));
  await expand(treeRow(page, `Schema ${schema}`));
}

async function setLimit(frame: FrameLocator, limit: number): Promise<void> {
  await frame.locator('.limit vscode-textfield input').fill(String(limit));
  await frame.locator('.limit vscode-button').click();
}

describe('results grid in real VS Code (code-server + Chromium), from the packaged .vsix', function () {
  this.bail(true);
  this.timeout(180_000);
  before(() => ensurePostgresFixture());
  const dialogs: string[] = [];
  const workbench = useWorkbench(
    'grid',
    (wb) => {
      // Any alert/confirm/prompt from any frame (a payload that ran) lands here.
      wb.page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
    },
    fixtureWorkspace(connectionName),
  );

  it('previews a 1,000,000-row table and scrolls to its last rows', async () => {
    const { page } = workbench();
    await showConnections(page);
    await openFixtureSchema(page, 'fixture');
    await rowAction(treeRow(page, 'table big'), 'Preview Table');
    const frame = await resultsGrid(page, 'fixture.big');
    await waitForStatus(frame, /^100 rows · truncated at the limit of 100/);
    await frame.locator('.head', { hasText: 'payload' }).filter({ hasText: 'text' }).waitFor();

    // Sorting asks the server again, with ORDER BY.
    await frame.locator('button.sort[aria-label="Sort by id"]').click();
    await waitForStatus(frame, /^100 rows/);
    await frame.locator('button.sort.on[aria-label="Sort by id"]').waitFor();
    await frame.locator('button.sort[aria-label="Sort by id"]').click();
    await frame.locator('button.sort.on.codicon-arrow-down[aria-label="Sort by id"]').waitFor();
    await cell(frame, 1, 0)
      .filter({ hasText: /^1000000$/ })
      .waitFor();

    // The whole table: streamed to the extension's spool, paged into the grid as it scrolls.
    await setLimit(frame, 1_000_000);
    await waitForStatus(frame, /^1,000,000 rows · limit 1,000,000/, 120_000);
    await workbench().screenshot('grid-01-million');
    await cell(frame, 1, 1).click();
    await page.keyboard.press('Control+End');
    const last = cell(frame, 1_000_000, 0);
    await last.filter({ hasText: /^1$/ }).waitFor();
    assert.equal(await cell(frame, 1_000_000, 1).textContent(), 'c4ca4238a0b923820dcc509a6f75849b'); // md5('1')
    assert.equal(await cell(frame, 999_999, 0).textContent(), '2');
    // And back into the middle with the keyboard: rows arrive for wherever one lands.
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageUp');
    const middle = frame.locator('.row:not([hidden]) .cell.active');
    await middle.filter({ hasText: /^[0-9a-f]{32}$/ }).waitFor();
    assert.equal(await frame.locator('.row:not([hidden]) .cell.loading').count(), 0);
    await workbench().screenshot('grid-02-last-rows');
  });

  it('exports a preview as CSV to a file chosen in the save dialog, equal to the database', async () => {
    const { page } = workbench();
    await rowAction(treeRow(page, 'table wide'), 'Preview Table');
    const frame = await resultsGrid(page, 'fixture.wide');
    await setLimit(frame, 1000);
    await waitForStatus(frame, /^1,000 rows · limit 1,000/);
    await clearNotifications(page);
    await frame.locator('vscode-button', { hasText: 'CSV' }).click();
    const dialogInput = page.locator('.quick-input-widget input.input');
    await dialogInput.waitFor();
    await page.waitForFunction(
      "(document.querySelector('.quick-input-widget input.input')?.value ?? '').endsWith('wide.csv')",
    );
    await page.keyboard.press('Enter');
    await toast(page, 'Exported 1,000 rows to wide.csv.').waitFor({ timeout: 60_000 });

    const text = readFileSync(path.join(workbench().dirs.workspace, 'wide.csv'), 'utf8');
    // NULL is an empty field; the empty string is "" (csv-parse tells the two apart by the quotes).
    const records = parse(text, {
      columns: true,
      cast: (value, context) => (value === '' && !context.quoting && !context.header ? null : value),
    }) as Record<string, string | null>[];
    await assertEqualToWide(records);
  });

  it('exports the same preview as JSON: one object per row, NULL as null, numbers, booleans and JSON as themselves', async () => {
    const { page } = workbench();
    const frame = await resultsGrid(page, 'fixture.wide');
    await clearNotifications(page);
    await frame.locator('vscode-button', { hasText: 'JSON' }).click();
    await page.locator('.quick-input-widget input.input').waitFor();
    await page.waitForFunction(
      "(document.querySelector('.quick-input-widget input.input')?.value ?? '').endsWith('wide.json')",
    );
    await page.keyboard.press('Enter');
    await toast(page, 'Exported 1,000 rows to wide.json.').waitFor({ timeout: 60_000 });
    const rows = JSON.parse(readFileSync(path.join(workbench().dirs.workspace, 'wide.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    assert.equal(typeof rows[0].id, 'number');
    assert.ok(
      rows.some((r) => typeof r.flag === 'boolean'),
      'booleans stay booleans',
    );
    assert.ok(
      rows.some((r) => r.doc !== null && typeof r.doc === 'object'),
      'JSON stays JSON',
    );
    // Compared as text with the database, as the CSV is.
    const asText = (v: unknown): string | null =>
      v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);
    await assertEqualToWide(
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asText(v)]))),
      asJsonValue,
    );
  });

  it('resizes a column by dragging the edge of its header', async () => {
    const { page } = workbench();
    const frame = await resultsGrid(page, 'fixture.wide');
    const head = frame.locator('.header .cell.head[data-col="1"]');
    const before = (await head.boundingBox())!;
    const grip = (await head.locator('.grip').boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 60, grip.y + grip.height / 2, { steps: 4 });
    await page.mouse.move(grip.x + grip.width / 2 + 120, grip.y + grip.height / 2, { steps: 4 });
    await page.mouse.up();
    let after = (await head.boundingBox())!;
    for (let i = 0; i < 40 && after.width - before.width < 119; i++) {
      await page.waitForTimeout(50);
      after = (await head.boundingBox())!;
    }
    assert.equal(Math.round(after.width - before.width), 120);
    // The column's cells follow, and so does the next column.
    assert.equal(Math.round((await cell(frame, 1, 1).boundingBox())!.width), Math.round(after.width));
    const next = (await frame.locator('.header .cell.head[data-col="2"]').boundingBox())!;
    assert.equal(Math.round(next.x), Math.round(after.x + after.width));

    // And by keyboard: Alt+Shift+Right/Left on a cell widens or narrows its column by 16 px.
    await cell(frame, 1, 1).click();
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    const widthNow = async (): Promise<number> => Math.round((await head.boundingBox())!.width);
    for (let i = 0; i < 40 && (await widthNow()) !== Math.round(after.width) + 16; i++) await page.waitForTimeout(50);
    assert.equal(await widthNow(), Math.round(after.width) + 16);
    await frame.locator('.cell.sel.active').waitFor(); // the keys resized; they did not move or extend the selection
    assert.equal(
      await frame
        .locator('.footer')
        .textContent()
        .then((t) => t?.startsWith('1 × 1 selected')),
      true,
    );
  });

  it('copies selected cells as TSV, with headers on Ctrl+Shift+C', async () => {
    const { page } = workbench();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const frame = await resultsGrid(page, 'fixture.wide');
    await frame.locator('button.sort[aria-label="Sort by id"]').click();
    await frame.locator('button.sort.on[aria-label="Sort by id"]').waitFor();
    await cell(frame, 1, 0).filter({ hasText: /^1$/ }).waitFor();
    await cell(frame, 1, 0).click();
    await cell(frame, 3, 1).click({ modifiers: ['Shift'] });
    await frame.locator('.footer', { hasText: /^3 × 2 selected/ }).waitFor();
    const clipboard = (): Promise<string> => page.evaluate('navigator.clipboard.readText()') as Promise<string>;
    /** The clipboard once it holds something other than what it held (the host writes it a moment later). */
    const clipboardChanged = async (from: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const text = await clipboard();
        if (text !== from) return text;
        await page.waitForTimeout(100);
      }
      return from;
    };
    await page.evaluate("navigator.clipboard.writeText('')");
    await page.keyboard.press('Control+C');
    const tsv = await clipboardChanged('');
    assert.equal(tsv, '1\tname 1\n2\tname 2\n3\tname 3');
    await page.keyboard.press('Control+Shift+C');
    assert.equal(await clipboardChanged(tsv), 'id\tname\n1\tname 1\n2\tname 2\n3\tname 3');

    // The whole value on demand: a JSON cell opens pretty-printed in an editor beside.
    await cell(frame, 1, 0).click();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await frame.locator('.row:not([hidden]) .cell.active.json').waitFor();
    await page.keyboard.press('Enter');
    const shown = page.locator('.editor-instance .monaco-editor .view-lines', { hasText: '"even": false' });
    await shown.waitFor({ timeout: 15_000 });
    assert.match((await shown.innerText()).replace(/\u00a0/g, ' '), /"n": 1,/);
    // A read-only view: closing it asks nothing.
    await page.locator('.tab', { hasText: 'doc (row 1)' }).waitFor();
    await runCommand(page, 'View: Close Editor');
    await page.locator('.tab', { hasText: 'doc (row 1)' }).waitFor({ state: 'detached' });
  });

  it('shows hostile table names, column names and values as text, and runs none of them', async () => {
    const { page } = workbench();
    await openFixtureSchema(page, 'xss');
    const row = treeRow(page, `table ${xssTable}`);
    await row.waitFor();
    await rowAction(row, 'Preview Table');
    const frame = await resultsGrid(page, xssTable);
    await waitForStatus(frame, new RegExp(`^${payloads.length} rows`));
    assert.equal(await frame.locator('.source').textContent(), `${fixtureDatabase}.xss.${xssTable}`);
    const seenHeaders = new Set<string>();
    const seenCells = new Set<string>();
    const collect = async (): Promise<void> => {
      for (const h of await frame.locator('.head .name').allTextContents()) seenHeaders.add(h);
      for (const c of await frame.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents()) seenCells.add(c);
    };
    await cell(frame, 1, 0).click();
    await collect();
    for (let i = 0; i < payloads.length; i++) {
      await page.keyboard.press('ArrowRight');
      await collect();
    }
    await workbench().screenshot('grid-03-xss');
    for (const p of payloads) {
      assert.ok(seenHeaders.has(p), `column name shown as text: ${p}`);
      assert.ok(seenCells.has(p), `cell value shown as text: ${p}`);
    }
    // Nothing became markup: the grid's cells hold text only, and no element a payload names exists.
    const injected = await frame
      .locator(
        '.overlay img, .overlay svg, .overlay script, .overlay iframe, .overlay a, .overlay object, .overlay details, .overlay input, .overlay math, .overlay body',
      )
      .count();
    assert.equal(injected, 0);
    assert.equal(await frame.locator('.row .cell *').count(), 0, 'a cell holds an element');
    // The tab title is the table name as text too.
    await page.locator('.tab', { hasText: xssTable }).first().waitFor();
    await page.waitForTimeout(500); // give a payload that did run the chance to raise its dialog
    assert.deepEqual(dialogs, []);
  });

  it('comes back after the window reloads, reading the preview again', async () => {
    const { page } = workbench();
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = await resultsGrid(page, xssTable);
    await waitForStatus(frame, new RegExp(`^${payloads.length} rows`));
    assert.ok(
      (await frame.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents()).some((c) =>
        payloads.includes(c),
      ),
    );
    assert.deepEqual(dialogs, []);
  });
});
