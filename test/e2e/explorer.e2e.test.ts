// The explorer in real VS Code: "Load more" updates the view under any level (a SQLite file, which has
// no schemas, and a PostgreSQL schema), and Cancel on "Test Connection" stops a connection attempt to a
// host that never answers at once. Both need the real tree view: a test that calls getChildren itself
// cannot see whether VS Code found the node an update event names.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureDatabase, pgServer } from '../support/servers';
import { startSilentServer, type LoopbackServer } from '../support/tcpProxy';
import { expand, rowAction, showConnections, toast, treeRow, useWorkbench } from './workbench';

describe('explorer in real VS Code: Load more at any level, and Cancel that reaches the driver', function () {
  this.bail(false);
  this.timeout(120_000);
  let silent: LoopbackServer;
  const workbench = useWorkbench(
    'explorer',
    async (wb) => {
      silent = await startSilentServer();
      const pg = {
        host: pgServer.host,
        port: pgServer.port,
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      };
      const connections = [
        { name: 'Fixture PG', type: 'postgres', config: pg },
        {
          name: 'Silent host',
          type: 'postgres',
          config: {
            host: '127.0.0.1',
            port: silent.port,
            user: 'postgres',
            sslMode: 'disable',
            connectTimeoutSeconds: 30,
          },
        },
      ];
      writeFileSync(
        path.join(wb.dirs.workspace, '.vscode', 'planasonix-connections.json'),
        JSON.stringify({ connections }),
      );
    },
    { '.vscode/settings.json': JSON.stringify({ 'planasonix.explorer.pageSize': 2 }) },
  );
  after(async () => silent?.close());

  it('"Load more" under a SQLite file (no schema level) shows the next page in the view', async () => {
    const { page } = workbench();
    await showConnections(page);
    await expand(treeRow(page, 'Sample (SQLite)'));
    await expand(treeRow(page, 'Database planasonix-sample.sqlite'));
    await treeRow(page, 'table customers').waitFor();
    await treeRow(page, 'view order_totals').waitFor({ state: 'detached' });
    await treeRow(page, 'Load more tables, 2 shown').click();
    await treeRow(page, 'view order_totals').waitFor({ timeout: 10_000 });
    await treeRow(page, 'table orders').waitFor();
    await treeRow(page, 'Load more tables, 4 shown').waitFor();
    await treeRow(page, 'Load more tables, 2 shown').waitFor({ state: 'detached' });
    await workbench().screenshot('explorer-01-sqlite-load-more');
  });

  it('"Load more" under a PostgreSQL schema shows the next page in the view', async () => {
    const { page } = workbench();
    await expand(treeRow(page, 'Fixture PG'));
    await expand(treeRow(page, `Database ${fixtureDatabase}`));
    await expand(treeRow(page, 'Schema fixture'));
    const more = treeRow(page, 'Load more tables, 2 shown');
    await more.waitFor({ timeout: 30_000 });
    await treeRow(page, 'table all_types').waitFor();
    assert.equal(await treeRow(page, 'table big').count(), 0, 'the third table is not on the first page');
    await more.click();
    await treeRow(page, 'table big').waitFor({ timeout: 10_000 });
    await treeRow(page, 'view customer_orders').waitFor();
    await treeRow(page, 'Load more tables, 4 shown').and(page.locator('[aria-level="4"]')).waitFor();
    await workbench().screenshot('explorer-02-schema-load-more');
  });

  it('Cancel on "Test Connection" against a host that never answers stops the attempt within a second', async () => {
    const { page } = workbench();
    const row = treeRow(page, 'Silent host');
    await row.waitFor({ timeout: 30_000 });
    await rowAction(row, 'Test Connection');
    const progress = toast(page, 'Testing "Silent host"…');
    await progress.waitFor();
    // The driver is connected and waiting for the server's first word.
    for (let i = 0; i < 100 && silent.openSockets() === 0; i++) await page.waitForTimeout(50);
    assert.equal(silent.openSockets(), 1, 'the driver opened one connection to the silent host');
    const started = Date.now();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.waitFor({ state: 'detached', timeout: 1000 });
    while (silent.openSockets() > 0 && Date.now() - started < 1000) await page.waitForTimeout(20);
    const elapsed = Date.now() - started;
    assert.equal(silent.openSockets(), 0, 'the connection to the silent host was still open a second after Cancel');
    assert.ok(elapsed < 1000, `stopping took ${elapsed} ms`);
    // A cancelled test reports nothing.
    await page.waitForTimeout(500);
    assert.equal(await toast(page, 'Silent host').count(), 0);
  });
});
