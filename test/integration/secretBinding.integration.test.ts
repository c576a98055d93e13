import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/api/types';
import { testConnectionDraft } from '../../src/core/services/connectionSecrets';
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
    config: {
      host: pgServer.host,
      port: pgServer.port,
      user: pgServer.user,
      database: fixtureDatabase,
      sslMode: 'disable',
    },
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
    await h.save(
      { name: team.name, type: 'postgres', config: team.config },
      { password: secret },
      await h.all.getConnection(team.id),
    );
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
    assert.deepEqual(await h.all.targetChanges(team.id), [
      { key: 'port', from: String(pgServer.port), to: String(probe.port) },
    ]);

    // The user confirms: only now does the password leave (the probe proves it was the gate that held it).
    await h.all.confirmTarget(team.id);
    await assert.rejects(h.all.listSchemas(team.id));
    assert.deepEqual(probe.passwords, [secret]);
  });

  it('withholds it when the TLS mode or the user changes, and lets it go back to the original target', async () => {
    await h.save(
      { name: team.name, type: 'postgres', config: team.config },
      { password: secret },
      await h.all.getConnection(team.id),
    );
    for (const change of [{ sslMode: 'require' }, { user: 'someone_else' }] as Record<string, string>[]) {
      h.file.set([{ ...team, config: { ...team.config, ...change } }]);
      await assert.rejects(h.all.listSchemas(team.id), (e: unknown) => ConnectionError.is(e, 'target_changed'));
    }
    h.file.set([team]);
    assert.ok((await h.all.listSchemas(team.id)).schemas.length > 0);
  });

  it('withholds it from "Test Connection" on a moved connection too, unless the test comes from the form showing the target', async () => {
    await h.save(
      { name: team.name, type: 'postgres', config: team.config },
      { password: secret },
      await h.all.getConnection(team.id),
    );
    const moved = { ...team.config, port: probe.port };
    h.file.set([{ ...team, config: moved }]);
    const [connectionsBefore, passwordsBefore] = [probe.connections, probe.passwords.length];
    // The tree's Test Connection: the user has not seen the new target.
    const result = await h.all.testConnection({ type: 'postgres', config: moved, credentialId: team.credentialId });
    assert.equal(result.ok, false);
    assert.equal(result.errorCode, 'target_changed');
    assert.ok(!result.message.includes(secret));
    assert.equal(probe.connections, connectionsBefore, 'nothing at all was sent to the new target');
    // The form of a workspace connection (opened by the review dialog's default button) withholds it too,
    // with nothing typed and with another secret typed on top of the saved password.
    const spec = h.api.registry.spec('postgres');
    const ctx = { api: h.all, credentials: h.credentials };
    const draft = {
      type: 'postgres',
      config: moved,
      credentialId: team.credentialId,
      connectionId: team.id,
      targetConfirmed: false,
    };
    const outcome = await testConnectionDraft(ctx, spec, { ...draft, secrets: {} });
    assert.equal(outcome.errorCode, 'target_changed', JSON.stringify(outcome));
    assert.equal(probe.connections, connectionsBefore, 'the form sent the saved password to the new target');
    // A password typed in the form is the user's own to send; and a test the user confirmed may send the saved one.
    await testConnectionDraft(ctx, spec, { ...draft, secrets: { password: 'typed-in-the-form' } });
    await h.all.testConnection({
      type: 'postgres',
      config: moved,
      credentialId: team.credentialId,
      targetConfirmed: true,
    });
    assert.deepEqual(probe.passwords.slice(passwordsBefore), ['typed-in-the-form', secret]);
  });

  it('asks before sending a password saved by an earlier version (no target kept) to a workspace connection', async () => {
    // What the previous version wrote: the secrets alone, with no record of where they were for.
    await h.vault.store(`planasonix.credential.${team.credentialId}`, JSON.stringify({ password: secret }));
    h.file.set([{ ...team, config: { ...team.config, port: probe.port } }]);
    const before = probe.connections;
    await assert.rejects(
      h.all.listSchemas(team.id),
      (e: unknown) => ConnectionError.is(e, 'target_changed') && /not recorded/.test(e.message),
    );
    const tested = await h.all.testConnection({
      type: 'postgres',
      config: { ...team.config, port: probe.port },
      credentialId: team.credentialId,
      connectionId: team.id,
    });
    assert.equal(tested.errorCode, 'target_changed');
    assert.equal(probe.connections, before, 'the old password followed the retargeted file');
    const changes = await h.all.targetChanges(team.id);
    assert.ok(changes.some((c) => c.key === 'port' && c.from === '(not recorded)' && c.to === String(probe.port)));
    await h.all.confirmTarget(team.id);
    assert.deepEqual(await h.all.targetChanges(team.id), []);
  });

  it("binds an earlier version's password to a connection of the user's own on first use, as before", async () => {
    const mine = await h.save({ name: 'Mine too', type: 'postgres', config: team.config }, {});
    const record = await h.all.getConnection(mine.id);
    const id = record.credentialId ?? 'cred_mine_legacy';
    if (!record.credentialId) await h.all.updateConnection(mine.id, { credentialId: id });
    await h.vault.store(`planasonix.credential.${id}`, JSON.stringify({ password: 'old-version' }));
    assert.ok((await h.all.listSchemas(mine.id)).schemas.length > 0);
    const stored = JSON.parse((await h.vault.get(`planasonix.credential.${id}`)) ?? '{}') as {
      v?: number;
      target?: { config?: { port?: unknown } };
    };
    assert.equal(stored.v, 2, 'the entry was not bound to its target on first use');
    assert.equal(String(stored.target?.config?.port), String(pgServer.port));
  });

  it('does not count defaults as changes: a file that leaves out the port and TLS mode tests clean, and confirming clears a real change', async () => {
    const bare = { host: pgServer.host, user: pgServer.user, database: fixtureDatabase };
    const defaults: Connection = { ...team, config: bare };
    h.file.set([defaults]);
    await h.save(
      { name: team.name, type: 'postgres', config: bare },
      { password: secret },
      await h.all.getConnection(team.id),
    );
    assert.deepEqual(await h.all.targetChanges(team.id), []);
    const result = await h.all.testConnection({
      type: 'postgres',
      config: bare,
      credentialId: team.credentialId,
      connectionId: team.id,
    });
    assert.notEqual(result.errorCode, 'target_changed', result.message);
    h.file.set([{ ...defaults, config: { ...bare, port: String(pgServer.port) } }]);
    assert.deepEqual(await h.all.targetChanges(team.id), [], 'the default port written out is not a change');
    h.file.set([{ ...defaults, config: { ...bare, database: 'postgres' } }]);
    assert.equal((await h.all.targetChanges(team.id)).length, 1);
    await h.all.confirmTarget(team.id);
    assert.deepEqual(await h.all.targetChanges(team.id), []);
    const after = await h.all.testConnection({
      type: 'postgres',
      config: { ...bare, database: 'postgres' },
      credentialId: team.credentialId,
      connectionId: team.id,
    });
    assert.notEqual(after.errorCode, 'target_changed', after.message);
  });

  it('rebinds a connection the user edits and saves', async () => {
    const mine = await h.save({ name: 'Mine', type: 'postgres', config: team.config }, { password: secret });
    await h.all.updateConnection(mine.id, { config: { ...team.config, database: 'postgres' } });
    assert.deepEqual(await h.all.targetChanges(mine.id), []);
    assert.ok((await h.all.listSchemas(mine.id)).schemas.length > 0);
  });
});
