import * as assert from 'node:assert/strict';
import type { ConnectionsApi } from '../../src/core/api/types';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { loadChildren, loadMore } from '../../src/core/explorer/loaders';
import type { ExplorerNode, LoadMoreNode, MessageNode, SchemaNode } from '../../src/core/explorer/nodes';
import { samplePath } from '../../scripts/sampleDatabase';
import { makeHarness, type Harness } from '../support/harness';
import { ensureMysqlFixture, ensurePostgresFixture, fixtureDatabase, mysqlServer, pgServer } from '../support/servers';

/** Counts calls that would be round trips to a server (reading local records is not one). */
function counting(api: ConnectionsApi): { api: ConnectionsApi; calls: string[] } {
  const calls: string[] = [];
  const local = new Set(['getConnection', 'listConnections']);
  const proxy = new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!local.has(String(prop))) calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api: proxy, calls };
}

function find<T extends ExplorerNode>(nodes: ExplorerNode[], predicate: (n: ExplorerNode) => boolean): T {
  const found = nodes.find(predicate);
  assert.ok(found, `not found among: ${nodes.map((n) => n.id).join(', ')}`);
  return found as T;
}

describe('explorer loaders against the real servers', () => {
  const registry = new ConnectorRegistry();
  let h: Harness;

  before(async function () {
    this.timeout(600_000);
    await Promise.all([ensurePostgresFixture(), ensureMysqlFixture()]);
    h = await makeHarness();
    await h.api.createConnection({
      name: 'PG',
      type: 'postgres',
      config: {
        host: pgServer.host,
        port: pgServer.port,
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      },
    });
    await h.api.createConnection({
      name: 'Maria',
      type: 'mysql',
      config: {
        host: mysqlServer.host,
        port: mysqlServer.port,
        user: mysqlServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      },
    });
  });
  after(() => h.api.dispose());

  it('walks PostgreSQL from connection to columns, one round trip per expansion, with stable ids', async () => {
    const { api, calls } = counting(h.api);
    const opts = { pageSize: 500 };
    const roots = await loadChildren(api, registry, undefined, opts);
    assert.deepEqual(
      roots.map((n) => n.kind === 'connection' && n.connection.name),
      ['Maria', 'PG'],
    );
    const pg = find(roots, (n) => n.kind === 'connection' && n.connection.name === 'PG');
    let node: ExplorerNode = pg;
    for (const pick of [
      (n: ExplorerNode) => n.kind === 'catalog' && n.name === fixtureDatabase,
      (n: ExplorerNode) => n.kind === 'schema' && n.name === 'fixture',
      (n: ExplorerNode) => n.kind === 'table' && n.name === 'customers',
    ]) {
      const before = calls.length;
      const children = await loadChildren(api, registry, node, opts);
      assert.equal(calls.length - before, 1, `expanding ${node.id} took ${calls.slice(before).join(', ')}`);
      node = find(children, pick);
    }
    const columns = await loadChildren(api, registry, node, opts);
    assert.deepEqual(
      columns.map((c) => c.kind === 'column' && c.column.name),
      ['id', 'name', 'email', 'country', 'created_at'],
    );
    const again = await loadChildren(api, registry, node, opts);
    assert.deepEqual(
      again.map((n) => n.id),
      columns.map((n) => n.id),
      'ids survive a reload',
    );
    assert.equal(new Set(columns.map((n) => n.id)).size, columns.length);
  });

  it('tells a table from a view in the node data', async () => {
    const roots = await loadChildren(h.api, registry, undefined, { pageSize: 500 });
    const maria = find(roots, (n) => n.kind === 'connection' && n.connection.name === 'Maria');
    const schemas = await loadChildren(h.api, registry, maria, { pageSize: 500 });
    assert.ok(
      schemas.every((s) => s.kind === 'schema'),
      'MySQL has no catalog level',
    );
    const schema = find(schemas, (n) => n.kind === 'schema' && n.name === fixtureDatabase);
    const tables = await loadChildren(h.api, registry, schema, { pageSize: 500 });
    const kinds = Object.fromEntries(tables.map((t) => (t.kind === 'table' ? [t.name, t.tableType] : [t.id, t.kind])));
    assert.equal(kinds.customers, 'TABLE');
    assert.equal(kinds.customer_orders, 'VIEW');
  });

  it('shows an empty schema as a message node', async () => {
    const roots = await loadChildren(h.api, registry, undefined, { pageSize: 500 });
    const maria = find(roots, (n) => n.kind === 'connection' && n.connection.name === 'Maria');
    const schemas = await loadChildren(h.api, registry, maria, { pageSize: 500 });
    const empty = find(schemas, (n) => n.kind === 'schema' && n.name === 'planasonix_fixture_empty');
    const children = await loadChildren(h.api, registry, empty, { pageSize: 500 });
    assert.equal(children.length, 1);
    assert.equal((children[0] as MessageNode).severity, 'empty');
    assert.equal((children[0] as MessageNode).text, 'No tables');
  });

  it('pages a schema with a load-more node, and filters it on the server', async () => {
    const schema: SchemaNode = {
      kind: 'schema',
      id: 'user:x/schema:fixture',
      word: 'Schema',
      icon: 'symbol-namespace',
      connection: { id: (await h.api.listConnections({ search: 'PG' })).data[0].id, type: 'postgres', scope: 'user' },
      path: [
        { level: 'catalog', name: fixtureDatabase },
        { level: 'schema', name: 'fixture' },
      ],
      name: 'fixture',
    };
    const all = (await loadChildren(h.api, registry, schema, { pageSize: 500 })).map(
      (n) => n.kind === 'table' && n.name,
    );
    const first = await loadChildren(h.api, registry, schema, { pageSize: 4 });
    assert.equal(first.length, 5);
    const more = first[4] as LoadMoreNode;
    assert.equal(more.kind, 'loadMore');
    assert.equal(more.loaded, 4);
    const second = await loadMore(h.api, registry, more, { pageSize: 4 });
    assert.deepEqual(
      [...first.slice(0, 4), ...second.filter((n) => n.kind === 'table')].map((n) => n.kind === 'table' && n.name),
      all.slice(0, 8),
    );
    const filtered = await loadChildren(h.api, registry, schema, { pageSize: 500, filterOf: () => 'order' });
    assert.deepEqual(filtered.map((n) => n.kind === 'table' && n.name).sort(), [
      'customer_orders',
      'order_totals',
      'orders',
    ]);
    const none = await loadChildren(h.api, registry, schema, { pageSize: 500, filterOf: () => 'zzz_nothing' });
    assert.equal((none[0] as MessageNode).text, 'No tables match "zzz_nothing"');
  });

  it('walks a SQLite file: the file is the catalog and holds the tables directly', async () => {
    const local = await makeHarness();
    try {
      await local.api.createConnection({ name: 'Sample', type: 'sqlite', config: { path: samplePath } });
      const [conn] = await loadChildren(local.api, registry, undefined, { pageSize: 500 });
      const [catalog] = await loadChildren(local.api, registry, conn, { pageSize: 500 });
      assert.equal(catalog.kind === 'catalog' && catalog.name, 'planasonix-sample.sqlite');
      const tables = await loadChildren(local.api, registry, catalog, { pageSize: 2 });
      assert.deepEqual(
        tables.map((t) => t.kind),
        ['table', 'table', 'loadMore'],
      );
      const columns = await loadChildren(local.api, registry, tables[0], { pageSize: 500 });
      assert.ok(columns.length > 0 && columns.every((c) => c.kind === 'column'));
      assert.ok(columns[0].id.startsWith(`${catalog.id}/table:`), 'table ids hang off the catalog');
    } finally {
      await local.api.dispose();
    }
  });

  it('shows a failure as an error node, and does not keep it once the problem is fixed', async () => {
    const broken = await h.api.createConnection({
      name: 'Broken',
      type: 'postgres',
      config: { host: '127.0.0.1', port: 1, user: 'postgres', sslMode: 'disable', connectTimeoutSeconds: 2 },
    });
    const roots = await loadChildren(h.api, registry, undefined, { pageSize: 500 });
    const node = find(roots, (n) => n.kind === 'connection' && n.connection.id === broken.id);
    const failed = await loadChildren(h.api, registry, node, { pageSize: 500 });
    assert.equal(failed.length, 1);
    const message = failed[0] as MessageNode;
    assert.equal(message.severity, 'error');
    assert.match(message.text, /^Could not list databases: Connection refused by 127\.0\.0\.1:1/);
    assert.equal(message.parent, node);
    await h.api.updateConnection(broken.id, {
      config: { host: pgServer.host, port: pgServer.port, user: pgServer.user, sslMode: 'disable' },
    });
    const fixed = await loadChildren(h.api, registry, node, { pageSize: 500 });
    assert.ok(fixed.some((n) => n.kind === 'catalog' && n.name === fixtureDatabase));
  });
});
