import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { CompositeConnectionsApi } from '../../src/core/api/composite';
import { saveConnection, testConnectionDraft } from '../../src/core/services/connectionSecrets';
import type {
  Connection,
  CreateConnectionRequest,
  SecretValues,
  TestConnectionRequest,
  TestConnectionResponse,
} from '../../src/core/api/types';
import { LocalCredentialsApi } from '../../src/core/local/localCredentials';
import { LocalConnectionsApi, type LocalApiDeps } from '../../src/core/local/localConnectionsApi';
import { StoreRecords } from '../../src/core/local/records';
import { systemClock } from '../../src/core/ports';
import { ConnectionStore } from '../../src/core/local/connectionStore';
import { MemoryRecords, MemorySecretVault, silentLogger } from './doubles';

export interface Harness {
  api: LocalConnectionsApi;
  credentials: LocalCredentialsApi;
  /** Saves a connection with typed secrets, as the form does (a credential, then the connection naming it). */
  save(request: CreateConnectionRequest, secrets: SecretValues, existing?: Connection): Promise<Connection>;
  /** Tests settings with typed secrets, as the form does (a short-lived credential). */
  test(request: TestConnectionRequest, secrets: SecretValues): Promise<TestConnectionResponse>;
  /** The vault's credential entries (not its index). */
  credentialKeys(): string[];
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
  const credentials = new LocalCredentialsApi(vault, systemClock);
  const save = (request: CreateConnectionRequest, secrets: SecretValues, existing?: Connection): Promise<Connection> =>
    saveConnection(
      { api, credentials },
      api.registry.spec(existing?.type ?? request.type),
      { ...request, secrets },
      existing,
    );
  const test = (request: TestConnectionRequest, secrets: SecretValues): Promise<TestConnectionResponse> =>
    testConnectionDraft({ api, credentials }, api.registry.spec(request.type), { ...request, secrets });
  const credentialKeys = () => [...vault.entries.keys()].filter((k) => k.startsWith('planasonix.credential.'));
  return { api, store, vault, dir, credentials, save, test, credentialKeys };
}

export interface SourcesHarness extends Harness {
  /** This machine's connections and the workspace file's, merged as the extension merges them. */
  all: CompositeConnectionsApi;
  workspace: LocalConnectionsApi;
  /** The workspace file as last read: set() is a changed file. */
  file: MemoryRecords;
}

/** A store and a workspace file, each its own local API, behind one composite. */
export async function makeSourcesHarness(
  workspaceConnections: Connection[],
  overrides: Partial<LocalApiDeps> = {},
): Promise<SourcesHarness> {
  const h = await makeHarness(overrides);
  const file = new MemoryRecords('workspace', workspaceConnections);
  const workspace = new LocalConnectionsApi({
    records: file,
    vault: h.vault,
    registry: new ConnectorRegistry(),
    logger: silentLogger,
    clock: systemClock,
    ...overrides,
  });
  const all = new CompositeConnectionsApi([
    { scope: 'user', api: h.api },
    { scope: 'workspace', api: workspace },
  ]);
  // Saves through the composite, as the extension does (a workspace connection keeps its file's credential id).
  const save = (request: CreateConnectionRequest, secrets: SecretValues, existing?: Connection): Promise<Connection> =>
    saveConnection(
      { api: all, credentials: h.credentials },
      h.api.registry.spec(existing?.type ?? request.type),
      { ...request, secrets },
      existing,
    );
  return { ...h, all, workspace, file, save };
}
