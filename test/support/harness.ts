import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { LocalConnectionsApi, type LocalApiDeps } from '../../src/core/local/localConnectionsApi';
import { MemorySecretVault, silentLogger, systemClock } from '../../src/core/ports';
import { ConnectionStore } from '../../src/core/store/connectionStore';

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
    store,
    vault,
    registry: new ConnectorRegistry(),
    logger: silentLogger,
    clock: systemClock,
    ...overrides,
  });
  return { api, store, vault, dir };
}
