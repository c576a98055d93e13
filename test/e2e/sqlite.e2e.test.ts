import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { samplePath } from '../../scripts/sampleDatabase';
import {
  chooseFileInDialog,
  expand,
  input,
  openAddForm,
  openForm,
  setField,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
  waitForValue,
} from './workbench';

describe('SQLite in real VS Code: add a file through the form and its file picker', function () {
  this.bail(true);
  this.timeout(120_000);
  const workbench = useWorkbench('sqlite', (wb) =>
    copyFileSync(samplePath, path.join(wb.dirs.workspace, 'shop.sqlite')),
  );

  it('says a missing file is missing, next to the field, before anything is saved', async () => {
    const { page } = workbench();
    await showConnections(page);
    const form = await openAddForm(page);
    await form.locator('button.connector[data-type="sqlite"]').click();
    await setField(form, 'name', 'Shop file');
    await setField(form, 'path', '/no/such/file.sqlite');
    await form.locator('#test').click();
    await form.locator('#error-path', { hasText: 'No file at "/no/such/file.sqlite".' }).waitFor();
  });

  it('picks the database file with Browse…, tests and saves, then browses it', async () => {
    const { page } = workbench();
    const form = await openForm(page, 'Add connection');
    await form.locator('vscode-button[data-browse="path"]').click();
    const file = path.join(workbench().dirs.workspace, 'shop.sqlite');
    await chooseFileInDialog(page, file);
    await waitForValue(input(form, 'path'), file);
    await form.locator('#test').click();
    await form.locator('#status.ok', { hasText: /Connected in \d+ ms · SQLite 3\./ }).waitFor();
    await form.locator('#save').click();
    await toast(page, 'Connection "Shop file" saved.').waitFor();
    await expand(treeRow(page, 'Shop file'));
    await expand(treeRow(page, 'Database shop.sqlite'));
    await treeRow(page, 'view order_totals').waitFor();
    await workbench().screenshot('sqlite-01-added');
  });
});
