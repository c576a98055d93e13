import * as assert from 'node:assert/strict';
import {
  contextMenu,
  input,
  openAddForm,
  openForm,
  runCommand,
  setField,
  showConnections,
  toast,
  treeRow,
  useWorkbench,
  webviewFrame,
} from './workbench';

const payloads = {
  name: '"><img src=x onerror="window.__pwned=1">',
  host: '<script>window.__pwned=2</script>',
  database: "'); window.__pwned=3; ('",
};

describe('The connection form across reloads, and with hostile text', function () {
  this.bail(true);
  this.timeout(120_000);
  const workbench = useWorkbench('form-state');

  it('comes back after the window reloads with what was typed, but never with a typed password', async () => {
    const { page } = workbench();
    await showConnections(page);
    let form = await openAddForm(page);
    await setField(form, 'name', 'Half typed');
    await setField(form, 'host', 'db.example.com');
    await setField(form, 'password', 'typed-secret');
    // Reload the way a user does: VS Code saves its open editors (and webview state) first.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    form = webviewFrame(page);
    await form.locator('h1', { hasText: 'Add connection' }).waitFor({ timeout: 30_000 });
    assert.equal(await input(form, 'name').inputValue(), 'Half typed');
    assert.equal(await input(form, 'host').inputValue(), 'db.example.com');
    assert.equal(await input(form, 'password').inputValue(), '', 'a secret must not survive in webview state');
    await form.locator('#cancel').click();
    await form.locator('h1').waitFor({ state: 'detached' });
  });

  it('shows markup and script in names and fields as text, and runs none of it', async () => {
    const { page } = workbench();
    let form = await openAddForm(page);
    await setField(form, 'name', payloads.name);
    await setField(form, 'host', payloads.host);
    await setField(form, 'database', payloads.database);
    await form.locator('#save').click();
    await toast(page, `Connection "${payloads.name}" saved.`).waitFor();
    await contextMenu(page, treeRow(page, payloads.name), 'Edit Connection');
    form = await openForm(page, `Edit ${payloads.name}`);
    assert.equal(await input(form, 'host').inputValue(), payloads.host);
    assert.equal(await input(form, 'database').inputValue(), payloads.database);
    // VS Code itself injects one inline script (#_vscodeApiScript) into every webview.
    const found = await form
      .locator('img, script:not([src]):not(#_vscodeApiScript), iframe, svg image')
      .evaluateAll((els: { outerHTML: string; parentNode: unknown }[]) => els.map((e) => e.outerHTML.slice(0, 200)));
    assert.deepEqual(found, [], 'a payload became an element');
    assert.equal(await form.locator('main').evaluate('window.__pwned'), undefined, 'a payload ran');
  });
});
