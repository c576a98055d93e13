import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/api/types';
import { ConnectionError } from '../../src/core/errors';
import { makeHarness, type Harness } from '../support/harness';
import { PasswordProbe } from '../support/passwordProbe';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';

describe('a saved password goes only to the target it was entered for', function () {
  this.timeout(30_000);
  let h: Harness;
  let probe: PasswordProbe;
  const secret = 's3cret-for-the-real-db';
  let file: Connection[];
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
    file = [team];
    h = await makeHarness({ workspaceConnections: () => file });
  });
  afterEach(async () => h.api.dispose());
  after(async () => probe.close());

  it('withholds it when a workspace file moves the connection to another server, until the user confirms', async () => {
    await h.api.updateConnection(team.id, { secrets: { password: secret } });
    assert.ok((await h.api.listSchemas(team.id)).schemas.length > 0);

    // A commit changes the file: same name, another port (a server that asks for the password in clear text).
    file = [{ ...team, config: { ...team.config, port: probe.port } }];
    await h.api.sessions.invalidate(team.id);
    await assert.rejects(h.api.listSchemas(team.id), (error: unknown) => {
      assert.ok(ConnectionError.is(error, 'target_changed'), String(error));
      assert.match(error.message, new RegExp(`port ${pgServer.port} → ${probe.port}`));
      assert.ok(!error.message.includes(secret));
      return true;
    });
    assert.equal(probe.connections, 0, 'nothing at all was sent to the new target');
    assert.deepEqual(await h.api.targetChanges(team.id), [{ key: 'port', from: String(pgServer.port), to: String(probe.port) }]);

    // The user confirms: only now does the password leave (the probe proves it was the gate that held it).
    await h.api.confirmTarget(team.id);
    await assert.rejects(h.api.listSchemas(team.id));
    assert.deepEqual(probe.passwords, [secret]);
  });

  it('withholds it when the TLS mode or the user changes, and lets it go back to the original target', async () => {
    await h.api.updateConnection(team.id, { secrets: { password: secret } });
    for (const change of [{ sslMode: 'require' }, { user: 'someone_else' }] as Record<string, string>[]) {
      file = [{ ...team, config: { ...team.config, ...change } }];
      await h.api.sessions.invalidate(team.id);
      await assert.rejects(h.api.listSchemas(team.id), (e: unknown) => ConnectionError.is(e, 'target_changed'));
    }
    file = [team];
    await h.api.sessions.invalidate(team.id);
    assert.ok((await h.api.listSchemas(team.id)).schemas.length > 0);
  });

  it('rebinds a connection the user edits and saves', async () => {
    const mine = await h.api.createConnection({ name: 'Mine', type: 'postgres', config: team.config, secrets: { password: secret } });
    await h.api.updateConnection(mine.id, { config: { ...team.config, database: 'postgres' } });
    assert.deepEqual(await h.api.targetChanges(mine.id), []);
    assert.ok((await h.api.listSchemas(mine.id)).schemas.length > 0);
  });
});
