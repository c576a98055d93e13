import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/api/types';
import { ConnectionError } from '../../src/core/errors';
import { makeSourcesHarness, type SourcesHarness } from '../support/harness';
import { PasswordProbe } from '../support/passwordProbe';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';

describe('a saved password goes only to the target it was entered for', function () {
  this.timeout(30_000);
  let h: SourcesHarness;
  let probe: PasswordProbe;
  const secret = 's3cret-for-the-real-db';
  const team: Connection = {
    id: 'ws_probe',
    name: 'Team warehouse',
    type: 'postgres',
    config: { host: pgServer.host, port: pgServer.port, user: pgServer.user, database: fixtureDatabase, sslMode: 'disable' },
    credentialId: 'cred_ws_probe',
    scope: 'workspace',
  };

  before(async () => {
    await ensurePostgresFixture();
    probe = await PasswordProbe.start();
  });
  beforeEach(async () => {
    h = await makeSourcesHarness([team]);
  });
  afterEach(async () => h.all.dispose());
  after(async () => probe.close());

  it('withholds it when a workspace file moves the connection to another server, until the user confirms', async () => {
    await h.save({ name: team.name, type: 'postgres', config: team.config }, { password: secret }, await h.all.getConnection(team.id));
    assert.ok((await h.all.listSchemas(team.id)).schemas.length > 0);

    // A commit changes the file: same name, another port (a server that asks for the password in clear text).
    h.file.set([{ ...team, config: { ...team.config, port: probe.port } }]);
    await assert.rejects(h.all.listSchemas(team.id), (error: unknown) => {
      assert.ok(ConnectionError.is(error, 'target_changed'), String(error));
      assert.match(error.message, new RegExp(`port ${pgServer.port} → ${probe.port}`));
      assert.ok(!error.message.includes(secret));
      return true;
    });
    assert.equal(probe.connections, 0, 'nothing at all was sent to the new target');
    assert.deepEqual(await h.all.targetChanges(team.id), [{ key: 'port', from: String(pgServer.port), to: String(probe.port) }]);

    // The user confirms: only now does the password leave (the probe proves it was the gate that held it).
    await h.all.confirmTarget(team.id);
    await assert.rejects(h.all.listSchemas(team.id));
    assert.deepEqual(probe.passwords, [secret]);
  });

  it('withholds it when the TLS mode or the user changes, and lets it go back to the original target', async () => {
    await h.save({ name: team.name, type: 'postgres', config: team.config }, { password: secret }, await h.all.getConnection(team.id));
    for (const change of [{ sslMode: 'require' }, { user: 'someone_else' }] as Record<string, string>[]) {
      h.file.set([{ ...team, config: { ...team.config, ...change } }]);
      await assert.rejects(h.all.listSchemas(team.id), (e: unknown) => ConnectionError.is(e, 'target_changed'));
    }
    h.file.set([team]);
    assert.ok((await h.all.listSchemas(team.id)).schemas.length > 0);
  });

  it('withholds it from "Test Connection" on a moved connection too, unless the test comes from the form showing the target', async () => {
    await h.save({ name: team.name, type: 'postgres', config: team.config }, { password: secret }, await h.all.getConnection(team.id));
    const moved = { ...team.config, port: probe.port };
    h.file.set([{ ...team, config: moved }]);
    const [connectionsBefore, passwordsBefore] = [probe.connections, probe.passwords.length];
    // The tree's Test Connection: the user has not seen the new target.
    const result = await h.all.testConnection({ type: 'postgres', config: moved, credentialId: team.credentialId });
    assert.equal(result.ok, false);
    assert.equal(result.errorCode, 'target_changed');
    assert.ok(!result.message.includes(secret));
    assert.equal(probe.connections, connectionsBefore, 'nothing at all was sent to the new target');
    // The form shows the target it tests: there the saved password may go.
    await h.all.testConnection({ type: 'postgres', config: moved, credentialId: team.credentialId, targetConfirmed: true });
    assert.deepEqual(probe.passwords.slice(passwordsBefore), [secret]);
  });

  it('rebinds a connection the user edits and saves', async () => {
    const mine = await h.save({ name: 'Mine', type: 'postgres', config: team.config }, { password: secret });
    await h.all.updateConnection(mine.id, { config: { ...team.config, database: 'postgres' } });
    assert.deepEqual(await h.all.targetChanges(mine.id), []);
    assert.ok((await h.all.listSchemas(mine.id)).schemas.length > 0);
  });
});
