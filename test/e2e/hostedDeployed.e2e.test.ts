// The hosted workspace in real VS Code against the reference server's *deployed* profile: the back end
// Planasonix actually runs, as its own Go client reads it (bare lists, {category, params} records with
// the password inline, PUT replacing the whole record, "pending" device polls answered 200). Sign in by
// device code, browse a workspace connection to a preview, edit it in the form, publish one of this
// machine's, and check after each step that every record in the workspace is whole.
import * as assert from 'node:assert/strict';
import { ReferenceServer } from '../support/referenceServer';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import {
  approveDeviceSignIn,
  clearNotifications,
  contextMenu,
  editFromPalette,
  expand,
  input,
  openForm,
  resultsGrid,
  rowAction,
  runCommand,
  selectOption,
  setField,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
} from './workbench';

describe('hosted workspace in real VS Code against the back end Planasonix deploys: nothing destroyed', function () {
  this.bail(true);
  this.timeout(180_000);
  let server: ReferenceServer;
  const password = 'kept-inline-by-the-workspace';
  const settings: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  /** The workspace's records as the server holds them, whole (the password inline included). */
  const records = (): Record<string, unknown>[] => [...server.deployed.records.values()].map((r) => structuredClone(r));
  /** Every record still has its type, category and settings, and the list answers for everyone. */
  async function assertIntact(): Promise<void> {
    for (const r of records()) {
      assert.ok(r.type && r.category, `a record lost its type or category: ${JSON.stringify({ ...r, params: '…' })}`);
      assert.ok(Object.keys(r.params as object).length > 0, `a record lost its settings: ${String(r.name)}`);
    }
    const listed = await fetch(`${server.url}/api/connections`, {
      headers: { Authorization: `Bearer ${[...server.keys].find((k) => k.startsWith('at_'))}` },
    });
    assert.equal(listed.status, 200, 'the workspace no longer lists');
  }

  before(async () => {
    await ensurePostgresFixture();
    server = await ReferenceServer.start('deployed');
    server.keys.add('unused-bootstrap-key');
    server.deployed.records.set('conn_team', {
      id: 'conn_team',
      name: 'Team warehouse',
      type: 'postgres',
      category: 'source',
      params: {
        host: pgServer.host,
        port: String(pgServer.port),
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
        password,
        // A setting this extension does not know: kept as the workspace has it.
        applicationName: 'nightly-etl',
      },
    });
    // The API address is a user setting (a folder's settings cannot redirect a sign-in).
    Object.assign(settings, { 'planasonix.hosted.baseUrl': server.url, 'planasonix.hosted.pollSeconds': 5 });
  });
  const workbench = useWorkbench('hosted-deployed', undefined, files, settings);
  after(async () => server?.close());

  it('signs in by device code (the server says "pending" with 200) and lists the workspace', async () => {
    const { page } = workbench();
    await showConnections(page);
    await page
      .getByRole('treeitem', { name: 'Planasonix workspace: Sign in to see your team’s connections.' })
      .waitFor({ timeout: 30_000 });
    // Polls answered "pending" with HTTP 200 keep the sign-in going until the user approves.
    await approveDeviceSignIn(page, server.url, 1500);
    await treeRow(page, 'Team warehouse').waitFor({ timeout: 30_000 });
    assert.ok(
      server.log.filter((r) => r.path === '/api/v2/auth/device/token').length > 1,
      'the first pending answer ended the sign-in',
    );
    await assertIntact();
    await workbench().screenshot('hosted-deployed-01-signed-in');
  });

  it('browses the workspace connection to its columns and previews it, through the API', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    await expand(treeRow(page, 'Team warehouse'));
    await expand(treeRow(page, `Database ${fixtureDatabase}`));
    await expand(treeRow(page, 'Schema fixture'));
    await expand(treeRow(page, 'table customers'));
    await treeRow(page, 'Column id, integer, not null').waitFor({ timeout: 30_000 });
    await rowAction(treeRow(page, 'table customers'), 'Preview Table');
    const grid = await resultsGrid(page, 'customers');
    await grid.locator('.cell', { hasText: 'Ada Lovelace' }).first().waitFor({ timeout: 30_000 });
    await workbench().screenshot('hosted-deployed-02-preview');
    await runCommand(page, 'View: Close All Editors');
    // The tree's Test reads the connection first and tests it with what the workspace holds ({type, params}).
    await rowAction(treeRow(page, 'Team warehouse'), 'Test Connection');
    await toast(page, /"Team warehouse": connected in \d+ ms/).waitFor({ timeout: 30_000 });
    const test = server.log.find((r) => r.path === '/api/connections/test');
    assert.ok(test, 'no test reached the workspace');
    assert.deepEqual(Object.keys(JSON.parse(test.body) as object), ['type', 'params']);
  });

  it('edits it in the form (settings read, not blank), and the workspace keeps every field it had', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    const before = records().find((r) => r.id === 'conn_team')!;
    await editFromPalette(page, 'Team warehouse');
    const form = await openForm(page, 'Edit Team warehouse');
    assert.equal(await input(form, 'host').inputValue(), pgServer.host, 'the form opened blank');
    assert.equal(await input(form, 'database').inputValue(), fixtureDatabase);
    await setField(form, 'name', 'Team warehouse (prod)');
    await selectOption(form, 'planasonixCategory', 'destination');
    assert.equal(await form.locator('vscode-textfield#field-password input').getAttribute('placeholder'), 'unchanged');
    await workbench().screenshot('hosted-deployed-03-edit');
    await form.locator('#save').click();
    await toast(page, 'Connection "Team warehouse (prod)" saved.').waitFor({ timeout: 30_000 });
    const after = records().find((r) => r.id === 'conn_team')!;
    // Every field it had is there with its value (the form may add a connector default it showed, such as the connect timeout).
    const kept = after.params as Record<string, string>;
    for (const [k, v] of Object.entries(before.params as Record<string, string>))
      assert.equal(kept[k], v, `${k} was lost or changed`);
    assert.equal(after.name, 'Team warehouse (prod)');
    assert.equal(after.type, 'postgres');
    assert.equal(after.category, 'destination');
    const put = server.log.filter((r) => r.method === 'PUT');
    assert.equal(put.length, 1);
    await treeRow(page, 'Team warehouse (prod)').waitFor({ timeout: 30_000 });
    await assertIntact();
  });

  it('publishes a connection of this machine: created whole (category, settings), linked, the workspace intact', async () => {
    const { page } = workbench();
    await clearNotifications(page);
    await contextMenu(page, treeRow(page, 'Sample (SQLite)'), 'Publish to Planasonix Workspace…');
    const dialog = page.locator('.monaco-dialog-box', {
      hasText: 'Publish "Sample (SQLite)" to your Planasonix workspace at',
    });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(page, /"Sample \(SQLite\)" is now in your Planasonix workspace/).waitFor({ timeout: 30_000 });
    await treeRow(page, 'Sample (SQLite)').filter({ hasText: 'linked to Planasonix' }).waitFor({ timeout: 30_000 });
    const published = records().find((r) => r.name === 'Sample (SQLite)');
    assert.ok(published, 'the connection is not in the workspace');
    assert.equal(published.type, 'sqlite');
    assert.equal(published.category, 'source');
    assert.match(String((published.params as Record<string, string>).path), /planasonix-sample\.sqlite$/);
    assert.equal(records().filter((r) => r.name === 'Sample (SQLite)').length, 1, 'published twice');
    // A later sync pass finds both sides equal: nothing is pushed or pulled, nothing is lost.
    const writes = (): number =>
      server.log.filter((r) => r.method === 'PUT' || (r.method === 'POST' && r.path === '/api/connections')).length;
    const before = writes();
    await runCommand(page, 'Planasonix: Sync with Planasonix Workspace');
    await page.waitForTimeout(2000);
    assert.equal(writes(), before, 'a sync pass with nothing changed wrote to the workspace');
    await assertIntact();
    await workbench().screenshot('hosted-deployed-04-published');
  });
});
