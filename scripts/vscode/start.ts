/**
 * `npm start`: builds the extension, prepares code-server (the same script the tests use) and serves
 * VS Code on 127.0.0.1 with the extension, a sample workspace and ready connections: the sample
 * SQLite database, plus the local PostgreSQL and MariaDB when they answer on their default ports.
 * Beside it, on 127.0.0.1 too, runs the reference server of the Planasonix API with a demo workspace,
 * so that signing in (device code approved on its page, or the printed API key) shows hosted
 * connections next to the local ones. Ctrl+C stops both. Desktop VS Code users install the .vsix
 * instead (npm run package).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { CreateConnectionRequest } from '../../src/core/api/types';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { StoreRecords } from '../../src/core/local/records';
import { LocalConnectionsApi } from '../../src/core/local/localConnectionsApi';
import { shippedSample } from '../../src/core/local/sampleConnection';
import { systemClock } from '../../src/core/ports';
import { ConnectionStore } from '../../src/core/local/connectionStore';
import { samplePath } from '../sampleDatabase';
import { ReferenceServer, type Profile } from '../../test/support/referenceServer';
import { freePort, prepareCodeServer, projectRoot, startCodeServer } from './codeServer';
import { MemorySecretVault, silentLogger } from '../../test/support/doubles';

const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
};
const extensionId = `${pkg.publisher}.${pkg.name}`;
const base = process.env.PLANASONIX_START_DIR ?? path.join(projectRoot, '.e2e', 'start');

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Writes the ready connections into the extension's own store, as the extension would. */
async function seedConnections(userData: string): Promise<string[]> {
  const file = path.join(userData, 'User', 'globalStorage', extensionId, 'connections.json');
  const store = new ConnectionStore(file, silentLogger, systemClock);
  await store.load();
  const api = new LocalConnectionsApi({
    records: new StoreRecords(store),
    vault: new MemorySecretVault(),
    registry: new ConnectorRegistry(),
    logger: silentLogger,
    clock: systemClock,
  });
  const sample = shippedSample(new ConnectorRegistry(), '')!;
  const wanted: CreateConnectionRequest[] = [
    { name: sample.name, type: sample.type, config: sample.config(samplePath) },
  ];
  if (await answers(5432)) {
    wanted.push({
      name: 'Local PostgreSQL',
      type: 'postgres',
      config: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', sslMode: 'prefer' },
    });
  }
  if (await answers(3306)) {
    wanted.push({
      name: 'Local MariaDB',
      type: 'mysql',
      config: { host: '127.0.0.1', port: 3306, user: 'root', sslMode: 'prefer' },
    });
  }
  const have = new Set((await api.listConnections()).data.map((c) => c.name));
  for (const c of wanted) if (!have.has(c.name)) await api.createConnection(c);
  return wanted.map((c) => c.name);
}

/**
 * Which back end the demo workspace plays: the documented API (the default) or the one Planasonix
 * deploys (`npm start -- --backend deployed`, or PLANASONIX_DEMO_BACKEND=deployed).
 */
function demoProfile(): Profile {
  const i = process.argv.indexOf('--backend');
  const wanted = (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env.PLANASONIX_DEMO_BACKEND ?? 'documented';
  if (wanted !== 'documented' && wanted !== 'deployed')
    throw new Error(`--backend takes "documented" or "deployed", not "${wanted}".`);
  return wanted;
}

/** The demo Planasonix workspace: its team's connections, with their secrets kept there. */
async function startDemoWorkspace(): Promise<{ server: ReferenceServer; apiKey: string; names: string[] }> {
  const server = await ReferenceServer.start(demoProfile());
  const apiKey = 'plnx_demo_key_for_npm_start';
  server.keys.add(apiKey);
  server.deviceInterval = 2;
  const names = ['Team sample (SQLite)'];
  const pg = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', sslMode: 'prefer' };
  const password = 'demo-password-kept-in-the-workspace';
  if (server.profile === 'deployed') {
    // As the deployed back end keeps them: settings as text, the password inline.
    server.deployed.records.set('conn_demo_sample', {
      id: 'conn_demo_sample',
      name: names[0],
      type: 'sqlite',
      category: 'source',
      params: { path: samplePath },
    });
    if (await answers(5432)) {
      names.push('Team PostgreSQL');
      const params = { ...Object.fromEntries(Object.entries(pg).map(([k, v]) => [k, String(v)])), password };
      server.deployed.records.set('conn_demo_pg', {
        id: 'conn_demo_pg',
        name: 'Team PostgreSQL',
        type: 'postgres',
        category: 'source',
        params,
      });
    }
    return { server, apiKey, names };
  }
  await server.backend.api.createConnection({ name: names[0], type: 'sqlite', config: { path: samplePath } });
  if (await answers(5432)) {
    names.push('Team PostgreSQL');
    await server.backend.save({ name: 'Team PostgreSQL', type: 'postgres', config: pg }, { password });
  }
  return { server, apiKey, names };
}

function prepareWorkspace(workspace: string): void {
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // none yet, or not JSON: written anew
  }
  // The workspace's API address is a user setting only (a folder cannot redirect a sign-in): see main().
  const rest = Object.fromEntries(Object.entries(settings).filter(([k]) => k !== 'planasonix.hosted.baseUrl'));
  writeFileSync(settingsFile, `${JSON.stringify({ ...rest, 'planasonix.hosted.pollSeconds': 10 }, null, 2)}\n`);
  const sql = path.join(workspace, 'sample.sql');
  if (!existsSync(sql)) {
    writeFileSync(
      sql,
      [
        '-- Queries for the "Sample (SQLite)" connection in the Planasonix view.',
        'SELECT name, country, signed_up FROM customers ORDER BY signed_up DESC LIMIT 10;',
        '',
        'SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY orders DESC;',
        '',
        'SELECT customer, sum(total_cents) / 100.0 AS spent FROM order_totals GROUP BY customer ORDER BY spent DESC LIMIT 5;',
        '',
      ].join('\n'),
    );
  }
}

async function main(): Promise<void> {
  console.log('Building the extension…');
  execFileSync('node', [path.join(projectRoot, 'esbuild.js'), '--production'], { stdio: 'inherit', cwd: projectRoot });
  console.log('Preparing code-server (installs once, then cached)…');
  const bin = prepareCodeServer();
  const dirs = {
    root: base,
    userData: path.join(base, 'user-data'),
    extensions: path.join(base, 'extensions'),
    workspace: path.join(base, 'workspace'),
  };
  for (const d of [dirs.userData, dirs.extensions]) mkdirSync(d, { recursive: true });
  const demo = await startDemoWorkspace();
  prepareWorkspace(dirs.workspace);
  // The project folder itself is the installed extension: rebuild and reload the window to see a change.
  const link = path.join(dirs.extensions, `${extensionId}-${pkg.version}`);
  rmSync(link, { force: true, recursive: false });
  symlinkSync(projectRoot, link, 'dir');
  rmSync(path.join(dirs.extensions, 'extensions.json'), { force: true });
  const connections = await seedConnections(dirs.userData);
  const wantedPort = Number(process.env.PLANASONIX_START_PORT ?? 8080);
  const port = (await answers(wantedPort)) ? await freePort() : wantedPort;
  // The extension talks to the demo workspace (plain HTTP is allowed on loopback only).
  const server = await startCodeServer(bin, dirs, { port, settings: { 'planasonix.hosted.baseUrl': demo.server.url } });
  console.log('\nPlanasonix Connections is running in VS Code (code-server 4.100.3).');
  console.log(`Connections ready: ${connections.join(', ')}.`);
  console.log(
    `Planasonix workspace (reference server, ${demo.server.profile} back end): ${demo.server.url} with ${demo.names.join(', ')}.`,
  );
  console.log('  Sign in: "Planasonix: Sign In to Planasonix Workspace…" and approve the code on the page it opens,');
  console.log(`  or "…with API Key" and paste ${demo.apiKey}`);
  console.log(`Open: ${server.url}`);
  console.log('Press Ctrl+C to stop.\n');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    void Promise.all([server.stop(), demo.server.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (code) => {
    if (!stopping) {
      console.error(`code-server exited (${code ?? 'signal'}).`);
      void demo.server.close().finally(() => process.exit(1));
    }
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
