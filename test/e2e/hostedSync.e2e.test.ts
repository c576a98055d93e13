// The hosted workspace in real VS Code against the reference server: sign in with the device flow
// (approved on the server's own page), browse a hosted PostgreSQL connection to its columns through
// the API, preview it and run a test query there, publish a local connection, resolve a conflict in
// the diff editor, and sign out with the account gone from the Accounts menu.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ReferenceServer } from '../support/referenceServer';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import {
  approveDeviceSignIn,
  clearNotifications,
  contextMenu,
  editFromPalette,
  expand,
  input,
  openFile,
  openForm,
  resultsGrid,
  rowAction,
  runCommand,
  setField,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

/** The accounts the Accounts menu lists (it is closed again). */
async function accountsMenu(page: Page): Promise<string> {
  await page.locator('.activitybar .action-label[aria-label^="Accounts"]').click();
  const menu = page.locator('.monaco-menu').first();
  // With no account at all, the menu may not open.
  const shown = await menu.waitFor({ timeout: 5000 }).then(
    () => true,
    () => false,
  );
  const text = shown ? ((await menu.textContent()) ?? '') : '';
  await page.keyboard.press('Escape');
  return text;
}

describe('hosted sync in real VS Code: device sign-in, browse and query through the API, publish, resolve a conflict, sign out', function () {
  this.bail(true);
  this.timeout(180_000);
  let server: ReferenceServer;
  const settings: Record<string, unknown> = {};
  const files: Record<string, string> = { 'hosted.sql': 'SELECT id, name FROM fixture.customers ORDER BY id;\n' };
  before(async () => {
    await ensurePostgresFixture();
    server = await ReferenceServer.start();
    // Only tokens the server issued are accepted from here on.
    server.keys.add('unused-bootstrap-key');
    const config = {
      host: pgServer.host,
      port: pgServer.port,
      user: pgServer.user,
      database: fixtureDatabase,
      sslMode: 'disable',
    };
    await server.backend.save(
      { name: 'Team warehouse', type: 'postgres', config },
      { password: 'kept-in-the-workspace' },
    );
    // The API address is a user setting (a folder's settings cannot redirect a sign-in).
    Object.assign(settings, { 'planasonix.hosted.baseUrl': server.url, 'planasonix.hosted.pollSeconds': 5 });
  });
  const workbench = useWorkbench('hosted-sync', undefined, files, settings);
  after(async () => server?.close());

  it('signs in with the device flow, approved on the Planasonix page, and shows the workspace', async () => {
    const { page } = workbench();
    await showConnections(page);
    // The approval page opens by itself (with the code filled in), as a new browser tab.
    await approveDeviceSignIn(page, server.url);
    const row = treeRow(page, 'Team warehouse');
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? '', /PostgreSQL · Planasonix/);
    const issued = [...server.keys].filter((k) => k.startsWith('at_'));
    assert.equal(issued.length, 1, 'one access token was issued');
    assert.ok(server.log.some((r) => r.headers.authorization === `Bearer ${issued[0]}`));
    assert.match(await accountsMenu(page), /Planasonix/);
    await workbench().screenshot('hosted-sync-01-device-sign-in');
  });

  it('shows a connection added in the workspace, and drops one deleted there, without any refresh (polling)', async () => {
    const { page } = workbench();
    const added = await server.backend.api.createConnection({
      name: 'Added remotely',
      type: 'sqlite',
      config: { path: '/nonexistent/remote.sqlite' },
    });
    await treeRow(page, 'Added remotely').waitFor({ timeout: 30_000 });
    await server.backend.api.deleteConnection(added.id);
    await treeRow(page, 'Added remotely').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('browses the hosted connection to its columns, previews it and runs a test query, all through the API', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    const before = server.log.length;
    await expand(treeRow(page, 'Team warehouse'));
    await expand(treeRow(page, `Database ${fixtureDatabase}`));
    await expand(treeRow(page, 'Schema fixture'));
    await expand(treeRow(page, 'table customers'));
    await treeRow(page, 'Column id, integer, not null').waitFor({ timeout: 30_000 });
    await rowAction(treeRow(page, 'table customers'), 'Preview Table');
    const grid = await resultsGrid(page, 'customers');
    await grid.locator('.cell', { hasText: 'Ada Lovelace' }).first().waitFor({ timeout: 30_000 });
    await openFile(page, 'hosted.sql');
    await page
      .locator('.editor-instance .monaco-editor .view-lines', { hasText: 'customers' })
      .first()
      .waitFor({ timeout: 30_000 });
    // On the statement's own text: the top of the editor is where the Run lens appears, once it has loaded.
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'customers' }).first().click();
    await page.keyboard.press('Control+Enter');
    await page.locator('.quick-input-widget', { hasText: 'Run against which connection?' }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Team warehouse' }).first().click();
    await page.locator('.quick-input-widget', { hasText: 'Default schema on Team warehouse' }).waitFor();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '(server default)' }).first().click();
    const results = webviewFrame(page);
    await results.locator('.status', { hasText: /^3 rows/ }).waitFor({ timeout: 30_000 });
    const asked = server.log.slice(before).map((r) => `${r.method} ${r.path.replace(/conn_[0-9a-f]+/, 'ID')}`);
    for (const p of [
      'GET /api/connections/ID/columns',
      'GET /api/connections/ID/preview',
      'POST /api/connections/test-query',
    ])
      assert.ok(asked.includes(p), `${p} was not asked: ${asked.join(', ')}`);
    await workbench().screenshot('hosted-sync-02-query-through-api');
  });

  it('publishes a local connection after a confirmation that names the workspace; the pair then shows once, linked', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    await contextMenu(page, treeRow(page, 'Sample (SQLite)'), 'Publish to Planasonix Workspace…');
    const dialog = page.locator('.monaco-dialog-box', {
      hasText: 'Publish "Sample (SQLite)" to your Planasonix workspace at',
    });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', new RegExp(server.url.replace(/[.]/g, '\\.')));
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(page, /"Sample \(SQLite\)" is now in your Planasonix workspace/).waitFor({ timeout: 30_000 });
    const row = treeRow(page, 'Sample (SQLite)');
    await row.filter({ hasText: 'linked to Planasonix' }).waitFor({ timeout: 30_000 });
    assert.equal(await row.count(), 1, 'the linked pair shows once');
    const remote = (await server.backend.api.listConnections()).data.find((c) => c.name === 'Sample (SQLite)');
    assert.ok(remote, 'the connection is in the workspace');
    await workbench().screenshot('hosted-sync-03-published');
  });

  it('finds a change on both sides, shows both in a diff editor, and keeps the chosen one on both sides', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    const remote = (await server.backend.api.listConnections()).data.find((c) => c.name === 'Sample (SQLite)')!;
    await runCommand(page, 'View: Close All Editors');
    await page.locator('iframe.webview').first().waitFor({ state: 'detached' });
    // This machine renames it in the form; the workspace renames it too, differently.
    await editFromPalette(page, 'Sample (SQLite)');
    const form = await openForm(page, 'Edit Sample (SQLite)');
    assert.equal(await input(form, 'name').inputValue(), 'Sample (SQLite)');
    await setField(form, 'name', 'Sample (mine)');
    // Both sides change while the workspace cannot be listed: no poll (every 5 s, and nudged by focus and
    // by the change) can see one change alone and sync it before the other lands.
    const listing = { method: 'GET', path: /^\/api\/connections$/, times: 100_000, status: 503 };
    server.faults.push(listing);
    await server.backend.api.updateConnection(remote.id, { name: 'Sample (team)' });
    await form.locator('#save').click();
    await toast(page, 'Connection "Sample (mine)" saved.').waitFor();
    server.faults.splice(server.faults.indexOf(listing), 1);
    await runCommand(page, 'Planasonix: Sync with Planasonix Workspace');
    const conflict = toast(page, /"Sample \(mine\)" was changed both on this machine and in your Planasonix workspace/);
    await conflict.waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample (mine)').filter({ hasText: 'sync conflict' }).waitFor({ timeout: 30_000 });
    // Nothing was overwritten on either side.
    assert.equal((await server.backend.api.getConnection(remote.id)).name, 'Sample (team)');
    await conflict.getByRole('button', { name: 'Compare and Resolve…' }).click();
    await page.locator('.tab', { hasText: 'Planasonix workspace ↔ this machine' }).waitFor({ timeout: 30_000 });
    await page
      .locator('.editor-instance .monaco-diff-editor .view-lines', { hasText: 'Sample (team)' })
      .first()
      .waitFor();
    await page
      .locator('.editor-instance .monaco-diff-editor .view-lines', { hasText: 'Sample (mine)' })
      .first()
      .waitFor();
    await workbench().screenshot('hosted-sync-04-conflict-diff');
    const choose = toast(page, /the workspace's version is on the left/);
    await choose.getByRole('button', { name: "Keep the Workspace's" }).click();
    await toast(page, /"Sample \(mine\)" is in sync again/).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample (team)').filter({ hasText: 'linked to Planasonix' }).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample (mine)').waitFor({ state: 'detached' });
    assert.equal((await server.backend.api.getConnection(remote.id)).name, 'Sample (team)');
    await page.locator('.tab', { hasText: 'Planasonix workspace ↔ this machine' }).waitFor({ state: 'detached' });
  });

  it("merges a conflict by editing this machine's side in the diff editor: both sides get the edited version", async () => {
    const { page } = workbench();
    await clearNotifications(page);
    const remote = (await server.backend.api.listConnections()).data.find((c) => c.name === 'Sample (team)')!;
    await editFromPalette(page, 'Sample (team)');
    const form = await openForm(page, 'Edit Sample (team)');
    await setField(form, 'name', 'Sample (mine again)');
    // As above: both sides change while the workspace cannot be listed.
    const listing = { method: 'GET', path: /^\/api\/connections$/, times: 100_000, status: 503 };
    server.faults.push(listing);
    await server.backend.api.updateConnection(remote.id, { name: 'Sample (team again)' });
    await form.locator('#save').click();
    await toast(page, 'Connection "Sample (mine again)" saved.').waitFor();
    server.faults.splice(server.faults.indexOf(listing), 1);
    await runCommand(page, 'View: Close All Editors');
    await clearNotifications(page);
    await runCommand(page, 'Planasonix: Sync with Planasonix Workspace');
    await treeRow(page, 'Sample (mine again)').filter({ hasText: 'sync conflict' }).waitFor({ timeout: 30_000 });
    await clearNotifications(page);
    await runCommand(page, 'Planasonix: Resolve Sync Conflict…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Sample (mine again)' }).first().click();
    const line = page.locator('.editor-instance .monaco-diff-editor .editor.modified .view-line', {
      hasText: 'Sample (mine again)',
    });
    await line.waitFor({ timeout: 30_000 });
    await line.click();
    // Select the name inside its quotes and type over it (typing quotes or brackets would auto-close).
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 'Sample (mine again)'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('Sample merged');
    await page
      .locator('.editor-instance .monaco-diff-editor .editor.modified .view-line', {
        hasText: '"name": "Sample merged",',
      })
      .waitFor();
    await workbench().screenshot('hosted-sync-05-merge');
    await toast(page, /the workspace's version is on the left/)
      .getByRole('button', { name: 'Use the Right Side (Merged)' })
      .click();
    await toast(page, /is in sync again/).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample merged').filter({ hasText: 'linked to Planasonix' }).waitFor({ timeout: 30_000 });
    assert.equal((await server.backend.api.getConnection(remote.id)).name, 'Sample merged');
  });

  it('signs out: the account leaves the Accounts menu, its token is never used again, local connections stay', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    await runCommand(page, 'Planasonix: Sign Out of Planasonix Workspace');
    await toast(page, /Signed out of the Planasonix workspace. No token is left on this machine/).waitFor({
      timeout: 30_000,
    });
    const signedOutAt = server.log.length;
    await treeRow(page, 'Team warehouse').waitFor({ state: 'detached', timeout: 30_000 });
    await treeRow(page, 'Sample merged').waitFor();
    assert.doesNotMatch(await accountsMenu(page), /Planasonix/);
    // Longer than a poll interval: nothing more reaches the workspace.
    await page.waitForTimeout(7000);
    assert.deepEqual(
      server.log.slice(signedOutAt).map((r) => `${r.method} ${r.path}`),
      [],
    );
  });
});
