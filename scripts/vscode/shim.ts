/**
 * Turns the Electron-style command line of @vscode/test-electron into a code-server run:
 * the extension under development and the test runner are passed through the workbench's
 * `payload` URL parameter as vscode-remote URIs, and the workbench reports the exit code through
 * window.codeAutomationExit. Exits with that code.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser, makeDirs, prepareCodeServer, startCodeServer } from './codeServer';

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<number> {
  if (process.argv.includes('--version')) {
    console.log('1.100.3');
    return 0;
  }
  const devPath = arg('extensionDevelopmentPath');
  const testsPath = arg('extensionTestsPath');
  if (!devPath || !testsPath) {
    console.error('code-server shim: --extensionDevelopmentPath and --extensionTestsPath are required');
    return 2;
  }
  const folder = process.argv.slice(2).find((a) => !a.startsWith('-') && path.isAbsolute(a));
  const dirs = makeDirs(folder);
  const bin = prepareCodeServer();
  const server = await startCodeServer(bin, {
    ...dirs,
    userData: arg('user-data-dir') ?? dirs.userData,
    extensions: arg('extensions-dir') ?? dirs.extensions,
  });
  const browser = await launchBrowser(mkdtempSync(path.join(tmpdir(), 'planasonix-chromium-')));
  const overall = Number(process.env.PLANASONIX_EXTHOST_TIMEOUT_MS ?? 15 * 60_000);
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await browser.newPage();
    const exit = new Promise<number>((resolve, reject) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        process.stdout.write(`${format(...args)}\n`);
      });
      page.on('console', (message) => {
        if (message.text().includes('No extension host found')) reject(new Error(message.text()));
      });
      timer = setTimeout(() => reject(new Error(`extension tests did not finish within ${overall / 1000} s`)), overall);
    });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
    const payload = [
      ['extensionDevelopmentPath', remote(devPath)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(`${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return await exit;
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`code-server shim: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
