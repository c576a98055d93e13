import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { samplePath } from '../../scripts/sampleDatabase';
import { answer, expand, openPlanasonixView, openWorkbench, pick, runCommand, toast, treeRow, type Workbench } from './workbench';

describe('SQLite in real VS Code: add a file through the file picker', function () {
  this.bail(true);
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
    copyFileSync(samplePath, path.join(wb.dirs.workspace, 'shop.sqlite'));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAIL-sqlite-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(() => wb?.close());

  it('picks the database file in the open dialog, tests and saves, then browses it', async () => {
    const { page } = wb;
    await openPlanasonixView(page);
    await treeRow(page, 'Sample (SQLite)').waitFor({ timeout: 30_000 });
    await runCommand(page, 'Planasonix: Add Connection');
    await pick(page, 'Add Connection: connector', 'SQLite');
    await pick(page, /\(1\/2\)/, 'Choose a file');
    // code-server shows VS Code's simple file dialog: a path input in the quick input.
    const file = path.join(wb.dirs.workspace, 'shop.sqlite');
    const input = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget', { hasText: 'Database file' }).waitFor();
    await input.fill(file);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'shop.sqlite' }).first().waitFor();
    await page.keyboard.press('Enter');
    await answer(page, /\(2\/2\)/, 'Shop file');
    await pick(page, 'Add Connection', 'Test and save');
    await toast(page, /Connection "Shop file" saved · connected in \d+ ms · SQLite 3\./).waitFor();
    await expand(treeRow(page, 'Shop file'));
    await expand(treeRow(page, 'Database shop.sqlite'));
    await treeRow(page, 'view order_totals').waitFor();
    await wb.screenshot('sqlite-01-added');
  });
});
