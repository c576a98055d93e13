import { wholePreview } from '../support/whole';
/**
 * Catalogs as the server has them: PostgreSQL partitions under their parent, MariaDB sequences and
 * system-versioned tables, a broken view's own reason, and a table filter blind to case and accents.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import initSqlJs from 'sql.js';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { ConnectionError } from '../../src/core/errors';
import { loadChildren } from '../../src/core/explorer/loaders';
import { locate, type ExplorerNode, type SchemaNode, type TableNode } from '../../src/core/explorer/nodes';
import { makeHarness, type Harness } from '../support/harness';
import { ensureMysqlFixture, fixtureDatabase, mysqlServer, onPostgresFixture, pgServer } from '../support/servers';

const accented = ['École', 'ecole_plain', 'ÉCOLE_UPPER', 'naïve', 'other'];

describe('catalogs as the server has them', function () {
  this.timeout(60_000);
  let h: Harness;
  const registry = new ConnectorRegistry();
  before(async () => {
    h = await makeHarness();
  });
  after(async () => h.api.dispose());

  describe('PostgreSQL', () => {
    let id: string;
    before(async () => {
      await onPostgresFixture(`
        DROP SCHEMA IF EXISTS cat_fx CASCADE;
        DROP SCHEMA IF EXISTS cat_fx_old CASCADE;
        CREATE SCHEMA cat_fx;
        CREATE SCHEMA cat_fx_old;
        CREATE TABLE cat_fx.events (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE cat_fx.events_2025 PARTITION OF cat_fx.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE cat_fx_old.events_2024 PARTITION OF cat_fx.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE cat_fx.events_2026 PARTITION OF cat_fx.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (id);
        CREATE TABLE cat_fx.events_2026_a PARTITION OF cat_fx.events_2026 FOR VALUES IN (1);
        ${accented.map((n) => `CREATE TABLE cat_fx."${n}" (a int);`).join('\n')}`);
      id = (
        await h.api.createConnection({
          name: 'catalogs pg',
          type: 'postgres',
          config: {
            host: pgServer.host,
            port: pgServer.port,
            user: pgServer.user,
            database: fixtureDatabase,
            sslMode: 'disable',
          },
        })
      ).id;
    });

    it("lists partitions under their parent (wherever they live), not among the schema's tables", async () => {
      const { tables } = await h.api.listTables(id, { schema: 'cat_fx' });
      assert.deepEqual(
        tables.filter((t) => t.name.startsWith('events')),
        [{ name: 'events', type: 'PARTITIONED TABLE' }],
      );
      const schemaNode: SchemaNode = {
        kind: 'schema',
        id: 'pg/schema:cat_fx',
        word: 'Schema',
        icon: 'symbol-namespace',
        connection: { id, type: 'postgres', scope: 'user' },
        path: [
          { level: 'catalog', name: fixtureDatabase },
          { level: 'schema', name: 'cat_fx' },
        ],
        name: 'cat_fx',
      };
      const children = await loadChildren(h.api, registry, schemaNode, { pageSize: 500 });
      const events = children.find((c): c is TableNode => c.kind === 'table' && c.name === 'events')!;
      const under = await loadChildren(h.api, registry, events, { pageSize: 500 });
      assert.deepEqual(
        under.filter((c) => c.kind === 'column').map((c) => (c as { column: { name: string } }).column.name),
        ['id', 'at'],
      );
      const partitions = under.filter((c): c is TableNode => c.kind === 'table');
      assert.deepEqual(
        partitions.map((p) => [locate(p.path).schema, p.name, p.tableType]),
        [
          ['cat_fx', 'events_2025', 'PARTITION'],
          ['cat_fx', 'events_2026', 'PARTITIONED TABLE'],
          ['cat_fx_old', 'events_2024', 'PARTITION'],
        ].sort((a, b) => a[1].localeCompare(b[1])),
      );
      const sub = await loadChildren(
        h.api,
        registry,
        partitions.find((p) => p.name === 'events_2026'),
        { pageSize: 500 },
      );
      assert.deepEqual(
        sub.filter((c): c is TableNode => c.kind === 'table').map((p) => p.name),
        ['events_2026_a'],
      );
      const preview = await wholePreview(h.api, id, { schema: 'cat_fx_old', table: 'events_2024', limit: 5 });
      assert.deepEqual(preview.columns, ['id', 'at']);
      assert.equal(new Set(under.map((n: ExplorerNode) => n.id)).size, under.length, 'ids are unique');
    });

    it('filters tables blind to case and accents: É finds é, e finds é and É', async () => {
      const names = async (search: string): Promise<string[]> =>
        (await h.api.listTables(id, { schema: 'cat_fx', search })).tables.map((t) => t.name).sort();
      const all = ['ecole_plain', 'École', 'ÉCOLE_UPPER'].sort();
      assert.deepEqual(await names('Éco'), all);
      assert.deepEqual(await names('É'), ['ecole_plain', 'events', 'naïve', 'other', 'École', 'ÉCOLE_UPPER'].sort());
      assert.deepEqual(await names('école'), all);
      assert.deepEqual(await names('ECOLE'), all);
      assert.deepEqual(await names('naive'), ['naïve']);
      assert.deepEqual(await names('NAÏVE'), ['naïve']);
      assert.deepEqual(await names('%'), [], 'LIKE characters are literal');
      // Names that fold to themselves take the fast path; _ and $ in them are still literal in a search.
      assert.deepEqual(await names('_plain'), ['ecole_plain']);
      assert.deepEqual(await names('le_p'), ['ecole_plain']);
    });

    it('lists a schema dropped and made again (a remembered schema oid is not trusted when the page is empty)', async () => {
      const admin = new pg.Client({ ...pgServer, database: fixtureDatabase });
      await admin.connect();
      try {
        await admin.query(
          'DROP SCHEMA IF EXISTS cat_fx_again CASCADE; CREATE SCHEMA cat_fx_again; CREATE TABLE cat_fx_again.first_one (a int)',
        );
        assert.deepEqual(
          (await h.api.listTables(id, { schema: 'cat_fx_again' })).tables.map((t) => t.name),
          ['first_one'],
        );
        await admin.query(
          'DROP SCHEMA cat_fx_again CASCADE; CREATE SCHEMA cat_fx_again; CREATE TABLE cat_fx_again.second_one (a int)',
        );
        assert.deepEqual(
          (await h.api.listTables(id, { schema: 'cat_fx_again' })).tables.map((t) => t.name),
          ['second_one'],
        );
        await admin.query('DROP SCHEMA cat_fx_again CASCADE');
        assert.deepEqual((await h.api.listTables(id, { schema: 'cat_fx_again' })).tables, []);
      } finally {
        await admin.query('DROP SCHEMA IF EXISTS cat_fx_again CASCADE');
        await admin.end();
      }
    });
  });

  describe('MariaDB', () => {
    let id: string;
    before(async () => {
      await ensureMysqlFixture();
      const admin = await mysql.createConnection({ ...mysqlServer, multipleStatements: true });
      await admin.query(`
        DROP DATABASE IF EXISTS cat_fx;
        CREATE DATABASE cat_fx CHARACTER SET utf8mb4;
        USE cat_fx;
        CREATE SEQUENCE order_numbers START WITH 100;
        CREATE TABLE prices (id int, amount decimal(10,2)) WITH SYSTEM VERSIONING;
        CREATE TABLE gone (a int);
        CREATE VIEW broken AS SELECT a FROM gone;
        DROP TABLE gone;
        ${accented.map((n) => `CREATE TABLE \`${n}\` (a int);`).join('\n')}`);
      await admin.end();
      id = (
        await h.api.createConnection({
          name: 'catalogs mariadb',
          type: 'mysql',
          config: {
            host: mysqlServer.host,
            port: mysqlServer.port,
            user: mysqlServer.user,
            database: 'cat_fx',
            sslMode: 'disable',
          },
        })
      ).id;
    });

    it('lists sequences and system-versioned tables, and previews them', async () => {
      const { tables } = await h.api.listTables(id, { schema: 'cat_fx' });
      assert.deepEqual(
        tables.find((t) => t.name === 'order_numbers'),
        { name: 'order_numbers', type: 'SEQUENCE' },
      );
      assert.deepEqual(
        tables.find((t) => t.name === 'prices'),
        { name: 'prices', type: 'SYSTEM VERSIONED TABLE' },
      );
      assert.ok((await h.api.listColumns(id, { schema: 'cat_fx', table: 'order_numbers' })).columns.length > 0);
      const preview = await wholePreview(h.api, id, { schema: 'cat_fx', table: 'order_numbers', limit: 5 });
      assert.equal(preview.rows.length, 1);
    });

    it("says why a broken view has no columns, in the server's words", async () => {
      await assert.rejects(h.api.listColumns(id, { schema: 'cat_fx', table: 'broken' }), (error: unknown) => {
        assert.ok(ConnectionError.is(error), String(error));
        assert.notEqual(error.code, 'not_found');
        assert.match(error.message, /references invalid table|gone/i);
        return true;
      });
      await assert.rejects(h.api.listColumns(id, { schema: 'cat_fx', table: 'no_such_thing' }), (e: unknown) =>
        ConnectionError.is(e, 'not_found'),
      );
    });

    it('filters tables blind to case and accents', async () => {
      const names = async (search: string): Promise<string[]> =>
        (await h.api.listTables(id, { schema: 'cat_fx', search })).tables.map((t) => t.name).sort();
      const all = ['ecole_plain', 'École', 'ÉCOLE_UPPER'].sort();
      assert.deepEqual(await names('école'), all);
      assert.deepEqual(await names('ECOLE'), all);
      assert.deepEqual(await names('NAÏVE'), ['naïve']);
    });
  });

  describe('SQLite', () => {
    let id: string;
    before(async () => {
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.run(`${accented.map((n) => `CREATE TABLE "${n}" (a int);`).join('\n')}
        CREATE TABLE gone (a int); CREATE VIEW broken AS SELECT a FROM gone; DROP TABLE gone;`);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'catalogs-')), 'c.sqlite');
      writeFileSync(file, db.export());
      db.close();
      id = (await h.api.createConnection({ name: 'catalogs sqlite', type: 'sqlite', config: { path: file } })).id;
    });

    it('filters tables blind to case and accents', async () => {
      const names = async (search: string): Promise<string[]> =>
        (await h.api.listTables(id, { search })).tables.map((t) => t.name).sort();
      const all = ['ecole_plain', 'École', 'ÉCOLE_UPPER'].sort();
      assert.deepEqual(await names('école'), all);
      assert.deepEqual(await names('Éco'), all);
      assert.deepEqual(await names('É'), ['broken', 'ecole_plain', 'naïve', 'other', 'École', 'ÉCOLE_UPPER'].sort());
      assert.deepEqual(await names('NAÏVE'), ['naïve']);
    });

    it("says why a broken view has no columns, in SQLite's words", async () => {
      await assert.rejects(h.api.listColumns(id, { table: 'broken' }), (error: unknown) => {
        assert.ok(ConnectionError.is(error), String(error));
        assert.match(error.message, /no such table: main\.gone|gone/);
        return true;
      });
    });
  });
});
