import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Connection } from '../../src/core/api/types';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import type { ConnectorSpec } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';
import { makeHarness, makeSourcesHarness } from '../support/harness';

const pgConfig = { host: 'db.example.com', port: 5432, database: 'app', user: 'alice' };
const secret = 'S3cr3t-value-%$"\'';

function code(expected: string, field?: string) {
  return (e: unknown) => {
    assert.ok(ConnectionError.is(e), String(e));
    assert.equal(e.code, expected, e.message);
    if (field) assert.equal(e.details?.field, field);
    return true;
  };
}

describe('LocalConnectionsApi', () => {
  it('keeps secrets out of the store file and in the vault under the credential id', async () => {
    const h = await makeHarness();
    const created = await h.save({ name: 'prod', type: 'postgres', config: pgConfig }, { password: secret });
    const text = readFileSync(h.store.file, 'utf8');
    assert.ok(!text.includes(secret), 'the password is in the store file');
    assert.ok(!text.includes('password'), 'a password key is in the store file');
    assert.ok(created.credentialId?.startsWith('cred_'));
    assert.equal(created.config.password, undefined);
    const vaultText = [...h.vault.entries.values()].join('');
    assert.ok(vaultText.includes(JSON.stringify(secret).slice(1, -1)));
    assert.deepEqual(h.credentialKeys(), [`planasonix.credential.${created.credentialId}`]);
  });

  it('refuses a secret inside config, naming the field', async () => {
    const h = await makeHarness();
    await assert.rejects(
      h.api.createConnection({ name: 'x', type: 'postgres', config: { ...pgConfig, password: 'p' } }),
      code('invalid_config', 'password'),
    );
    assert.equal(h.store.list().length, 0);
  });

  it('fills defaults from the connector spec and validates types and ranges', async () => {
    const h = await makeHarness();
    const c = await h.api.createConnection({ name: 'defaults', type: 'mysql', config: { host: 'h' } });
    assert.equal(c.config.port, 3306);
    assert.equal(c.config.sslMode, 'prefer');
    await assert.rejects(
      h.api.createConnection({ name: 'p', type: 'postgres', config: { ...pgConfig, port: 70000 } }),
      code('invalid_config', 'port'),
    );
    await assert.rejects(
      h.api.createConnection({ name: 'p', type: 'postgres', config: { ...pgConfig, port: 'abc' } }),
      code('invalid_config', 'port'),
    );
    await assert.rejects(
      h.api.createConnection({ name: 'p', type: 'postgres', config: { ...pgConfig, sslMode: 'maybe' } }),
      code('invalid_config', 'sslMode'),
    );
    await assert.rejects(
      h.api.createConnection({ name: 'p', type: 'postgres', config: { ...pgConfig, hots: 'typo' } }),
      code('invalid_config', 'hots'),
    );
    await assert.rejects(
      h.api.createConnection({ name: '  ', type: 'postgres', config: pgConfig }),
      code('invalid_config', 'name'),
    );
    await assert.rejects(h.api.createConnection({ name: 'p', type: 'oracle', config: {} }), code('unsupported'));
  });

  it('refuses a name that is taken, ignoring case, and changes nothing', async () => {
    const h = await makeHarness();
    await h.save({ name: 'Warehouse', type: 'postgres', config: pgConfig }, { password: 'a' });
    const before = readFileSync(h.store.file, 'utf8');
    const vaultBefore = new Map(h.vault.entries);
    await assert.rejects(
      h.save({ name: 'warehouse', type: 'mysql', config: { host: 'h' } }, { password: 'b' }),
      code('name_taken', 'name'),
    );
    assert.equal(readFileSync(h.store.file, 'utf8'), before);
    assert.deepEqual(h.vault.entries, vaultBefore, 'no orphaned credential');
    const other = await h.api.createConnection({ name: 'Other', type: 'postgres', config: pgConfig });
    await assert.rejects(h.api.updateConnection(other.id, { name: 'WAREHOUSE' }), code('name_taken'));
  });

  it('keeps the stored secret on edit unless a new one is given', async () => {
    const h = await makeHarness();
    const c = await h.save({ name: 'e', type: 'postgres', config: pgConfig }, { password: 'first' });
    const edited = await h.save({ name: 'e', type: 'postgres', config: { ...pgConfig, port: 6543 } }, {}, c);
    const key = `planasonix.credential.${c.credentialId}`;
    assert.equal(edited.credentialId, c.credentialId, 'no new secret, same credential');
    assert.deepEqual(JSON.parse(h.vault.entries.get(key)!).secrets, { password: 'first' });
    // A new password goes into a new credential that replaces the old one once the connection names it.
    const rotated = await h.save(
      { name: 'e', type: 'postgres', config: edited.config },
      { password: 'second' },
      edited,
    );
    assert.notEqual(rotated.credentialId, c.credentialId);
    assert.deepEqual(JSON.parse(h.vault.entries.get(`planasonix.credential.${rotated.credentialId}`)!).secrets, {
      password: 'second',
    });
    assert.deepEqual(
      h.credentialKeys(),
      [`planasonix.credential.${rotated.credentialId}`],
      'the old credential is gone',
    );
    assert.equal((await h.api.getConnection(c.id)).config.port, 6543);
  });

  it('deletes the credential with the connection', async () => {
    const h = await makeHarness();
    const c = await h.save({ name: 'd', type: 'postgres', config: pgConfig }, { password: 'x' });
    const result = await h.api.deleteConnection(c.id);
    assert.equal(result.ok, true);
    assert.deepEqual(h.credentialKeys(), []);
    await assert.rejects(h.api.getConnection(c.id), code('not_found'));
  });

  it('removes a just-stored secret again when the record cannot be saved', async () => {
    const h = await makeHarness();
    writeFileSync(h.store.file, JSON.stringify({ version: 42, connections: [] }));
    await assert.rejects(
      h.save({ name: 'n', type: 'postgres', config: pgConfig }, { password: 'x' }),
      code('read_only'),
    );
    assert.deepEqual(h.credentialKeys(), []);
  });

  it('lists by type and by name search, sorted by name', async () => {
    const h = await makeHarness();
    await h.api.createConnection({ name: 'b-pg', type: 'postgres', config: pgConfig });
    await h.api.createConnection({ name: 'A-my', type: 'mysql', config: { host: 'h' } });
    await h.api.createConnection({ name: 'c-pg', type: 'postgres', config: pgConfig });
    assert.deepEqual(
      (await h.api.listConnections()).data.map((c) => c.name),
      ['A-my', 'b-pg', 'c-pg'],
    );
    assert.deepEqual(
      (await h.api.listConnections({ type: 'postgres' })).data.map((c) => c.name),
      ['b-pg', 'c-pg'],
    );
    const found = await h.api.listConnections({ search: 'PG' });
    assert.deepEqual(
      found.data.map((c) => c.name),
      ['b-pg', 'c-pg'],
    );
    assert.equal(found.meta.total, 2);
  });

  it('treats workspace connections as read-only, but lets their secret be set', async () => {
    const ws: Connection = {
      id: 'ws_1',
      name: 'Team DB',
      type: 'postgres',
      config: pgConfig,
      credentialId: 'cred_ws_1',
      scope: 'workspace',
    };
    const h = await makeSourcesHarness([ws]);
    assert.equal((await h.all.listConnections()).data[0].scope, 'workspace');
    await assert.rejects(h.all.updateConnection('ws_1', { name: 'x' }), code('read_only'));
    await assert.rejects(h.all.deleteConnection('ws_1'), code('read_only'));
    await assert.rejects(
      h.all.createConnection({ name: 'team db', type: 'postgres', config: pgConfig }),
      code('name_taken'),
    );
    await assert.rejects(
      h.workspace.createConnection({ name: 'other', type: 'postgres', config: pgConfig }),
      code('read_only'),
    );
    await h.save(
      { name: 'Team DB', type: 'postgres', config: pgConfig },
      { password: 'pw' },
      await h.all.getConnection('ws_1'),
    );
    assert.deepEqual(JSON.parse(h.vault.entries.get('planasonix.credential.cred_ws_1')!).secrets, { password: 'pw' });
  });

  it('answers capabilities a connector lacks with a typed unsupported error', async () => {
    const h = await makeHarness();
    const c = await h.api.createConnection({ name: 'pg', type: 'postgres', config: pgConfig });
    await assert.rejects(h.api.listFiles(c.id), code('unsupported'));
    await assert.rejects(h.api.cloudSchema(c.id, { path: 'x' }), code('unsupported'));
  });

  it('validates row limits and SQL before anything reaches a server', async () => {
    const h = await makeHarness();
    const c = await h.api.createConnection({ name: 'pg', type: 'postgres', config: pgConfig });
    await assert.rejects(wholeTestQuery(h.api, { connectionId: c.id, sql: '   ' }), code('invalid_config', 'sql'));
    await assert.rejects(
      wholeTestQuery(h.api, { connectionId: c.id, sql: 'select 1', limit: 0 }),
      code('invalid_config', 'limit'),
    );
    await assert.rejects(wholePreview(h.api, c.id, { table: 't', limit: 1_000_001 }), code('invalid_config', 'limit'));
    await assert.rejects(
      h.api.previewStream(c.id, { table: 't', limit: 1.5 }, { start: () => undefined, rows: () => undefined }),
      code('invalid_config', 'limit'),
    );
    await assert.rejects(
      h.api.testQueryStream({ connectionId: c.id, sql: '' }, { start: () => undefined, rows: () => undefined }),
      code('invalid_config', 'sql'),
    );
    assert.equal(h.api.sessions.openCount, 0);
  });

  it('never puts a secret in a test failure message, even when the driver does', async () => {
    const leaky: ConnectorSpec = {
      type: 'leaky',
      label: 'Leaky',
      icon: 'database',
      capabilities: [],
      hierarchy: { children: {} },
      fields: [
        { name: 'host', label: 'Host', kind: 'string' },
        { name: 'token', label: 'Token', kind: 'secret', secret: true },
      ],
      load: async () => ({
        openSession: ({ secrets }) => ({
          test: async () => {
            throw new ConnectionError('auth_failed', `server said: bad token ${secrets.token} for host`);
          },
          close: async () => undefined,
        }),
      }),
    };
    const h = await makeHarness({ registry: new ConnectorRegistry([leaky]) });
    const result = await h.test({ type: 'leaky', config: { host: 'h' } }, { token: 'tok-123456' });
    assert.deepEqual(h.credentialKeys(), [], 'the short-lived credential of the test is gone');
    assert.equal(result.ok, false);
    assert.equal(result.errorCode, 'auth_failed');
    assert.ok(!result.message.includes('tok-123456'), result.message);
    assert.match(result.message, /\*\*\*\*/);
  });
});
