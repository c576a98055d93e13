/**
 * Text the extension did not write, in real VS Code: a connection name from a repository's workspace
 * file and a query's own text must show as text in notifications, quick picks, the tree and the grid:
 * no link that runs a command, no $(icon), no bidirectional override applied.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  clearNotifications,
  contextMenu,
  openFile,
  openPlanasonixView,
  toast,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

const hostileName = '[Click to fix](command:workbench.action.files.newUntitledFile) $(alert) ev\u202Eil';
const shownName = '[Click to fix] (command:workbench.action.files.newUntitledFile) $(alert) ev‹U+202E›il';
const treeName = '[Click to fix](command:workbench.action.files.newUntitledFile) $(alert) ev‹U+202E›il';
const files = {
  '.vscode/planasonix-connections.json': JSON.stringify({
    connections: [
      // Nothing listens on port 1: testing it fails at once, with the name in the error notification.
      {
        name: hostileName,
        type: 'postgres',
        config: { host: '127.0.0.1', port: 1, database: 'x', user: 'u', sslMode: 'disable', connectTimeoutSeconds: 2 },
      },
    ],
  }),
  'hostile.sql':
    "SELECT '$(alert) [x](command:workbench.action.files.newUntitledFile)' AS v, 'a' || char(8238) || 'b' AS bidi;\n",
};

async function untitledEditors(page: Page): Promise<number> {
  return page.locator('.tabs-container .tab', { hasText: /^Untitled/ }).count();
}

describe('Untrusted text in real VS Code (code-server + Chromium)', function () {
  this.bail(true);
  this.timeout(180_000);
  const workbench = useWorkbench('untrusted', undefined, files);

  it('shows a workspace connection name as text in the tree and in an error notification: no link, no icon', async () => {
    const { page } = workbench();
    await openPlanasonixView(page);
    const row = treeRow(page, treeName);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.locator('.codicon-alert').count(), 0, 'the tree drew $(alert) as an icon');
    assert.ok(((await row.textContent()) ?? '').includes('ev‹U+202E›il'));
    await clearNotifications(page).catch(() => undefined);
    await contextMenu(page, row, 'Test Connection');
    // The progress notification ("Testing …") and then the error carry the name.
    const progress = toast(page, 'Testing "[Click to fix] (command:');
    const note = page.locator('.notifications-toasts .notification-toast', {
      hasText: shownName,
      has: page.locator('.codicon-error'),
    });
    await note.waitFor({ timeout: 30_000 });
    await workbench().screenshot('untrusted-01-notification');
    // Links in a notification message are <a> elements inside the message (buttons are elsewhere).
    assert.equal(
      await note.locator('.notification-list-item-message a').count(),
      0,
      'the notification rendered a link',
    );
    assert.equal(
      await progress.locator('.notification-list-item-message a').count(),
      0,
      'the progress title rendered a link',
    );
    assert.ok(((await note.textContent()) ?? '').includes(shownName), (await note.textContent()) ?? '');
    const before = await untitledEditors(page);
    await note.locator('.notification-list-item-message').click();
    assert.equal(await untitledEditors(page), before, 'clicking the message ran a command');
  });

  it('shows $(icon) and link syntax literally in the connection pick, the history and the grid; bidi shown by code point', async () => {
    const { page } = workbench();
    await openFile(page, 'hostile.sql');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'bidi' }).waitFor({ timeout: 60_000 });
    await page
      .locator('.editor-instance .monaco-editor')
      .first()
      .click({ position: { x: 300, y: 10 } });
    await page.keyboard.press('Control+Enter');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'Run against which connection?' }).waitFor();
    const hostileRow = widget.locator('.monaco-list-row', { hasText: '$(alert)' });
    await hostileRow.first().waitFor();
    assert.equal(await widget.locator('.codicon-alert').count(), 0, 'the connection pick drew $(alert) as an icon');
    await widget.locator('.monaco-list-row', { hasText: 'Sample (SQLite)' }).first().click();
    const grid = webviewFrame(page);
    await grid.locator('.status', { hasText: /^1 row/ }).waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    assert.ok(cells.includes('a‹U+202E›b'), cells.join(' | '));
    assert.ok(cells.includes('$(alert) [x](command:workbench.action.files.newUntitledFile)'), cells.join(' | '));

    await page.keyboard.press('F1');
    await widget.locator('input').fill('>Planasonix: Show Query History');
    await widget.locator('.monaco-list-row', { hasText: 'Show Query History' }).first().waitFor();
    await page.keyboard.press('Enter');
    await widget.locator('.quick-input-title', { hasText: 'Query history' }).waitFor();
    const entry = widget.locator('.monaco-list-row', { hasText: "SELECT '$(alert) [x](command:" });
    await entry.first().waitFor();
    await workbench().screenshot('untrusted-02-history');
    assert.equal(await widget.locator('.codicon-alert').count(), 0, "the history drew a query's $(alert) as an icon");
    assert.equal(await entry.first().locator('.codicon-pass').count(), 1, 'the status icon is ours and still drawn');
    await page.keyboard.press('Escape');
  });
});
