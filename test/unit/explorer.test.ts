import { strict as assert } from 'node:assert';
import type { Connection } from '../../src/core/api/types';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { connectorSpecs } from '../../src/core/connectors/registry';
import type { ConnectorSpec } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';
import { ExplorerModel } from '../../src/core/explorer/explorerModel';
import { loadChildren } from '../../src/core/explorer/loaders';
import {
  levels,
  locate,
  type ExplorerNode,
  type ItemNode,
  type LoadMoreNode,
  type MessageNode,
} from '../../src/core/explorer/nodes';
import { FakeConnectionsApi } from '../support/fakeApi';

/** A storage connector that exists only in these tests: bucket > folders and files > a file's columns. */
const storageSpec: ConnectorSpec = {
  type: 'test-storage',
  label: 'Test storage',
  icon: 'archive',
  fields: [],
  capabilities: ['catalogs', 'files', 'cloudSchema'],
  hierarchy: {
    children: {
      connection: ['bucket'],
      bucket: ['prefix', 'object'],
      prefix: ['prefix', 'object'],
      object: ['column'],
    },
    paged: ['object', 'prefix'],
    searchable: ['object', 'prefix'],
  },
  previewableFiles: /\.csv$/,
  load: () => Promise.reject(new Error('the explorer never loads a driver')),
};

const registry = new ConnectorRegistry([...connectorSpecs, storageSpec]);
const conn = (id: string, type: string, name = id): Connection => ({ id, name, type, config: {}, scope: 'user' });
const col = (name: string) => ({ name, type: 'int', nullable: true });
const tables = (...names: string[]) => names.map((name) => ({ name, type: 'TABLE' as const }));

function fake() {
  return new FakeConnectionsApi(
    [
      conn('pg', 'postgres', 'PG'),
      conn('lite', 'sqlite', 'Lite'),
      conn('maria', 'mysql', 'Maria'),
      conn('s3', 'test-storage', 'Lake'),
    ],
    {
      pg: {
        catalogs: ['app'],
        schemas: { app: ['public'] },
        tables: { 'app/public': [...tables('a', 'b'), { name: 'events', type: 'PARTITIONED TABLE' }] },
        partitions: { 'app/public/events': [{ name: 'events_2024', type: 'PARTITION', schema: 'old' }] },
        columns: { 'app/public/a': [col('x'), col('y')], 'app/public/events': [col('at')] },
      },
      lite: {
        catalogs: ['data.sqlite'],
        tables: { 'data.sqlite/': tables('t1', 't2', 't3', 't4', 't5') },
        columns: { 'data.sqlite//t1': [col('id')] },
      },
      maria: { schemas: { '': ['shop'] }, tables: { '/shop': tables('orders') } },
      s3: {
        catalogs: ['lake'],
        objects: [
          { key: 'raw/2025/a.parquet', size: 10, lastModified: '2025-01-01' },
          { key: 'raw/b.csv', size: 2048, lastModified: '2025-01-02' },
          { key: 'raw/c.csv', size: 1, lastModified: '2025-01-03' },
          { key: 'raw/d.json', size: 1, lastModified: '2025-01-03' },
          { key: 'top.txt', size: 3, lastModified: '2025-01-04' },
        ],
        fileSchemas: { 'raw/b.csv': [col('id'), col('name')] },
      },
    },
    // The specs the tree reads, so the back end refuses what a connector cannot do; pages of two files to see "Load more".
    { registry, filesPageSize: 2 },
  );
}

async function walk(api: FakeConnectionsApi, ...picks: ((n: ExplorerNode) => boolean)[]): Promise<ExplorerNode> {
  let node: ExplorerNode | undefined;
  for (const pick of picks) {
    const children = await loadChildren(api, registry, node, { pageSize: 100 });
    node = children.find(pick);
    assert.ok(node, `no child matched among ${children.map((c) => c.id).join(', ')}`);
  }
  return node!;
}

const named = (name: string) => (n: ExplorerNode) =>
  n.kind === 'connection' ? n.connection.name === name : 'name' in n && n.name === name;

describe('explorer model against a fake back end', () => {
  it('walks each connector by the hierarchy its spec declares, every node a connection reference plus a path', async () => {
    const api = fake();
    const column = await walk(api, named('PG'), named('app'), named('public'), named('a'), named('x'));
    assert.equal(column.kind, 'column');
    const item = column as ItemNode;
    assert.deepEqual(item.connection, { id: 'pg', type: 'postgres', scope: 'user' });
    assert.deepEqual(
      item.path.map((s) => `${s.level}:${s.name}`),
      ['catalog:app', 'schema:public', 'table:a', 'column:x'],
    );
    assert.deepEqual(api.calls.find((c) => c.method === 'listColumns')?.args[1], {
      catalog: 'app',
      schema: 'public',
      table: 'a',
    });

    // MySQL has no catalog level, SQLite no schema level: no fake node stands in for the missing one.
    const mysqlTable = (await walk(api, named('Maria'), named('shop'), named('orders'))) as ItemNode;
    assert.deepEqual(
      mysqlTable.path.map((s) => s.level),
      ['schema', 'table'],
    );
    const liteTable = (await walk(api, named('Lite'), named('data.sqlite'), named('t1'))) as ItemNode;
    assert.deepEqual(
      liteTable.path.map((s) => s.level),
      ['catalog', 'table'],
    );
    assert.equal(liteTable.parent?.kind, 'catalog');
  });

  it("lists a partitioned table's partitions after its columns, each in its own schema", async () => {
    const api = fake();
    const events = await walk(api, named('PG'), named('app'), named('public'), named('events'));
    const under = await loadChildren(api, registry, events, { pageSize: 100 });
    assert.deepEqual(
      under.map((n) => n.kind),
      ['column', 'table'],
    );
    const partition = under[1] as ItemNode;
    assert.deepEqual(locate(partition.path), { catalog: 'app', schema: 'old', table: 'events_2024' });
    // A plain table asks for no partitions at all.
    const before = api.calls.filter((c) => c.method === 'listTables').length;
    await loadChildren(api, registry, await walk(api, named('PG'), named('app'), named('public'), named('a')), {
      pageSize: 100,
    });
    assert.equal(
      api.calls.filter((c) => c.method === 'listTables').length,
      before + 1,
      'only the walk itself listed tables',
    );
  });

  it("keeps a table's columns when listing its partitions fails, and says what failed in place", async () => {
    const api = fake();
    const events = await walk(api, named('PG'), named('app'), named('public'), named('events'));
    api.fail.set('listTables', new ConnectionError('query_failed', 'permission denied for pg_inherits'));
    const under = await loadChildren(api, registry, events, { pageSize: 100 });
    assert.deepEqual(
      under.map((n) => (n.kind === 'message' ? `${n.severity}: ${n.text}` : `${n.kind} ${(n as ItemNode).name}`)),
      ['column at', 'error: Could not list tables: permission denied for pg_inherits'],
    );
    assert.equal((under[1] as MessageNode).errorCode, 'query_failed');
    // Every listing failing is one error, as before.
    api.fail.set('listColumns', new ConnectionError('unreachable', 'connection reset'));
    const none = await loadChildren(api, registry, events, { pageSize: 100 });
    assert.deepEqual(
      none.map((n) => (n as MessageNode).text),
      ['Could not list columns and tables: connection reset'],
    );
  });

  it('never asks a back end for what a connector cannot do: the fake refuses it as the local back end does', async () => {
    const api = fake();
    // SQLite has no schemas; the storage connector has no tables: asked anyway, both are refused.
    await assert.rejects(
      api.listSchemas('lite', {}),
      (e: unknown) => ConnectionError.is(e, 'unsupported') && /SQLite connections have no schemas/.test(e.message),
    );
    await assert.rejects(
      api.listTables('s3', {}),
      (e: unknown) => ConnectionError.is(e, 'unsupported') && /Test storage connections have no tables/.test(e.message),
    );
    // The tree walks every connection to its leaves without one refusal.
    for (const name of ['PG', 'Lite', 'Maria', 'Lake']) {
      const under = await loadChildren(api, registry, await walk(api, named(name)), { pageSize: 100 });
      assert.ok(
        under.every((n) => n.kind !== 'message' || n.severity !== 'error'),
        `${name}: ${JSON.stringify(under.map((n) => (n.kind === 'message' ? n.text : n.kind)))}`,
      );
    }
  });

  it('"Load more" under a SQLite file appends to the file node itself, the object the view holds', async () => {
    const api = fake();
    const fired: (ExplorerNode | undefined)[] = [];
    const model = new ExplorerModel(
      api,
      undefined,
      registry,
      () => 2,
      (n) => fired.push(n),
    );
    const [lite] = (await model.children(undefined)).filter(named('Lite'));
    const [file] = await model.children(lite);
    const first = await model.children(file);
    assert.deepEqual(
      first.map((n) => n.kind),
      ['table', 'table', 'loadMore'],
    );
    const more = first[2] as LoadMoreNode;
    assert.equal(more.parent, file, 'the load-more node hangs off the file node, not a stand-in');
    assert.equal(more.what, 'tables');
    await model.loadMore(more);
    assert.equal(fired.length, 1);
    assert.equal(fired[0], file, 'the change event names the very node the view was given');
    const second = await model.children(file);
    assert.deepEqual(
      second.map((n) => ('name' in n ? n.name : n.kind)),
      ['t1', 't2', 't3', 't4', 'loadMore'],
    );
    await model.loadMore(second[4] as LoadMoreNode);
    const third = await model.children(file);
    assert.deepEqual(
      third.map((n) => ('name' in n ? n.name : n.kind)),
      ['t1', 't2', 't3', 't4', 't5'],
    );
    assert.equal(new Set(third.map((n) => n.id)).size, 5, 'ids stay unique across pages');
    // Refreshing the file forgets the extra pages.
    model.refresh(file);
    assert.equal((await model.children(file)).length, 3);
  });

  it('pages and filters any level the spec marks: folders and files of a bucket, with the filter as a prefix', async () => {
    const api = fake();
    const fired: (ExplorerNode | undefined)[] = [];
    const model = new ExplorerModel(
      api,
      undefined,
      registry,
      () => 100,
      (n) => fired.push(n),
    );
    const [lake] = (await model.children(undefined)).filter(named('Lake'));
    const [bucket] = await model.children(lake);
    assert.equal(bucket.kind, 'bucket');
    const top = await model.children(bucket);
    assert.deepEqual(
      top.map((n) => ('name' in n ? `${n.kind}:${n.name}` : n.kind)),
      ['prefix:raw/', 'object:top.txt'],
    );
    const raw = top[0];
    const page = await model.children(raw);
    assert.deepEqual(
      page.map((n) => ('name' in n ? `${n.kind}:${n.name}` : n.kind)),
      ['prefix:raw/2025/', 'object:raw/b.csv', 'loadMore'],
    );
    await model.loadMore(page[2] as LoadMoreNode);
    assert.equal(fired.at(-1), raw);
    const all = await model.children(raw);
    assert.deepEqual(
      all.map((n) => ('name' in n ? n.name : n.kind)),
      ['raw/2025/', 'raw/b.csv', 'raw/c.csv', 'raw/d.json'],
    );
    // Which files preview as rows is the spec's word, set on the node for the tree's menus.
    assert.deepEqual(
      all.flatMap((n) => (n.kind === 'object' ? [`${n.name}:${n.previewable === true}`] : [])),
      ['raw/b.csv:true', 'raw/c.csv:true', 'raw/d.json:false'],
    );
    assert.equal(
      (await model.children(all[1])).map((n) => (n.kind === 'column' ? n.name : n.kind)).join(),
      'id,name',
      "a file's columns come from its schema",
    );

    assert.ok(model.canFilter(raw), 'folders are filterable: the spec says so');
    assert.ok(!model.canFilter(all[1]), "a file's columns are not");
    model.setFilter(raw, 'c');
    assert.deepEqual(
      (await model.children(raw)).map((n) => ('name' in n ? n.name : n.kind)),
      ['raw/c.csv'],
    );
    assert.equal(
      (api.calls.at(-1)!.args[1] as { prefix: string }).prefix,
      'raw/c',
      'the filter went to the server as a prefix',
    );
  });

  it('says what is empty and what failed, in place, with the code a retry or confirmation needs', async () => {
    const api = fake();
    const schema = await walk(api, named('PG'), named('app'), named('public'));
    const model = new ExplorerModel(
      api,
      undefined,
      registry,
      () => 100,
      () => undefined,
    );
    model.setFilter(schema as ItemNode, 'zzz');
    assert.equal(((await model.children(schema))[0] as MessageNode).text, 'No tables match "zzz"');
    api.fail.set('listTables', new ConnectionError('target_changed', 'points somewhere new'));
    const [failed] = await model.children(schema);
    assert.equal(failed.kind, 'message');
    assert.equal(failed.text, 'Could not list tables: points somewhere new');
    assert.equal(failed.errorCode, 'target_changed');
    assert.equal(failed.parent, schema);
  });

  it('knows how to list every level a spec may declare', async () => {
    for (const level of levels) {
      const spec: ConnectorSpec = {
        ...storageSpec,
        type: `only-${level}`,
        hierarchy: { children: { connection: [level] } },
      };
      const api = new FakeConnectionsApi([conn('c', spec.type)], { c: {} });
      const [root] = await loadChildren(api, new ConnectorRegistry([spec]), undefined, { pageSize: 10 });
      const children = await loadChildren(api, new ConnectorRegistry([spec]), root, { pageSize: 10 });
      assert.equal(children[0]?.kind, 'message', level);
      assert.equal(children[0].severity, 'empty', `${level}: ${children[0].text}`);
    }
  });
});
