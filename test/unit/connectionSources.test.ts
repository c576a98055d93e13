import * as assert from 'node:assert/strict';
import { CompositeConnectionsApi } from '../../src/core/api/composite';
import { SignedOutApi } from '../../src/core/api/signedOut';
import { ConnectionsModel } from '../../src/core/api/connectionsModel';
import type { Connection } from '../../src/core/api/types';
import { ConnectionError } from '../../src/core/errors';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { ExplorerModel } from '../../src/core/explorer/explorerModel';
import { FakeConnectionsApi } from '../support/fakeApi';
import { makeSourcesHarness } from '../support/harness';

const conn = (id: string, name: string): Connection => ({ id, name, type: 'postgres', config: {} });

describe('connection sources: one composite, each connection knowing its source', () => {
  it("merges the sources' lists sorted by name, routes each call to the source holding the connection", async () => {
    const mine = new FakeConnectionsApi([conn('a', 'Zed'), conn('b', 'alpha')], { a: { catalogs: ['mine'] }, b: {} });
    const team = new FakeConnectionsApi([conn('t', 'Middle')], { t: { catalogs: ['team'] } });
    const api = new CompositeConnectionsApi([
      { scope: 'user', api: mine },
      { scope: 'hosted', api: team },
    ]);
    const { data } = await api.listConnections();
    assert.deepEqual(
      data.map((c) => `${c.name}@${c.scope}`),
      ['alpha@user', 'Middle@hosted', 'Zed@user'],
    );
    assert.deepEqual((await api.listCatalogs('t')).catalogs, [{ name: 'team' }]);
    assert.deepEqual((await api.listCatalogs('a')).catalogs, [{ name: 'mine' }]);
    assert.equal(
      team.calls.filter((c) => c.method === 'listCatalogs').length,
      1,
      "the user source's call never went to the hosted one",
    );
    await assert.rejects(api.getConnection('nope'), (e: unknown) => ConnectionError.is(e, 'not_found'));
  });

  it('lists what it can when a source fails, names the failing source, and calls a missing id unreachable, not gone', async () => {
    const mine = new FakeConnectionsApi([conn('a', 'Mine')], { a: {} });
    const team = new FakeConnectionsApi([conn('t', 'Team')], { t: {} });
    team.fail.set('listConnections', new ConnectionError('unreachable', '503 Service Unavailable'));
    const api = new CompositeConnectionsApi([
      { scope: 'user', api: mine },
      { scope: 'hosted', api: team },
    ]);
    const { data, meta } = await api.listConnections();
    assert.deepEqual(
      data.map((c) => c.name),
      ['Mine'],
    );
    assert.deepEqual(meta.unavailable, [{ scope: 'hosted', code: 'unreachable', message: '503 Service Unavailable' }]);
    await assert.rejects(api.getConnection('t'), (e: unknown) => ConnectionError.is(e, 'unreachable'));
  });

  it('streams from a back end that only returns whole responses, through the one shared adapter', async () => {
    const whole = new FakeConnectionsApi([conn('a', 'A')], { a: {} });
    const api = new CompositeConnectionsApi([{ scope: 'hosted', api: whole }]);
    const batches: unknown[][][] = [];
    let columns: string[] = [];
    await api.listConnections();
    const stats = await api.previewStream(
      'a',
      { table: 'orders', limit: 10 },
      { start: (c) => (columns = c), rows: (b) => void batches.push(b) },
    );
    assert.deepEqual(columns, ['table']);
    assert.deepEqual(batches, [[['orders']]]);
    assert.equal(stats.limit, 10);
  });

  it('keeps names unique across sources, and disposes every source', async () => {
    const h = await makeSourcesHarness([{ ...conn('ws_1', 'Team DB'), credentialId: 'cred_ws_1' }]);
    await assert.rejects(
      h.all.createConnection({ name: 'TEAM db', type: 'sqlite', config: { path: '/x.sqlite' } }),
      /already exists in the workspace file/,
    );
    const created = await h.all.createConnection({ name: 'Mine', type: 'sqlite', config: { path: '/x.sqlite' } });
    assert.equal(created.scope, 'user');
    await assert.rejects(h.all.updateConnection(created.id, { name: 'team db' }), /already exists/);
    await h.all.dispose();
  });

  it('says a workspace file changed: the change event fires (the integration test proves the session of the moved connection is closed)', async () => {
    const h = await makeSourcesHarness([{ ...conn('ws_1', 'Team DB'), type: 'sqlite', config: { path: '/a.sqlite' } }]);
    let changes = 0;
    const sub = h.all.onDidChange(() => changes++);
    h.file.set([{ ...conn('ws_1', 'Team DB'), type: 'sqlite', config: { path: '/b.sqlite' } }]);
    assert.equal(changes, 1);
    sub.dispose();
    h.file.set([]);
    assert.equal(changes, 1, 'a disposed subscription hears nothing');
    await h.all.dispose();
  });
});

describe('connections model: the only thing host code reads', () => {
  it('tells "deleted" from "could not reach", and keeps the last list while the back end fails', async () => {
    const back = new FakeConnectionsApi([conn('a', 'A'), conn('b', 'B')], { a: {}, b: {} });
    const model = new ConnectionsModel(back);
    assert.equal((await model.lookup('a')).state, 'found');
    assert.equal((await model.lookup('zzz')).state, 'not_found');

    // The back end goes away (a 503): nothing is forgotten, nothing counts as deleted.
    back.fail.set('listConnections', new ConnectionError('unreachable', '503 Service Unavailable'));
    await model.refresh();
    const a = await model.lookup('a');
    assert.equal(a.state, 'found');
    assert.equal(a.state === 'found' && a.stale, true);
    const missing = await model.lookup('zzz');
    assert.equal(missing.state, 'unreachable');
    await assert.rejects(model.require('zzz'), (e: unknown) => ConnectionError.is(e, 'unreachable'));

    // Back again, and b was deleted meanwhile.
    back.fail.delete('listConnections');
    back.setConnections([conn('a', 'A')]);
    await model.refresh();
    assert.equal((await model.lookup('b')).state, 'not_found');
    await assert.rejects(model.require('b'), (e: unknown) => ConnectionError.is(e, 'not_found'));
    model.dispose();
  });

  it('lists once per change, not once per read, and coalesces changes that arrive during a listing', async () => {
    const back = new FakeConnectionsApi([conn('a', 'A')], { a: {} });
    const model = new ConnectionsModel(back);
    await model.ready;
    const listings = () => back.calls.filter((c) => c.method === 'listConnections').length;
    const before = listings();
    for (let i = 0; i < 100; i++) model.get('a');
    await Promise.all([...Array(10)].map(() => model.lookup('a')));
    assert.equal(listings(), before, 'reads never reach the back end');
    let fired = 0;
    model.onDidChange(() => fired++);
    back.setConnections([conn('a', 'A2')]);
    back.setConnections([conn('a', 'A3')]);
    back.setConnections([conn('a', 'A4')]);
    await model.refresh();
    assert.equal(model.get('a')?.name, 'A4');
    assert.ok(listings() - before <= 2, `three changes during one listing took ${listings() - before} listings`);
    assert.ok(fired >= 1);
    model.dispose();
  });

  it('keeps the last known connections of a source that cannot be listed, marked stale, and touches nothing local', async () => {
    const mine = new FakeConnectionsApi([conn('a', 'Mine'), conn('b', 'Also mine')], { a: {}, b: {} });
    const team = new FakeConnectionsApi([conn('t', 'Team')], { t: {} });
    const api = new CompositeConnectionsApi([
      { scope: 'user', api: mine },
      { scope: 'hosted', api: team },
    ]);
    const model = new ConnectionsModel(api);
    await model.ready;
    // The workspace goes offline, and meanwhile a local connection is deleted.
    team.fail.set('listConnections', new ConnectionError('unreachable', 'fetch failed'));
    mine.setConnections([conn('a', 'Mine')]);
    await model.refresh();
    assert.deepEqual(
      model
        .list()
        .map((c) => `${c.name}${model.isStale(c.id) ? ' (stale)' : ''}`)
        .sort(),
      ['Mine', 'Team (stale)'],
    );
    const team1 = await model.lookup('t');
    assert.equal(team1.state === 'found' && team1.stale, true);
    assert.equal(
      (await model.lookup('b')).state,
      'unreachable',
      'with a source down, a missing id is not declared deleted',
    );
    const registry = new ConnectorRegistry();
    const explorer = new ExplorerModel(
      api,
      model,
      registry,
      () => 100,
      () => undefined,
    );
    const roots = await explorer.children(undefined);
    assert.deepEqual(
      roots.map((n) => (n.kind === 'connection' ? `${n.connection.name}${n.stale ? ' (stale)' : ''}` : n.kind)),
      ['message', 'Mine', 'Team (stale)'],
    );
    // Back online: nothing stale any more.
    team.fail.delete('listConnections');
    await model.refresh();
    assert.equal(model.isStale('t'), false);
    model.dispose();
  });

  it('after a sign-out, shows one node that says so instead of the workspace, keeping none of its connections', async () => {
    const mine = new FakeConnectionsApi([conn('a', 'Mine')], { a: {} });
    const team = new FakeConnectionsApi([conn('t', 'Team')], { t: {} });
    const api = new CompositeConnectionsApi([
      { scope: 'user', api: mine },
      { scope: 'hosted', api: team },
    ]);
    const model = new ConnectionsModel(api);
    await model.ready;
    api.setSource('hosted', new SignedOutApi());
    await model.refresh();
    assert.deepEqual(
      model.list().map((c) => c.name),
      ['Mine'],
    );
    const explorer = new ExplorerModel(
      api,
      model,
      new ConnectorRegistry(),
      () => 100,
      () => undefined,
    );
    const roots = await explorer.children(undefined);
    assert.deepEqual(
      roots.map((n) => (n.kind === 'message' ? `${n.errorCode}: ${n.text}` : n.kind)),
      ['auth_failed: Planasonix workspace: Signed out. Sign in to see its connections.', 'connection'],
    );
    assert.equal(
      (await model.lookup('t')).state,
      'unreachable',
      "a signed-out workspace's connection is not declared deleted",
    );
    model.dispose();
  });

  it('tells the views only when a listing differs from the last one (a poll that found nothing redraws nothing)', async () => {
    const mine = new FakeConnectionsApi([conn('a', 'Mine')], { a: {} });
    const model = new ConnectionsModel(mine);
    await model.ready;
    let events = 0;
    model.onDidChange(() => events++);
    await model.refresh();
    await model.refresh();
    assert.equal(events, 0);
    mine.setConnections([conn('a', 'Mine'), conn('b', 'New')]);
    await model.refresh();
    assert.equal(events, 1);
    mine.fail.set('listConnections', new ConnectionError('unreachable', 'down'));
    await model.refresh();
    assert.equal(events, 2, 'going offline is a change (the views mark the list stale)');
    model.dispose();
  });
});
