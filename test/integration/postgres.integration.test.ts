import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import pg from 'pg';
import { quoteDoubleQuoted } from '../../src/core/connectors/sql/identifiers';
import { makeHarness, type Harness } from '../support/harness';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import { sqlConnectorContract } from './sqlConnectorContract';

async function scalar(sql: string, values: unknown[] = []): Promise<string> {
  const client = new pg.Client({ ...pgServer, database: fixtureDatabase });
  await client.connect();
  try {
    const result = await client.query({ text: sql, values, rowMode: 'array' });
    return String(result.rows[0]?.[0]);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL connector against the real server', function () {
  sqlConnectorContract({
    type: 'postgres',
    label: 'PostgreSQL',
    serverVersion: /^PostgreSQL \d+\.\d+/,
    host: pgServer.host,
    port: pgServer.port,
    user: pgServer.user,
    config: { database: fixtureDatabase },
    ensureFixture: ensurePostgresFixture,
    schema: 'fixture',
    quote: quoteDoubleQuoted,
    sleepSql: (s) => `pg_sleep(${s})`,
    runningStatements: async (marker) =>
      Number(
        await scalar(
          `SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'`,
          [marker],
        ),
      ),
    dataChecksum: () =>
      scalar(`SELECT concat_ws('|',
        (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM fixture.customers c),
        (SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM fixture.orders o),
        (SELECT last_value FROM fixture.customers_id_seq),
        (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fixture'),
        (SELECT count(*) FROM pg_attribute WHERE attrelid = 'fixture.customers'::regclass AND attnum > 0 AND NOT attisdropped),
        (SELECT md5(string_agg(t::text, ',')) FROM fixture.order_totals t))`),
    writes: [
      { label: 'INSERT', sql: `INSERT INTO fixture.customers (name) VALUES ('intruder')` },
      { label: 'UPDATE', sql: `UPDATE fixture.customers SET name = 'changed'` },
      { label: 'DELETE', sql: 'DELETE FROM fixture.orders' },
      { label: 'CREATE TABLE', sql: 'CREATE TABLE fixture.should_not_exist (a integer)' },
      { label: 'DROP TABLE', sql: 'DROP TABLE fixture.orders' },
      { label: 'TRUNCATE', sql: 'TRUNCATE fixture.orders' },
      { label: 'ALTER TABLE', sql: 'ALTER TABLE fixture.customers ADD COLUMN extra integer' },
      { label: 'a CTE with DML', sql: 'WITH gone AS (DELETE FROM fixture.orders RETURNING *) SELECT * FROM gone' },
      { label: 'SELECT ... FOR UPDATE', sql: 'SELECT * FROM fixture.customers FOR UPDATE' },
      { label: 'a second statement after a SELECT', sql: 'SELECT 1; DELETE FROM fixture.orders' },
      { label: 'COMMIT then DELETE', sql: 'COMMIT; DELETE FROM fixture.orders' },
      { label: 'nextval()', sql: `SELECT nextval('fixture.customers_id_seq')` },
      { label: 'REFRESH MATERIALIZED VIEW', sql: 'REFRESH MATERIALIZED VIEW fixture.order_totals' },
      { label: 'a DO block that deletes', sql: 'DO $$ BEGIN DELETE FROM fixture.orders; END $$' },
    ],
    bigRowWireBytes: 52,
    awkwardTables: [
      { schema: 'fixture', table: 'Mixed Case', expected: [['1', 'reserved', 'quoted']] },
      { schema: 'fixture', table: 'table"quote', expected: [['7']] },
      { schema: 'fixture', table: 'naïve ünïcødé 表', expected: [['42']] },
      { schema: 'fixture', table: 'select', expected: [['1']] },
      { schema: 'fixture', table: 'x"; DROP TABLE fixture.customers; --', expected: [['1']] },
      { schema: 'Weird Schema', table: 'Space Table', expected: [['5']] },
    ],
    badPassword: { user: 'planasonix_pw_probe', password: 'definitely-wrong-pw' },
  });

  describe('PostgreSQL specifics', () => {
    let h: Harness;
    let id: string;
    before(async () => {
      h = await makeHarness();
      const config = {
        host: pgServer.host,
        port: pgServer.port,
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      };
      id = (await h.api.createConnection({ name: 'pg specifics', type: 'postgres', config })).id;
    });
    after(() => h.api.dispose());

    it('lists the databases of the server as catalogs, and the schemas of another database', async () => {
      const { catalogs } = await h.api.listCatalogs(id);
      const names = catalogs.map((c) => c.name);
      assert.ok(names.includes(fixtureDatabase) && names.includes('test'), names.join(', '));
      assert.ok(!names.includes('template0'));
      const { schemas } = await h.api.listSchemas(id, { catalog: 'test' });
      assert.ok(schemas.some((s) => s.name === 'public'));
    });

    it('tells tables, views, materialized views, partitioned and foreign tables apart, and hides partitions', async () => {
      const { tables } = await h.api.listTables(id, { schema: 'fixture' });
      const kind = Object.fromEntries(tables.map((t) => [t.name, t.type]));
      assert.equal(kind.customers, 'TABLE');
      assert.equal(kind.customer_orders, 'VIEW');
      assert.equal(kind.order_totals, 'MATERIALIZED VIEW');
      assert.equal(kind.events, 'PARTITIONED TABLE');
      assert.equal(kind.remote_customers, 'FOREIGN TABLE');
      assert.equal(kind.events_2025, undefined);
    });

    it('keeps values exact: every value as the server wrote it (bigint, numeric, dates, JSON, arrays), bytea as bytes', async () => {
      const result = await wholePreview(h.api, id, {
        schema: 'fixture',
        table: 'all_types',
        limit: 10,
        orderBy: { column: 'id', direction: 'asc' },
      });
      const row = Object.fromEntries(result.columns.map((c, i) => [c, result.rows[0][i]]));
      assert.equal(row.c_bigint, '9007199254740993');
      assert.equal(row.c_numeric, '12345.678');
      assert.equal(row.c_date, '2024-02-29');
      assert.equal(row.c_timestamp, '2024-02-29 13:14:15.123456');
      assert.equal(row.c_timestamptz, '2024-02-29 13:14:15+00');
      assert.equal(row.c_jsonb, '{"b": [1, 2]}');
      assert.deepEqual([...(row.c_bytea as Uint8Array)], [0xde, 0xad, 0xbe, 0xef]);
      assert.equal(row.c_int_array, '{1,2,3}');
      assert.ok(
        result.rows[1].slice(1).every((v) => v === null),
        'row 2 is all NULL',
      );
      const types = Object.fromEntries(result.columns.map((c, i) => [c, result.columnTypes![i]]));
      assert.equal(types.c_timestamptz, 'timestamp with time zone');
      assert.equal(types.c_jsonb, 'jsonb');
    });

    it('resolves unqualified names in the schema a test query names', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT "a b" FROM "Space Table"',
        schema: 'Weird Schema',
        limit: 5,
      });
      assert.deepEqual(result.rows, [['5']]);
    });
  });
});
