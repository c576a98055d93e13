import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { CompositeConnectionsApi } from '../../src/core/api/composite';
import type { Connection } from '../../src/core/api/types';
import { LocalConnectionsApi, type LocalApiDeps } from '../../src/core/local/localConnectionsApi';
import { MemoryRecords, StoreRecords } from '../../src/core/local/records';
import { MemorySecretVault, silentLogger, systemClock } from '../../src/core/ports';
import { ConnectionStore } from '../../src/core/local/connectionStore';

export interface Harness {
  api: LocalConnectionsApi;
  store: ConnectionStore;
  vault: MemorySecretVault;
  dir: string;
}

/** A local API over a fresh store folder and an in-memory vault. */
export async function makeHarness(overrides: Partial<LocalApiDeps> = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-test-'));
  const store = new ConnectionStore(path.join(dir, 'connections.json'), silentLogger, systemClock);
  await store.load();
  const vault = new MemorySecretVault();
  const api = new LocalConnectionsApi({
    records: new StoreRecords(store),
    vault,
    registry: new ConnectorRegistry(),
    logger: silentLogger,
    clock: systemClock,
    ...overrides,
  });
  return { api, store, vault, dir };
}

export interface SourcesHarness extends Harness {
  /** This machine's connections and the workspace file's, merged as the extension merges them. */
  all: CompositeConnectionsApi;
  workspace: LocalConnectionsApi;
  /** The workspace file as last read: set() is a changed file. */
  file: MemoryRecords;
}

/** A store and a workspace file, each its own local API, behind one composite. */
export async function makeSourcesHarness(workspaceConnections: Connection[], overrides: Partial<LocalApiDeps> = {}): Promise<SourcesHarness> {
  const h = await makeHarness(overrides);
  const file = new MemoryRecords('workspace', workspaceConnections);
  const workspace = new LocalConnectionsApi({ records: file, vault: h.vault, registry: new ConnectorRegistry(), logger: silentLogger, clock: systemClock, ...overrides });
  const all = new CompositeConnectionsApi([
    { scope: 'user', api: h.api },
    { scope: 'workspace', api: workspace },
  ]);
  return { ...h, all, workspace, file };
}
