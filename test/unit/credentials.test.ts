import * as assert from 'node:assert/strict';
import { saveConnection, testConnectionDraft } from '../../src/core/services/connectionSecrets';
import type {
  Credential,
  CredentialsApi,
  CreateCredentialRequest,
  UpdateCredentialRequest,
} from '../../src/core/api/credentials';
import type {
  Connection,
  CreateConnectionRequest,
  TestConnectionRequest,
  UpdateConnectionRequest,
} from '../../src/core/api/types';
import { connectorManifest } from '../../src/core/connectors/manifest';
import { ConnectionError } from '../../src/core/errors';
import { LocalCredentialsApi } from '../../src/core/local/localCredentials';
import { systemClock } from '../../src/core/ports';
import { FakeConnectionsApi } from '../support/fakeApi';
import { MemorySecretVault } from '../support/doubles';

const postgres = connectorManifest.find((s) => s.type === 'postgres')!;
const secret = 'hunter2-very-secret';

/** A credentials API that behaves like the hosted one: ids from the server, no way to read a secret back. */
class RecordingCredentials implements CredentialsApi {
  readonly held = new Map<string, Record<string, unknown>>();
  readonly log: string[] = [];
  private next = 1;
  async listCredentials() {
    return { data: [...this.held.keys()].map((id) => this.view(id)) };
  }
  async getCredential(id: string) {
    return this.view(id);
  }
  async createCredential(request: CreateCredentialRequest) {
    const id = `cred_${this.next++}`;
    this.held.set(id, { ...request.config });
    this.log.push(`create ${id}`);
    return this.view(id);
  }
  async updateCredential(id: string, request: UpdateCredentialRequest) {
    this.held.set(id, { ...this.held.get(id), ...request.config });
    this.log.push(`update ${id}`);
    return this.view(id);
  }
  async deleteCredential(id: string) {
    this.held.delete(id);
    this.log.push(`delete ${id}`);
    return { id, status: 'deleted' as const, deleted_at: new Date().toISOString() };
  }
  private view(id: string): Credential {
    return { id, name: id, type: 'database', status: 'active', config: {} };
  }
}

/** A connections back end that records what each request carried. */
class RecordingApi extends FakeConnectionsApi {
  readonly requests: unknown[] = [];
  failCreate: ConnectionError | undefined;
  constructor() {
    super([], {});
  }
  override async createConnection(request: CreateConnectionRequest): Promise<Connection> {
    this.requests.push(request);
    if (this.failCreate) throw this.failCreate;
    const created = {
      id: 'conn_1',
      name: request.name,
      type: request.type,
      config: request.config,
      credentialId: request.credentialId,
    };
    this.connections = [created];
    return created;
  }
  override async updateConnection(id: string, request: UpdateConnectionRequest = {}): Promise<Connection> {
    this.requests.push(request);
    const updated = { ...this.connections.find((c) => c.id === id)!, ...request };
    this.connections = [updated];
    return updated;
  }
  override async testConnection(request: TestConnectionRequest = { type: '', config: {} }) {
    this.requests.push(request);
    return { ok: true, latencyMs: 1, message: 'ok' };
  }
}

describe('credentials, apart from connections', () => {
  it('keeps secrets on this machine in the vault and never hands them back', async () => {
    const vault = new MemorySecretVault();
    const credentials = new LocalCredentialsApi(vault, systemClock);
    const created = await credentials.createCredential({
      name: 'prod',
      type: 'database',
      config: { password: secret, passphrase: 'pp' },
    });
    assert.ok(!JSON.stringify(created).includes(secret));
    assert.deepEqual(created.config, {});
    assert.deepEqual(created.stored_secrets, ['passphrase', 'password']);
    assert.ok(!JSON.stringify(await credentials.listCredentials()).includes(secret));
    assert.deepEqual(
      (await credentials.listCredentials()).data.map((c) => c.name),
      ['prod'],
    );
    // An empty value removes a secret; the others stay.
    assert.deepEqual((await credentials.updateCredential(created.id, { config: { passphrase: '' } })).stored_secrets, [
      'password',
    ]);
    // A new credential can start from another's secrets (a changed password keeps the rest).
    const next = await credentials.createCredential({
      name: 'prod 2',
      type: 'database',
      config: { passphrase: 'new' },
      inherit: created.id,
    });
    assert.deepEqual(next.stored_secrets, ['passphrase', 'password']);
    await credentials.deleteCredential(created.id);
    await assert.rejects(credentials.getCredential(created.id), (e: unknown) => ConnectionError.is(e, 'not_found'));
    assert.deepEqual(
      (await credentials.listCredentials()).data.map((c) => c.id),
      [next.id],
    );
    await assert.rejects(
      credentials.createCredential({ name: 'x', type: 'nope' as 'database', config: {} }),
      /Unknown credential type/,
    );
  });

  it('saves a connection with a credentialId, never with secrets, the same way against a hosted-like back end', async () => {
    const api = new RecordingApi();
    const credentials = new RecordingCredentials();
    const saved = await saveConnection({ api, credentials }, postgres, {
      name: 'prod',
      type: 'postgres',
      config: { host: 'h' },
      secrets: { password: secret },
    });
    assert.equal(saved.credentialId, 'cred_1');
    assert.ok(!JSON.stringify(api.requests).includes(secret), 'a connection request carried the secret');
    assert.deepEqual(credentials.held.get('cred_1'), { password: secret });

    // A new password: a new credential, the connection switched to it, then the old one deleted.
    await saveConnection(
      { api, credentials },
      postgres,
      { name: 'prod', type: 'postgres', config: { host: 'h' }, secrets: { password: 'rotated' } },
      saved,
    );
    assert.deepEqual(credentials.log, ['create cred_1', 'create cred_2', 'delete cred_1']);
    assert.equal(api.connections[0].credentialId, 'cred_2');
  });

  it('leaves nothing behind when the connection cannot be saved', async () => {
    const api = new RecordingApi();
    api.failCreate = new ConnectionError('name_taken', 'taken');
    const credentials = new RecordingCredentials();
    await assert.rejects(
      saveConnection({ api, credentials }, postgres, {
        name: 'x',
        type: 'postgres',
        config: {},
        secrets: { password: secret },
      }),
      /taken/,
    );
    assert.deepEqual(credentials.log, ['create cred_1', 'delete cred_1']);
    assert.equal(credentials.held.size, 0);
    await assert.rejects(
      saveConnection({ api, credentials }, postgres, {
        name: 'x',
        type: 'postgres',
        config: {},
        secrets: { token: 't' },
      }),
      /not a secret of a PostgreSQL connection/,
    );
    assert.equal(credentials.log.length, 2, 'an unknown secret field is refused before anything is stored');
  });

  it('tests typed secrets through a short-lived credential, deleted afterwards', async () => {
    const api = new RecordingApi();
    const credentials = new RecordingCredentials();
    const result = await testConnectionDraft({ api, credentials }, postgres, {
      type: 'postgres',
      config: { host: 'h' },
      secrets: { password: secret },
      credentialId: 'cred_saved',
    });
    assert.equal(result.ok, true);
    const request = api.requests[0] as TestConnectionRequest;
    assert.equal(request.credentialId, 'cred_1');
    assert.equal(request.targetConfirmed, true);
    assert.ok(!JSON.stringify(api.requests).includes(secret));
    assert.deepEqual(credentials.log, ['create cred_1', 'delete cred_1']);
    // Nothing typed: the saved credential is tested as it is.
    await testConnectionDraft({ api, credentials }, postgres, {
      type: 'postgres',
      config: { host: 'h' },
      secrets: {},
      credentialId: 'cred_saved',
    });
    assert.equal((api.requests[1] as TestConnectionRequest).credentialId, 'cred_saved');
  });
});
