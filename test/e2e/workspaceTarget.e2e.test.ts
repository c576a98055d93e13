/**
 * A repository's workspace file in real VS Code: a partitioned table shows its partitions under it,
 * and when a commit points a connection at another server, its saved password is not sent there until
 * the user has seen exactly what changed and confirmed it.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PasswordProbe } from '../support/passwordProbe';
import { fixtureDatabase, onPostgresFixture, pgServer } from '../support/servers';
import {
  contextMenu,
  expand,
  fixtureWorkspace,
  input,
  openForm,
  openPlanasonixView,
  rowAction,
  setField,
  toast,
  treeRow,
  useWorkbench,
} from './workbench';

const name = 'Team PG';
const secret = 'e2e-saved-password';

describe('Workspace connections in real VS Code: partitions, and a target that changes under a saved password', function () {
  this.bail(true);
  this.timeout(180_000);
  let probe: PasswordProbe;
  before(async () => {
    await onPostgresFixture(`
      DROP SCHEMA IF EXISTS e2e_parts CASCADE;
      CREATE SCHEMA e2e_parts;
      CREATE TABLE e2e_parts.events (id int, at date) PARTITION BY RANGE (at);
      CREATE TABLE e2e_parts.events_2025 PARTITION OF e2e_parts.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`);
    probe = await PasswordProbe.start();
  });
  after(async () => probe?.close());
  const workbench = useWorkbench('workspace-target', undefined, fixtureWorkspace(name));

  it('shows a partitioned table with its columns and its partitions under it', async () => {
    const { page } = workbench();
    await openPlanasonixView(page);
    await expand(treeRow(page, name));
    await expand(treeRow(page, `Database ${fixtureDatabase}`));
    await expand(treeRow(page, 'Schema e2e_parts'));
    assert.equal(
      await treeRow(page, 'table events_2025').count(),
      0,
      "a partition is listed among the schema's tables",
    );
    await expand(treeRow(page, 'partitioned table events'));
    await treeRow(page, 'partition events_2025').waitFor();
    await treeRow(page, 'Column id, integer').waitFor();
    await workbench().screenshot('workspace-target-01-partitions');
  });

  it('withholds the saved password from a new target until the user confirms what changed', async () => {
    const { page, dirs } = workbench();
    // The user saves a password for the team's connection.
    await contextMenu(page, treeRow(page, name), 'Edit Connection');
    const form = await openForm(page, `Edit ${name}`);
    await setField(form, 'password', secret);
    assert.equal(await input(form, 'password').inputValue(), secret);
    await form.locator('#save').click();
    await toast(page, `Connection "${name}" saved.`).waitFor();

    // A commit points the connection at another server (one that asks for the password in clear text).
    const config = {
      host: pgServer.host,
      port: probe.port,
      user: pgServer.user,
      database: fixtureDatabase,
      sslMode: 'disable',
    };
    writeFileSync(
      path.join(dirs.workspace, '.vscode', 'planasonix-connections.json'),
      JSON.stringify({ connections: [{ name, type: 'postgres', config }] }),
    );
    const warning = page.getByRole('treeitem', { name: /points somewhere new since its password was saved/ });
    await warning.waitFor({ timeout: 30_000 });
    assert.ok(((await warning.textContent()) ?? '').includes(`port ${pgServer.port} → ${probe.port}`));
    assert.equal(probe.connections, 0, 'something was sent to the new target before the user confirmed');
    await workbench().screenshot('workspace-target-02-withheld');

    // "Test Connection" on the moved connection sends nothing either: it opens the same review.
    await rowAction(treeRow(page, name), 'Test Connection');
    const review = page.locator('.monaco-dialog-box');
    await review.waitFor({ timeout: 30_000 });
    assert.match((await review.textContent()) ?? '', new RegExp(`port: ${pgServer.port} → ${probe.port}`));
    await page.keyboard.press('Escape');
    await review.waitFor({ state: 'detached' });
    assert.equal(probe.connections, 0, 'Test Connection sent something to the new target');

    // The user reviews: the dialog says exactly what changed; only confirming sends the password.
    await warning.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', new RegExp(`port: ${pgServer.port} → ${probe.port}`));
    await workbench().screenshot('workspace-target-03-review');
    await dialog.getByRole('button', { name: 'Send Password to New Target' }).click();
    // Now the new server is asked (it refuses everyone), and it received the password.
    await page
      .getByRole('treeitem', { name: /Could not list databases: Password authentication failed/ })
      .waitFor({ timeout: 30_000 });
    assert.deepEqual(probe.passwords, [secret]);
  });
});
