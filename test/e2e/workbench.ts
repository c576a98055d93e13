/**
 * Drives the real VS Code workbench (code-server) in Chromium, the way a person does: clicks,
 * keys, quick inputs, toasts, menus. Selectors follow shared/reference/code-server-e2e.md §3.4.
 * No fixed sleeps: every step waits on a condition.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { fixtureDatabase, pgServer } from '../support/servers';
import {
  installVsix,
  launchBrowser,
  makeDirs,
  prepareCodeServer,
  projectRoot,
  startCodeServer,
  type CodeServerDirs,
  type RunningCodeServer,
} from '../../scripts/vscode/codeServer';

export const screenshotDir = path.join(projectRoot, '.e2e', 'screenshots');
export const vsixPath = path.join(projectRoot, 'planasonix-connections.vsix');

export interface Workbench {
  page: Page;
  dirs: CodeServerDirs;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** code-server with the packaged extension installed in a fresh profile, open in Chromium. */
/** `settings` are the user's own (settings.json of the profile), for what a folder may not set. */
export async function openWorkbench(
  files: Record<string, string> = {},
  settings: Record<string, unknown> = {},
): Promise<Workbench> {
  const bin = prepareCodeServer();
  const dirs = makeDirs();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dirs.workspace, name)), { recursive: true });
    writeFileSync(path.join(dirs.workspace, name), content);
  }
  installVsix(bin, vsixPath, dirs);
  let server: RunningCodeServer | undefined;
  let browser: BrowserContext | undefined;
  try {
    server = await startCodeServer(bin, dirs, { settings });
    browser = await launchBrowser(mkdtempSync(path.join(tmpdir(), 'planasonix-chromium-')));
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    mkdirSync(screenshotDir, { recursive: true });
    const running = { server, browser };
    return {
      page,
      dirs,
      screenshot: async (name) => {
        await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), animations: 'disabled' });
      },
      close: async () => {
        await running.browser.close().catch(() => undefined);
        await running.server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    throw error;
  }
}

/**
 * Gives a suite one workbench: opened before its tests, a screenshot of any failed step, closed after.
 * Returns a getter, since the workbench exists only once the suite runs.
 */
export function useWorkbench(
  prefix: string,
  setup?: (wb: Workbench) => Promise<void> | void,
  files?: Record<string, string>,
  settings?: Record<string, unknown>,
): () => Workbench {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await openWorkbench(files, settings);
    await setup?.(wb);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await wb?.screenshot(`FAIL-${prefix}-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await wb?.close();
  });
  return () => {
    if (!wb) throw new Error('the workbench is not open yet');
    return wb;
  };
}

export async function openPlanasonixView(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Planasonix' }).click({ timeout: 60_000 });
  await page
    .locator('.pane-header', { hasText: 'Connections' })
    .or(page.locator('.composite.title', { hasText: 'PLANASONIX' }))
    .first()
    .waitFor();
}

/**
 * Signs in by device code as a user does: the command opens the approval page by itself, the code shown
 * in the notification is approved there (code-server opens a loopback link through its port proxy,
 * without the link's path and query: the page then asks for the code, as a device-flow page does), and
 * the workbench says it is signed in. `pause` waits on the page first (the server answers polls meanwhile).
 */
export async function approveDeviceSignIn(page: Page, serverUrl: string, pause = 0): Promise<void> {
  const opened = page.context().waitForEvent('page', { timeout: 30_000 });
  await runCommand(page, 'Planasonix: Sign In to Planasonix Workspace…');
  const codeToast = toast(page, /Approve the sign-in on 127\.0\.0\.1:\d+ with the code/);
  await codeToast.waitFor({ timeout: 30_000 });
  const code = /code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec((await codeToast.textContent()) ?? '')?.[1];
  if (!code) throw new Error('the notification shows no user code');
  const approval = await opened;
  await approval.waitForLoadState();
  const port = new URL(serverUrl).port;
  if (approval.url() !== `${serverUrl}/device?user_code=${code}` && !approval.url().endsWith(`/proxy/${port}/`)) {
    throw new Error(`the approval page is not the workspace's: ${approval.url()}`);
  }
  if (pause > 0) await approval.waitForTimeout(pause);
  const field = approval.locator('#code');
  if ((await field.inputValue()) === '') await field.fill(code);
  await approval.locator('#approve').click();
  await approval.getByText('Approved').waitFor();
  await approval.close();
  await toast(page, 'Signed in to the Planasonix workspace.').waitFor({ timeout: 30_000 });
}

/** Edit Connection from the palette, picking by name (the tree may be refreshing under a right-click while a workspace is polled). */
export async function editFromPalette(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Planasonix: Edit Connection');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('input').fill(name);
  const row = widget.locator('.monaco-list-row', { hasText: name }).first();
  await row.waitFor();
  await row.click();
  // Under load the list may re-render as the click lands (the pick stays open): choose the match with Enter then.
  await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(async () => {
    await widget.locator('input').press('Enter');
    await widget.waitFor({ state: 'hidden' });
  });
}

/** A row of our tree by its accessible name (the product sets it on purpose). */
export function treeRow(page: Page, name: string): Locator {
  return page.locator('.pane-body [role=treeitem]').and(page.getByRole('treeitem', { name, exact: true }));
}

export async function expand(row: Locator): Promise<void> {
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await row.and(row.page().locator('[aria-expanded="true"]')).waitFor();
}

/** Opens a workspace file through Quick Open, as a person does. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(fileName);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Runs a command by its palette title ("Planasonix: Add Connection"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Waits for a quick pick step, filters it and picks the row whose label matches. */
export async function pick(page: Page, title: string | RegExp, item: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor();
  await widget.locator('input.input').fill(item);
  await widget.locator('.monaco-list-row', { hasText: item }).first().click();
}

/** VS Code shows at most three toasts; clear them before waiting for a new one. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
}

export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Clicks one of the inline actions a tree row shows on hover. */
export async function rowAction(row: Locator, action: string): Promise<void> {
  await row.hover();
  await row.locator(`.action-label[aria-label="${action}"]`).click();
}

/** Right-clicks a tree row and chooses an item of its context menu. */
export async function contextMenu(page: Page, row: Locator, item: string): Promise<void> {
  const entry = page.locator('.monaco-menu .action-item', { hasText: item }).first();
  // A right-click that lands while the row's hover tooltip appears can open no menu: dismiss, retry.
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      await entry.waitFor({ timeout: 5000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  // A menu ignores a click that comes too soon after it opened (the right button's release must
  // not pick an item), so click until the menu has closed.
  for (let attempt = 1; ; attempt++) {
    await entry.click();
    try {
      await page.locator('.monaco-menu').first().waitFor({ state: 'detached', timeout: 1500 });
      return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** The workspace file that shares one PostgreSQL connection to the fixture database, by name. */
export function fixtureWorkspace(connectionName: string): Record<string, string> {
  const config = {
    host: pgServer.host,
    port: pgServer.port,
    user: pgServer.user,
    database: fixtureDatabase,
    sslMode: 'disable',
  };
  return {
    '.vscode/planasonix-connections.json': JSON.stringify({
      connections: [{ name: connectionName, type: 'postgres', config }],
    }),
  };
}

/** The grid page of the active results panel, once it shows the given source. */
export async function resultsGrid(page: Page, source: string): Promise<FrameLocator> {
  const frame = webviewFrame(page);
  await frame.locator('.source', { hasText: source }).waitFor({ timeout: 30_000 });
  return frame;
}

/** The page inside the active webview panel. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Opens the connection form with a command and waits for its heading. */
export async function openForm(page: Page, heading: string | RegExp): Promise<FrameLocator> {
  const form = webviewFrame(page);
  await form.locator('h1', { hasText: heading }).waitFor({ timeout: 30_000 });
  return form;
}

/** A connection added through the form as a person adds one: what to type, pick and tick, and what its test must say. */
export interface FormConnection {
  connector: string;
  name: string;
  /** Fields typed in order (name excluded). */
  fields?: Record<string, string>;
  /** Dropdowns set after the fields. */
  options?: Record<string, string>;
  /** Fields under the Advanced section, typed after opening it. */
  advanced?: Record<string, string>;
  /** Checkboxes ticked under Advanced. */
  checks?: string[];
  /** What the test's status line must say before the connection is saved. */
  tested: RegExp;
  /** A screenshot of the tested form, by this name. */
  screenshot?: string;
  shoot?: (name: string) => Promise<void>;
}

/**
 * Add Connection from the palette: the connector picked, the fields typed, the connection tested (its
 * status must match `tested`), saved (the toast), and shown in the tree.
 */
export async function addThroughForm(page: Page, c: FormConnection): Promise<void> {
  const form = await openAddForm(page);
  await form.locator(`button.connector[data-type="${c.connector}"]`).click();
  await form.locator(`button.connector[data-type="${c.connector}"][aria-checked="true"]`).waitFor();
  await setField(form, 'name', c.name);
  for (const [field, value] of Object.entries(c.fields ?? {})) await setField(form, field, value);
  for (const [field, value] of Object.entries(c.options ?? {})) await selectOption(form, field, value);
  if (c.advanced || c.checks) {
    await form.locator('vscode-collapsible[title="Advanced"]').click();
    for (const [field, value] of Object.entries(c.advanced ?? {})) await setField(form, field, value);
    for (const check of c.checks ?? []) await form.locator(`vscode-checkbox#field-${check}`).click();
  }
  await form.locator('#test').click();
  await form.locator('#status.ok', { hasText: c.tested }).waitFor({ timeout: 30_000 });
  if (c.screenshot && c.shoot) await c.shoot(c.screenshot);
  await form.locator('#save').click();
  await toast(page, `Connection "${c.name}" saved.`).waitFor();
  await treeRow(page, c.name).waitFor();
}

/** Runs Add Connection from the palette and returns the form once it shows. */
export async function openAddForm(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Planasonix: Add Connection');
  return openForm(page, 'Add connection');
}

/** Opens the Planasonix view and waits until the tree shows the sample connection. */
export async function showConnections(page: Page): Promise<void> {
  await openPlanasonixView(page);
  await treeRow(page, 'Sample (SQLite)').waitFor({ timeout: 30_000 });
}

/** The native input inside a vscode-textfield (Playwright pierces its open shadow root). */
export function input(form: FrameLocator, field: string): Locator {
  return form.locator(`vscode-textfield#field-${field} input`);
}

export async function setField(form: FrameLocator, field: string, value: string): Promise<void> {
  await input(form, field).fill(value);
}

/** Chooses an option of a vscode-single-select. */
export async function selectOption(form: FrameLocator, field: string, value: string): Promise<void> {
  const select = form.locator(`vscode-single-select#field-${field}`);
  await select.click();
  await select.locator('[role=combobox][aria-expanded="true"]').waitFor();
  await select
    .locator('li[role=option]', { hasText: new RegExp(`^\\s*${value}\\s*$`) })
    .first()
    .click();
  await select.locator('[role=combobox][aria-expanded="false"]', { hasText: value }).waitFor();
}

/**
 * Picks a file in VS Code's simple file dialog (what code-server shows for showOpenDialog). Waits
 * until the dialog has put its starting folder in the input before typing, or the two would merge.
 */
export async function chooseFileInDialog(page: Page, file: string): Promise<void> {
  const dialogInput = page.locator('.quick-input-widget input.input');
  await dialogInput.waitFor();
  // The dialog fills in its starting folder and lists it; until both are done it may rewrite the input.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: '..' }).first().waitFor();
  await page.waitForFunction("(document.querySelector('.quick-input-widget input.input')?.value ?? '').endsWith('/')");
  for (let attempt = 1; (await dialogInput.inputValue()) !== file; attempt++) {
    if (attempt > 5) throw new Error(`the file dialog keeps showing "${await dialogInput.inputValue()}"`);
    await dialogInput.fill(file);
  }
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(file) })
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Waits until an input shows the given value (set by a message from the host, say). */
export async function waitForValue(locator: Locator, value: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await locator.inputValue();
    if (current === value) return;
    if (Date.now() > deadline) throw new Error(`input shows "${current}", expected "${value}"`);
    await locator.page().waitForTimeout(50);
  }
}
