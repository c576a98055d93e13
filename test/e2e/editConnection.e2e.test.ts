import * as assert from 'node:assert/strict';
import { pgServer } from '../support/servers';
import { answer, clearNotifications, contextMenu, openPlanasonixView, openWorkbench, pick, rowAction, runCommand, toast, treeRow, type Workbench } from './workbench';

// A role that must give its password (scripts/ensure-services.sh creates it): a kept or lost
// secret shows in whether the server lets us in.
const role = { user: 'planasonix_pw_probe', password: 'probe-secret-1' };

describe('Editing a connection in real VS Code keeps its secret and loses nothing on failure', function () {
  this.bail(true);
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAIL-edit-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(() => wb?.close());

  it('takes the password in a masked field and connects with it', async () => {
    const { page } = wb;
    await openPlanasonixView(page);
    await treeRow(page, 'Sample (SQLite)').waitFor({ timeout: 30_000 });
    await runCommand(page, 'Planasonix: Add Connection');
    await pick(page, 'Add Connection: connector', 'PostgreSQL');
    await answer(page, /\(1\/8\)/, pgServer.host);
    await answer(page, /\(2\/8\)/, String(pgServer.port));
    await answer(page, /\(3\/8\)/, 'test');
    await answer(page, /\(4\/8\)/, role.user);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /\(5\/8\)/ }).waitFor();
    assert.equal(await page.locator('.quick-input-widget input.input').getAttribute('type'), 'password');
    await answer(page, /\(5\/8\)/, role.password);
    await pick(page, /\(6\/8\)/, 'disable');
    await answer(page, /\(8\/8\)/, 'Probe');
    await pick(page, 'Add Connection', 'Test and save');
    await toast(page, /Connection "Probe" saved · connected in \d+ ms/).waitFor();
    await treeRow(page, 'Probe').waitFor();
  });

  it('keeps the saved password when an edit leaves it empty', async () => {
    const { page } = wb;
    await contextMenu(page, treeRow(page, 'Probe'), 'Edit Connection');
    const title = page.locator('.quick-input-widget .quick-input-title', { hasText: /Edit Probe: PostgreSQL \(1\/8\)/ });
    await title.waitFor();
    assert.equal(await page.locator('.quick-input-widget input.input').inputValue(), pgServer.host, 'the saved host is prefilled');
    for (const step of [1, 2, 3, 4]) await answer(page, new RegExp(`\\(${step}/8\\)`));
    await page.locator('.quick-input-widget', { hasText: 'leave empty to keep the saved one' }).waitFor();
    await answer(page, /\(5\/8\)/, '');
    await pick(page, /\(6\/8\)/, 'disable');
    await answer(page, /\(8\/8\)/, 'Probe renamed');
    await pick(page, 'Edit Probe', 'Test and save');
    await toast(page, /Connection "Probe renamed" updated · connected in \d+ ms/).waitFor();
    await clearNotifications(page);
    await rowAction(treeRow(page, 'Probe renamed'), 'Test Connection');
    await toast(page, /"Probe renamed": connected in \d+ ms/).waitFor();
  });

  it('after a failed test, offers the typed values again and saves nothing', async () => {
    const { page } = wb;
    await contextMenu(page, treeRow(page, 'Probe renamed'), 'Edit Connection');
    for (const step of [1, 2, 3, 4]) await answer(page, new RegExp(`Edit Probe renamed: PostgreSQL \\(${step}/8\\)`));
    await answer(page, /\(5\/8\)/, 'a-wrong-password');
    await pick(page, /\(6\/8\)/, 'disable');
    await answer(page, /\(8\/8\)/, 'Probe typo');
    await pick(page, 'Edit Probe renamed', 'Test and save');
    const failed = toast(page, /Connection test failed: .*password.*Changes to "Probe typo" were not saved\./i);
    await failed.getByRole('button', { name: 'Edit Again' }).click();
    // The flow comes back with what was typed, including the new name.
    for (const step of [1, 2, 3, 4, 5]) await answer(page, new RegExp(`\\(${step}/8\\)`));
    await pick(page, /\(6\/8\)/, 'disable');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /\(8\/8\)/ }).waitFor();
    assert.equal(await page.locator('.quick-input-widget input.input').inputValue(), 'Probe typo');
    await page.keyboard.press('Escape');
    await treeRow(page, 'Probe renamed').waitFor();
    await clearNotifications(page);
    await rowAction(treeRow(page, 'Probe renamed'), 'Test Connection');
    await toast(page, /"Probe renamed": connected in \d+ ms/).waitFor();
  });
});
