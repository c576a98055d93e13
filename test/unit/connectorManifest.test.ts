import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ColumnInfo, NamedItem } from '../../src/core/api/types';
import { connectorManifest } from '../../src/core/connectors/manifest';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { displayQualifiedName } from '../../src/core/connectors/sql/dialects';
import type { ConnectorSession, ConnectorSpec, QueryOptions, StreamSummary } from '../../src/core/connectors/types';
import { loadChildren } from '../../src/core/explorer/loaders';
import type { ExplorerNode, ItemNode } from '../../src/core/explorer/nodes';
import { prepareStatement } from '../../src/core/query/prepare';
import { checkInput } from '../../src/shared/fieldValidation';
import { makeHarness } from '../support/harness';

/**
 * A connector that exists only in this test: an upper-case-folding SQL warehouse with databases,
 * schemas, tables and columns held in memory. It is added the way a real one is, by a manifest line
 * (here: the manifest plus this spec), and nothing else in the project knows about it.
 */
const seen: QueryOptions[] = [];
const testWarehouse: ConnectorSpec = {
  type: 'test-warehouse',
  label: 'Test Warehouse',
  icon: 'server',
  fields: [
    { name: 'account', label: 'Account', kind: 'string', required: true },
    { name: 'token', label: 'Token', kind: 'secret', secret: true },
  ],
  capabilities: ['catalogs', 'schemas', 'tables', 'preview', 'query'],
  hierarchy: { children: { connection: ['catalog'], catalog: ['schema'], schema: ['table'], table: ['column'] }, paged: ['table'], searchable: ['table'] },
  sql: { lexer: 'snowflake', quote: 'double', folding: 'upper' },
  // A kind of table only this warehouse has: its icon comes from here, not from any other file.
  tableTypes: { 'DYNAMIC TABLE': { icon: 'zap' } },
  load: async () => ({
    openSession: ({ config, secrets }): ConnectorSession => ({
      test: async () => ({ ok: secrets.token === 'good', message: `account ${String(config.account)}`, serverVersion: 'TW 1.0' }),
      sql: {
        catalogs: async (): Promise<NamedItem[]> => [{ name: 'ANALYTICS' }],
        schemas: async (catalog): Promise<NamedItem[]> => (catalog === 'ANALYTICS' ? [{ name: 'PUBLIC' }] : []),
        tables: async (q) => ({
          tables:
            q.schema === 'PUBLIC'
              ? [
                  { name: 'ORDERS', type: 'TABLE' as const },
                  { name: 'order lines', type: 'VIEW' as const },
                  { name: 'LIVE', type: 'DYNAMIC TABLE' },
                ]
              : [],
        }),
        columns: async (q): Promise<ColumnInfo[]> => (q.table === 'ORDERS' ? [{ name: 'ID', type: 'NUMBER(38,0)', nullable: false }] : []),
        // The one primitive: the API derives test queries and previews from it.
        stream: async (options, sink): Promise<StreamSummary> => {
          seen.push(options);
          sink.start(['ONE'], ['NUMBER']);
          await sink.rows([['1']]);
          return { executionMs: 1, rowsReturned: 1, truncated: false };
        },
        previewStatement: (q) => ({ sql: `SELECT * FROM "${q.table}"`, limit: q.limit, timeoutMs: 1000 }),
      },
      close: async () => undefined,
    }),
  }),
};

describe('connector manifest: a connector added by one line shows up everywhere', () => {
  const registry = new ConnectorRegistry([...connectorManifest, testWarehouse]);

  it('appears in the form, with its own fields checked by the shared rules', () => {
    const choice = registry.formChoices().find((c) => c.type === 'test-warehouse');
    assert.ok(choice, 'the form does not offer the new connector');
    assert.deepEqual(
      choice.fields.map((f) => f.name),
      ['account', 'token'],
    );
    assert.match(checkInput(choice.fields[0]!, '') ?? '', /required/i);
  });

  it('is browsed in the tree through the local API: databases, schemas, tables, columns', async () => {
    const h = await makeHarness({ registry });
    try {
      const created = await h.save({ name: 'Warehouse', type: 'test-warehouse', config: { account: 'acme' } }, { token: 'good' });
      assert.equal((await h.api.testConnection({ type: 'test-warehouse', config: { account: 'acme' }, credentialId: created.credentialId })).ok, true);
      let node: ExplorerNode | undefined;
      for (const name of ['Warehouse', 'ANALYTICS', 'PUBLIC', 'ORDERS', 'ID']) {
        const children = await loadChildren(h.api, registry, node, { pageSize: 100 });
        node = children.find((n) => (n.kind === 'connection' ? n.connection.name : (n as ItemNode).name) === name);
        assert.ok(node, `${name} not among ${children.map((c) => c.id).join(', ')}`);
      }
      assert.equal(node!.kind, 'column');
      const tables = await loadChildren(h.api, registry, node!.parent!.parent, { pageSize: 100 });
      const shown = Object.fromEntries(tables.map((t) => (t.kind === 'table' ? [t.name, `${t.icon}${t.view ? ' view' : ''}`] : [t.id, t.kind])));
      assert.deepEqual(shown, { ORDERS: 'table', 'order lines': 'eye view', LIVE: 'zap' });
      assert.equal(registry.find('test-warehouse')?.icon, 'server');
    } finally {
      await h.api.dispose();
    }
  });

  it('runs test queries in its own dialect: its lexer splits them, its folding quotes names, the classifier guards it', async () => {
    const dialect = registry.dialect('test-warehouse');
    // Snowflake's // comment: a statement after it on the next line is found by this dialect's lexer.
    const text = '// note; not a statement\nSELECT 1';
    const prepared = prepareStatement(text, { start: text.length, end: text.length }, dialect.lexer);
    assert.equal(prepared.ok && prepared.sql, text, 'the ; inside the // comment does not end a statement');
    assert.notEqual(prepareStatement(text, { start: text.length, end: text.length }, 'postgres').sql, text, 'PostgreSQL would split there');
    assert.equal(displayQualifiedName(dialect, 'PUBLIC', 'ORDERS'), 'PUBLIC.ORDERS');
    assert.equal(displayQualifiedName(dialect, 'PUBLIC', 'order lines', 'id'), 'PUBLIC."order lines"."id"');
    const h = await makeHarness({ registry });
    try {
      const { id } = await h.api.createConnection({ name: 'W', type: 'test-warehouse', config: { account: 'acme' } });
      const result = await h.api.testQuery({ connectionId: id, sql: 'SELECT 1', limit: 5 });
      assert.deepEqual(result.rows, [['1']]);
      assert.equal(seen.at(-1)?.limit, 5);
      await assert.rejects(h.api.testQuery({ connectionId: id, sql: 'DELETE FROM ORDERS' }), /Refused/);
      assert.equal(seen.length, 1, 'the refused statement never reached the driver');
      // Preview comes from the same primitive, with the connector's own preview statement.
      const preview = await h.api.preview(id, { table: 'ORDERS', limit: 3 });
      assert.deepEqual(preview.rows, [['1']]);
      assert.equal(seen.at(-1)?.sql, 'SELECT * FROM "ORDERS"');
      assert.equal(seen.at(-1)?.limit, 3);
    } finally {
      await h.api.dispose();
    }
  });

  it("is the only place outside a connector's folder that names the shipped connector types", () => {
    const root = path.resolve(__dirname, '..', '..', 'src');
    const allowed = [
      new RegExp(`^core/connectors/(${connectorManifest.map((c) => c.type).join('|')})/`),
      /^core\/connectors\/manifest\.ts$/,
      /^core\/connectors\/sql\/dialects\.ts$/,
      /^core\/sql\//,
    ];
    // Known, deliberate: the sample is a SQLite file; editor language ids are not connector types.
    const exceptions = [/^core\/local\/sampleConnection\.ts$/, /^host\/query\/bindings\.ts$/];
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const rel = path.relative(root, file).split(path.sep).join('/');
          if ([...allowed, ...exceptions].some((r) => r.test(rel))) continue;
          const text = readFileSync(file, 'utf8');
          for (const type of connectorManifest.map((s) => s.type)) if (text.includes(`'${type}'`)) offenders.push(`${rel}: '${type}'`);
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, [], 'a connector type is named outside its folder and the manifest');
  });
});
