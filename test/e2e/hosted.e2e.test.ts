// The hosted Planasonix workspace in real VS Code, against the reference server of the documented API
// (started by the test, its connections backed by the real connectors): sign in with an API key, see a
// hosted connection marked as such, browse it to a table through the API, preview it, sign out.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { samplePath } from '../../scripts/sampleDatabase';
import { ReferenceServer } from '../support/referenceServer';
import { expand, resultsGrid, rowAction, runCommand, showConnections, toast, treeRow, useWorkbench } from './workbench';

describe('hosted workspace in real VS Code: sign in, browse and preview through the API, sign out', function () {
  this.bail(true);
  this.timeout(120_000);
  const key = 'plnx_e2e_key_0123456789';
  let server: ReferenceServer;
  // Hooks run in order: the server starts first, and its address goes into the workspace settings that
  // the workbench writes before it opens.
  const files: Record<string, string> = {};
  const settings: Record<string, unknown> = {};
  /** A server that a cloned repository's settings point the extension at: it must never hear from it. */
  let elsewhere: http.Server;
  const heardElsewhere: string[] = [];
  before(async () => {
    server = await ReferenceServer.start();
    server.keys.add(key);
    await server.backend.api.createConnection({ name: 'Hosted sample', type: 'sqlite', config: { path: samplePath } });
    elsewhere = http.createServer((req, res) => {
      heardElsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    // The user's own setting names the workspace; the folder's settings name another server.
    settings['planasonix.hosted.baseUrl'] = server.url;
    files['.vscode/settings.json'] = JSON.stringify({
      'planasonix.hosted.baseUrl': `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`,
    });
  });
  const workbench = useWorkbench('hosted', undefined, files, settings);
  after(async () => {
    await server?.close();
    elsewhere?.close();
  });

  it("signs in with an API key and shows the workspace's connections beside the local ones, marked as hosted", async () => {
    const { page } = workbench();
    await showConnections(page);
    await treeRow(page, 'Sample (SQLite)').waitFor({ timeout: 30_000 });
    assert.equal(await treeRow(page, 'Hosted sample').count(), 0);
    // From the first start, the workspace is there: one node that signs in (nothing asked of the server yet).
    await page
      .getByRole('treeitem', { name: 'Planasonix workspace: Sign in to see your team’s connections.' })
      .waitFor({ timeout: 30_000 });
    assert.equal(server.log.filter((r) => r.path.startsWith('/api/connections')).length, 0);
    // A wrong key is said in words, naming the server, with a way to try again.
    await runCommand(page, 'Planasonix: Sign In to Planasonix Workspace with API Key…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed hidden');
    assert.match(
      (await page.locator('.quick-input-widget').textContent()) ?? '',
      new RegExp(`An API key for ${server.url.replace(/[.]/g, '\\.')}`),
    );
    await input.fill('plnx_not_the_key_42');
    await page.keyboard.press('Enter');
    // Said in the box, which stays open for another key: no notification is left behind.
    const refused = page.locator('.quick-input-widget', {
      hasText: /did not accept the sign-in: the key or code is wrong, expired or revoked/,
    });
    await refused.waitFor({ timeout: 30_000 });
    assert.ok(!((await refused.textContent()) ?? '').includes('plnx_not_the_key_42'), 'the key was shown');
    assert.equal(await toast(page, /did not accept/).count(), 0);
    await input.fill(key);
    await page.keyboard.press('Enter');
    await toast(page, 'Signed in to the Planasonix workspace.').waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const row = treeRow(page, 'Hosted sample');
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? '', /SQLite · Planasonix/);
    // The team's connections come after this machine's, never mixed into one alphabet.
    const labels = await page
      .locator('.pane-body [role=treeitem][aria-level="1"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    const [local, team] = [labels.indexOf('Sample (SQLite)'), labels.indexOf('Hosted sample')];
    assert.ok(local >= 0 && team > local, labels.join(' | '));
    // A badge at the row's end marks it as the workspace's, whatever the sidebar's width.
    const badgeOf = (): Promise<unknown> =>
      row.evaluate((el) => {
        const style = (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } })
          .getComputedStyle;
        return [...el.querySelectorAll('*')]
          .map((e) => style(e, '::after').content)
          .filter((c) => c && c !== 'none' && c !== 'normal')
          .join(' ');
      });
    let badge: unknown = '';
    for (let i = 0; i < 50 && !/"P"/.test(String(badge)); i++) {
      await page.waitForTimeout(200);
      badge = await badgeOf();
    }
    assert.match(String(badge), /"P"/, `badge: ${String(badge)}; row: ${await row.innerHTML()}`);
    assert.ok(server.log.some((r) => r.headers.authorization === `Bearer ${key}`));
    assert.deepEqual(heardElsewhere, [], "the folder's settings sent the sign-in to another server");
    await workbench().screenshot('hosted-01-signed-in');
  });

  it('browses the hosted connection to a table through the API and previews it in the grid', async () => {
    const { page } = workbench();
    const before = server.log.length;
    await expand(treeRow(page, 'Hosted sample'));
    await expand(treeRow(page, 'Database planasonix-sample.sqlite'));
    await rowAction(treeRow(page, 'table customers'), 'Preview Table');
    const grid = await resultsGrid(page, 'customers');
    await grid.locator('.cell', { hasText: /\S/ }).first().waitFor({ timeout: 30_000 });
    const asked = server.log.slice(before).map((r) => r.path.replace(/conn_[0-9a-f]+/, 'ID'));
    for (const p of ['/api/connections/ID/catalogs', '/api/connections/ID/tables', '/api/connections/ID/preview'])
      assert.ok(asked.includes(p), `${p} was not asked: ${asked.join(', ')}`);
    await workbench().screenshot('hosted-02-preview');
  });

  it("keeps the workspace's connections visible, marked, while it cannot be reached, and recovers", async () => {
    const { page } = workbench();
    server.faults.push({ method: 'GET', path: /^\/api\/connections$/, times: 1000, status: 503 });
    await runCommand(page, 'Planasonix: Refresh All');
    await page.getByRole('treeitem', { name: /Could not list the Planasonix workspace/ }).waitFor({ timeout: 30_000 });
    const row = treeRow(page, 'Hosted sample');
    await row.filter({ hasText: 'offline' }).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample (SQLite)').waitFor();
    await workbench().screenshot('hosted-03-offline');
    server.faults.length = 0;
    await runCommand(page, 'Planasonix: Refresh All');
    await page
      .getByRole('treeitem', { name: /Could not list the Planasonix workspace/ })
      .waitFor({ state: 'detached', timeout: 30_000 });
    await row.filter({ hasText: 'offline' }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('signs out: the hosted connection goes, the local ones stay, and one node offers to sign in again', async () => {
    const { page } = workbench();
    // The preview of the workspace's table is still open: signing out closes it with the rest of the workspace.
    const previewTab = page.locator('.tabs-container .tab', { hasText: 'customers' });
    assert.ok((await previewTab.count()) > 0, 'the preview is not open before signing out');
    await runCommand(page, 'Planasonix: Sign Out of Planasonix Workspace');
    await toast(page, /Signed out of the Planasonix workspace/).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Hosted sample').waitFor({ state: 'detached', timeout: 30_000 });
    await previewTab.first().waitFor({ state: 'detached', timeout: 30_000 });
    await treeRow(page, 'Sample (SQLite)').waitFor();
    // One node says so, and signs in again when clicked.
    const node = page.getByRole('treeitem', {
      name: 'Planasonix workspace: Signed out. Sign in to see its connections.',
    });
    await node.waitFor({ timeout: 30_000 });
    // The approval page opens by itself, and the notification names the server and the code.
    const opened = page.context().waitForEvent('page', { timeout: 30_000 });
    await node.click();
    await page
      .locator('.notifications-toasts', {
        hasText: /Approve the sign-in on 127\.0\.0\.1:\d+ with the code [A-Z0-9]{4}-[A-Z0-9]{4}/,
      })
      .waitFor({ timeout: 30_000 });
    await (await opened).close();
  });
});
