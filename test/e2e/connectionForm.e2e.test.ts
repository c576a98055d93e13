import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { pgServer } from '../support/servers';
import {
  clearNotifications,
  contextMenu,
  input,
  openAddForm,
  openForm,
  rowAction,
  selectOption,
  setField,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

// A role that must give its password (scripts/ensure-services.sh creates it): whether a secret was
// kept or lost shows in whether the server lets us in.
const role = { user: 'planasonix_pw_probe', password: 'probe-secret-1' };

describe('The connection form in real VS Code: validation, secrets, nothing lost on failure', function () {
  this.bail(true);
  this.timeout(120_000);
  const workbench = useWorkbench('form');

  it('checks fields inline, next to the field, before anything is sent', async () => {
    const { page } = workbench();
    await showConnections(page);
    const form = await openAddForm(page);
    await setField(form, 'port', '70000');
    await input(form, 'port').blur();
    await form.locator('#error-port', { hasText: 'Port must be between 1 and 65535, not 70000.' }).waitFor();
    await form.locator('#test').click();
    await form.locator('#status.fail', { hasText: 'Fix the highlighted fields first.' }).waitFor();
    await form.locator('#error-name', { hasText: 'A connection needs a name.' }).waitFor();
    // The name is marked as required, as the connector's required fields are.
    await form.locator('vscode-label[for="field-name"][required]').waitFor();
  });

  it('refuses a name that is taken and keeps everything typed', async () => {
    const form = webviewFrame(workbench().page);
    await setField(form, 'port', String(pgServer.port));
    await setField(form, 'name', 'sample (sqlite)');
    await setField(form, 'host', '127.0.0.1');
    await form.locator('#save').click();
    await form.locator('#error-name', { hasText: 'A connection named "Sample (SQLite)" already exists' }).waitFor();
    await form.locator('#status.fail', { hasText: /^Not saved:/ }).waitFor();
    assert.equal(await input(form, 'name').inputValue(), 'sample (sqlite)');
    assert.equal(await input(form, 'host').inputValue(), '127.0.0.1');
  });

  it('takes the password in a masked field, tests, and saves', async () => {
    const { page } = workbench();
    const form = webviewFrame(page);
    assert.equal(await input(form, 'password').getAttribute('type'), 'password');
    await setField(form, 'name', 'Probe');
    await setField(form, 'database', 'test');
    await setField(form, 'user', role.user);
    await setField(form, 'password', role.password);
    await selectOption(form, 'sslMode', 'disable');
    await form.locator('#test').click();
    await form.locator('#status.ok', { hasText: /Connected in \d+ ms · PostgreSQL/ }).waitFor();
    await form.locator('#save').click();
    await toast(page, 'Connection "Probe" saved.').waitFor();
    await treeRow(page, 'Probe').waitFor();
  });

  it('edits without retyping the password: the saved one is kept', async () => {
    const { page } = workbench();
    await contextMenu(page, treeRow(page, 'Probe'), 'Edit Connection');
    const form = await openForm(page, 'Edit Probe');
    assert.equal(await input(form, 'host').inputValue(), '127.0.0.1', 'the saved host is prefilled');
    assert.equal(await input(form, 'password').inputValue(), '', 'a saved secret is never sent to the form');
    assert.equal(await input(form, 'password').getAttribute('placeholder'), 'unchanged');
    await setField(form, 'name', 'Probe renamed');
    await form.locator('#test').click();
    await form.locator('#status.ok', { hasText: /Connected in \d+ ms/ }).waitFor();
    await form.locator('#save').click();
    await toast(page, 'Connection "Probe renamed" saved.').waitFor();
    await clearNotifications(page);
    await rowAction(treeRow(page, 'Probe renamed'), 'Test Connection');
    await toast(page, /"Probe renamed": connected in \d+ ms/).waitFor();
  });

  it('after a failed test, keeps what was typed and saves nothing', async () => {
    const { page } = workbench();
    await contextMenu(page, treeRow(page, 'Probe renamed'), 'Edit Connection');
    const form = await openForm(page, 'Edit Probe renamed');
    await setField(form, 'password', 'a-wrong-password');
    await setField(form, 'name', 'Probe typo');
    await form.locator('#test').click();
    await form.locator('#status.fail', { hasText: /Connection failed: .*password/i }).waitFor();
    assert.equal(await input(form, 'name').inputValue(), 'Probe typo');
    assert.equal(await input(form, 'password').inputValue(), 'a-wrong-password');
    await workbench().screenshot('form-01-failed-test');
    await form.locator('#cancel').click();
    await form.locator('h1').waitFor({ state: 'detached' });
    await clearNotifications(page);
    await rowAction(treeRow(page, 'Probe renamed'), 'Test Connection');
    await toast(page, /"Probe renamed": connected in \d+ ms/).waitFor();
  });

  it('stops a test of a host that never answers with Cancel test, at once', async () => {
    // Accepts the connection and never says a word: the test would wait for its connect timeout.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { page } = workbench();
      const form = await openAddForm(page);
      await setField(form, 'name', 'Silent host');
      await setField(form, 'host', '127.0.0.1');
      await setField(form, 'port', String((silent.address() as net.AddressInfo).port));
      await setField(form, 'database', 'test');
      await setField(form, 'user', 'nobody');
      await selectOption(form, 'sslMode', 'disable');
      await form.locator('#test').click();
      await form.locator('#status.busy #cancel-test').waitFor();
      const started = Date.now();
      await form.locator('#cancel-test').click();
      await form.locator('#status.fail', { hasText: 'Test cancelled.' }).waitFor({ timeout: 5000 });
      assert.ok(Date.now() - started < 2000, `Cancel test took ${Date.now() - started} ms`);
      await form.locator('#cancel').click();
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });
});
