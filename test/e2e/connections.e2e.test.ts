import * as assert from 'node:assert/strict';
import { ensureMysqlFixture, ensurePostgresFixture, fixtureDatabase, mysqlServer, pgServer } from '../support/servers';
import {
  addThroughForm,
  clearNotifications,
  contextMenu,
  expand,
  openPlanasonixView,
  rowAction,
  toast,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

interface Scenario {
  label: string;
  connector: string;
  server: { host: string; port: number; user: string };
  ensureFixture(): Promise<void>;
  /** Accessible names of the rows from the connection down to the fixture schema. */
  path: string[];
  version: RegExp;
  shot: string;
}

const scenarios: Scenario[] = [
  {
    label: 'PostgreSQL',
    connector: 'postgres',
    server: pgServer,
    ensureFixture: ensurePostgresFixture,
    path: [`Database ${fixtureDatabase}`, 'Schema fixture'],
    version: /PostgreSQL \d+\.\d+/,
    shot: 'postgres',
  },
  {
    label: 'MariaDB',
    connector: 'mysql',
    server: mysqlServer,
    ensureFixture: ensureMysqlFixture,
    path: [`Schema ${fixtureDatabase}`],
    version: /\d+\.\d+\.\d+-MariaDB/,
    shot: 'mariadb',
  },
];

for (const s of scenarios) {
  describe(`${s.label} in real VS Code (code-server + Chromium), from the packaged .vsix`, function () {
    this.bail(true);
    this.timeout(120_000);
    const name = `E2E ${s.label}`;
    before(() => s.ensureFixture());
    const workbench = useWorkbench(s.shot);

    it('opens the Planasonix view with the sample connection ready', async () => {
      await openPlanasonixView(workbench().page);
      await treeRow(workbench().page, 'Sample (SQLite)').waitFor({ timeout: 30_000 });
    });

    it(`adds a ${s.label} connection through the form, tested before it is saved`, async () => {
      const { page } = workbench();
      await addThroughForm(page, {
        connector: s.connector,
        name,
        fields: { host: s.server.host, port: String(s.server.port), database: fixtureDatabase, user: s.server.user },
        options: { sslMode: 'disable' },
        tested: new RegExp(`Connected in \\d+ ms · .*${s.version.source}`),
        screenshot: `${s.shot}-00-form`,
        shoot: (shot) => workbench().screenshot(shot),
      });
    });

    it('expands the connection down to the columns of a table', async () => {
      const { page } = workbench();
      await expand(treeRow(page, name));
      for (const row of s.path) await expand(treeRow(page, row));
      await treeRow(page, 'view customer_orders').waitFor();
      await expand(treeRow(page, 'table customers'));
      const email = page.locator('.pane-body [role=treeitem]', { hasText: 'email' });
      await email.first().waitFor();
      assert.match(await email.first().innerText(), /email\s*(text|varchar\(200\))/);
      await workbench().screenshot(`${s.shot}-01-tree`);
    });

    it('previews the table in the results grid, NULL shown apart from text', async () => {
      const { page } = workbench();
      await rowAction(treeRow(page, 'table customers'), 'Preview Table');
      const grid = webviewFrame(page);
      await grid.locator('.status', { hasText: /^3 rows · limit 100/ }).waitFor({ timeout: 30_000 });
      const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
      assert.ok(cells.includes('Ada Lovelace') && cells.includes('Grace Hopper'), cells.join(' | '));
      await grid.locator('.head .name', { hasText: 'email' }).waitFor();
      // Dijkstra has no email: NULL, drawn apart from any text.
      await grid.locator('.row:not([hidden]) .cell.null', { hasText: 'NULL' }).first().waitFor();
      await workbench().screenshot(`${s.shot}-02-preview`);
    });

    it('tests the saved connection and shows latency and server version', async () => {
      const { page } = workbench();
      await clearNotifications(page);
      await rowAction(treeRow(page, name), 'Test Connection');
      const shown = toast(page, new RegExp(`"${name}": connected in \\d+ ms · .*${s.version.source}`));
      await shown.waitFor();
      await workbench().screenshot(`${s.shot}-03-test`);
    });

    it('deletes the connection after confirmation', async () => {
      const { page } = workbench();
      await contextMenu(page, treeRow(page, name), 'Delete Connection');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: `Delete the connection "${name}"?` }).waitFor();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await treeRow(page, name).waitFor({ state: 'detached' });
      await treeRow(page, 'Sample (SQLite)').waitFor();
    });
  });
}
