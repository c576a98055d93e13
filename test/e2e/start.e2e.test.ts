import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { freePort, launchBrowser, projectRoot } from '../../scripts/vscode/codeServer';
import { expand, openPlanasonixView, runCommand, screenshotDir, treeRow } from './workbench';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('npm start: VS Code in the browser with the extension and ready connections', function () {
  this.bail(true);
  this.timeout(180_000);
  let child: ChildProcess;
  let output = '';
  let url = '';
  let port = 0;
  let browser: BrowserContext | undefined;

  before(async () => {
    port = await freePort();
    child = spawn('node', ['--import', 'tsx', path.join(projectRoot, 'scripts', 'vscode', 'start.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        PLANASONIX_START_DIR: mkdtempSync(path.join(tmpdir(), 'planasonix-start-')),
        PLANASONIX_START_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 150_000;
    while (!/Open: (\S+)/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start did not print a URL:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    url = /Open: (\S+)/.exec(output)![1]!;
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints a 127.0.0.1 URL and names the ready connections and the demo Planasonix workspace', () => {
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);
    assert.match(output, /Connections ready: Sample \(SQLite\), Local PostgreSQL, Local MariaDB\./);
    assert.match(
      output,
      /Planasonix workspace \(reference server, documented back end\): http:\/\/127\.0\.0\.1:\d+ with Team sample \(SQLite\), Team PostgreSQL\./,
    );
  });

  it('shows the sample workspace with its .sql file, and the sample connection browses to its tables', async () => {
    browser = await launchBrowser(mkdtempSync(path.join(tmpdir(), 'planasonix-chromium-')));
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view [role=treeitem]', { hasText: 'sample.sql' }).waitFor();
    await openPlanasonixView(page);
    for (const name of ['Local MariaDB', 'Local PostgreSQL']) await treeRow(page, name).waitFor();
    await expand(treeRow(page, 'Sample (SQLite)'));
    await expand(treeRow(page, 'Database planasonix-sample.sqlite'));
    await treeRow(page, 'view order_totals').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'start-01-sample.png'), animations: 'disabled' });
  });

  it('signs in to the demo workspace with the printed API key and shows its connections beside the local ones', async () => {
    const page = browser!.pages()[0];
    const apiKey = /paste (\S+)/.exec(output)?.[1];
    assert.ok(apiKey, output);
    await runCommand(page, 'Planasonix: Sign In to Planasonix Workspace with API Key…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(apiKey);
    await page.keyboard.press('Enter');
    await treeRow(page, 'Team PostgreSQL').waitFor({ timeout: 30_000 });
    assert.match((await treeRow(page, 'Team sample (SQLite)').textContent()) ?? '', /Planasonix/);
    await treeRow(page, 'Local PostgreSQL').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'start-02-demo-workspace.png'), animations: 'disabled' });
  });

  it('stops cleanly on Ctrl+C, leaving nothing listening', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.equal(await listening(port), false, 'code-server still listens');
  });
});
