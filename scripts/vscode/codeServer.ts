/**
 * Real VS Code on this machine: code-server (VS Code 1.100.3 served to a browser) and Debian's
 * Chromium driven by playwright-core. Shared by the extension-host test shim, the UI tests and
 * `npm start`. See shared/reference/code-server-e2e.md for why each flag is here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const projectRoot = path.resolve(__dirname, '..', '..');
export const chromiumPath = process.env.PLANASONIX_CHROMIUM ?? '/usr/bin/chromium';

/** Installs (once) and returns the code-server executable. */
export function prepareCodeServer(): string {
  const out = execFileSync('bash', [path.join(projectRoot, 'scripts', 'setup-vscode.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = out.trim().split('\n').pop()!;
  return path.join(dir, 'node_modules', '.bin', 'code-server');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerDirs {
  root: string;
  userData: string;
  extensions: string;
  workspace: string;
}

/** A fresh set of folders for one run; the workspace is created empty unless given. */
export function makeDirs(workspace?: string): CodeServerDirs {
  const root = mkdtempSync(path.join(tmpdir(), 'planasonix-vscode-'));
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: workspace ?? path.join(root, 'workspace'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.commandCenter.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
};

export function installVsix(bin: string, vsix: string, dirs: CodeServerDirs): void {
  execFileSync(
    bin,
    ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

export interface RunningCodeServer {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts code-server on 127.0.0.1 and resolves once /healthz answers. */
export async function startCodeServer(
  bin: string,
  dirs: CodeServerDirs,
  options: {
    env?: NodeJS.ProcessEnv;
    settings?: Record<string, unknown>;
    port?: number;
    log?: (line: string) => void;
  } = {},
): Promise<RunningCodeServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...options.settings }, null, 2),
  );
  const config = path.join(dirs.root, 'code-server-config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const child = spawn(
    bin,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--config',
      config,
      dirs.workspace,
    ],
    { detached: true, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = options.log ?? (() => undefined);
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited before it was ready (port ${port})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('code-server did not answer /healthz within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`, process: child, stop };
}

/** Headless Debian Chromium with a fresh profile and the flags this closed network needs. */
export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
