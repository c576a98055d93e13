/**
 * What another installed extension can reach, in real VS Code: a third-party extension (a probe
 * packaged and installed beside ours) activates Planasonix and reads its exports, and asks VS Code for
 * a Planasonix session. Neither gives it secret storage, the API or a token.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import {
  installVsix,
  launchBrowser,
  makeDirs,
  prepareCodeServer,
  projectRoot,
  startCodeServer,
  type RunningCodeServer,
} from '../../scripts/vscode/codeServer';
import { vsixPath } from './workbench';

const probeSource = `
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
exports.activate = async function () {
  const out = path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'probe.json');
  const report = {};
  try {
    const ext = vscode.extensions.getExtension('planasonix.planasonix-connections');
    report.found = !!ext;
    const exported = ext ? await ext.activate() : undefined;
    report.exportsType = typeof exported;
    report.exportKeys = exported && typeof exported === 'object' ? Object.keys(exported) : [];
    const session = await vscode.authentication.getSession('planasonix', [], { silent: true });
    report.session = session ? { accessToken: session.accessToken } : null;
  } catch (error) {
    report.error = String(error);
  }
  fs.writeFileSync(out, JSON.stringify(report));
};
`;

function buildProbe(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-probe-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'exports-probe',
      publisher: 'someone-else',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.90.0' },
      activationEvents: ['onStartupFinished'],
      main: './extension.js',
    }),
  );
  writeFileSync(path.join(dir, 'extension.js'), probeSource);
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT');
  writeFileSync(path.join(dir, 'README.md'), 'A probe that reads another extension’s exports.');
  const vsix = path.join(dir, 'probe.vsix');
  execFileSync(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--allow-missing-repository',
      '--skip-license',
      '-o',
      vsix,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return vsix;
}

describe('Another installed extension in real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let server: RunningCodeServer | undefined;
  let browser: BrowserContext | undefined;

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('gets nothing from activate(): no secret storage, no API; and no token from a Planasonix session', async () => {
    const bin = prepareCodeServer();
    const dirs = makeDirs();
    installVsix(bin, vsixPath, dirs);
    installVsix(bin, buildProbe(), dirs);
    const env = { ...process.env };
    delete env.PLANASONIX_TEST_API;
    server = await startCodeServer(bin, dirs, { env });
    browser = await launchBrowser(mkdtempSync(path.join(tmpdir(), 'planasonix-chromium-')));
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const out = path.join(dirs.workspace, 'probe.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(existsSync(out), 'the probe extension never reported');
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      found: boolean;
      exportsType: string;
      exportKeys: string[];
      session: unknown;
      error?: string;
    };
    assert.equal(report.error, undefined, report.error);
    assert.equal(report.found, true);
    assert.equal(report.exportsType, 'undefined', `exports: ${report.exportKeys.join(', ')}`);
    assert.equal(report.session, null, 'a session was offered without a sign-in');
  });
});
