import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { quoteBacktick } from '../../src/core/connectors/sql/identifiers';
import { makeHarness, type Harness } from '../support/harness';
import { ensureMysqlFixture, fixtureDatabase, mysqlServer } from '../support/servers';
import { sqlConnectorContract } from './sqlConnectorContract';

async function scalar(sql: string, values: unknown[] = []): Promise<string> {
  const conn = await mysql.createConnection({ ...mysqlServer, database: fixtureDatabase });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>({ sql, values, rowsAsArray: true });
    return String((rows[0] as unknown as unknown[])?.[0]);
  } finally {
    await conn.end();
  }
}

describe('MySQL/MariaDB connector against the real server', function () {
  sqlConnectorContract({
    type: 'mysql',
    label: 'MariaDB',
    serverVersion: /\d+\.\d+\.\d+/,
    host: mysqlServer.host,
    port: mysqlServer.port,
    user: mysqlServer.user,
    config: { database: fixtureDatabase },
    ensureFixture: ensureMysqlFixture,
    schema: fixtureDatabase,
    quote: quoteBacktick,
    sleepSql: (s) => `SLEEP(${s})`,
    runningStatements: async (marker) =>
      Number(
        await scalar(
          `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE CONCAT('%', ?, '%')`,
          [marker],
        ),
      ),
    dataChecksum: async () => {
      const conn = await mysql.createConnection({ ...mysqlServer, database: fixtureDatabase });
      try {
        const [sums] = await conn.query<mysql.RowDataPacket[]>('CHECKSUM TABLE customers, orders');
        const [counts] = await conn.query<mysql.RowDataPacket[]>(
          `SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?) AS tables_n,
                  (SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'customers') AS cols_n,
                  (SELECT COUNT(*) FROM information_schema.SCHEMATA) AS dbs_n`,
          [fixtureDatabase, fixtureDatabase],
        );
        return JSON.stringify([sums.map((r) => r.Checksum), counts[0]]);
      } finally {
        await conn.end();
      }
    },
    writes: [
      { label: 'INSERT', sql: `INSERT INTO customers (name) VALUES ('intruder')` },
      { label: 'REPLACE', sql: `REPLACE INTO customers (id, name) VALUES (1, 'replaced')` },
      { label: 'UPDATE', sql: `UPDATE customers SET name = 'changed'` },
      { label: 'DELETE', sql: 'DELETE FROM orders' },
      { label: 'CREATE TABLE (DDL commits implicitly in MySQL)', sql: 'CREATE TABLE should_not_exist (a int)' },
      { label: 'CREATE TEMPORARY TABLE', sql: 'CREATE TEMPORARY TABLE tmp_should_not_exist (a int)' },
      { label: 'DROP TABLE', sql: 'DROP TABLE orders' },
      { label: 'TRUNCATE', sql: 'TRUNCATE orders' },
      { label: 'ALTER TABLE', sql: 'ALTER TABLE customers ADD COLUMN extra int' },
      { label: 'CREATE DATABASE', sql: 'CREATE DATABASE should_not_exist_db' },
      {
        label: 'a CTE with DML',
        sql: 'WITH gone AS (SELECT id FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM gone)',
      },
      { label: 'SELECT ... FOR UPDATE', sql: 'SELECT * FROM customers FOR UPDATE' },
      { label: 'a second statement after a SELECT', sql: 'SELECT 1; DELETE FROM orders' },
      { label: 'COMMIT then DELETE', sql: 'COMMIT; DELETE FROM orders' },
    ],
    bigRowWireBytes: 42,
    awkwardTables: [
      { schema: fixtureDatabase, table: 'Mixed Case', expected: [['1', 'reserved', 'ticked']] },
      { schema: fixtureDatabase, table: 'table"quote', expected: [['7']] },
      { schema: fixtureDatabase, table: 'naïve ünïcødé 表', expected: [['42']] },
      { schema: fixtureDatabase, table: 'select', expected: [['1']] },
      { schema: fixtureDatabase, table: 'x`; DROP TABLE customers; --', expected: [['1']] },
      { schema: 'Weird Db', table: 'Space Table', expected: [['5']] },
    ],
    badPassword: { user: 'root', password: 'definitely-wrong-pw' },
  });

  describe('MySQL/MariaDB specifics', () => {
    let h: Harness;
    let id: string;
    before(async () => {
      h = await makeHarness();
      const config = {
        host: mysqlServer.host,
        port: mysqlServer.port,
        user: mysqlServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      };
      id = (await h.api.createConnection({ name: 'mysql specifics', type: 'mysql', config })).id;
    });
    after(() => h.api.dispose());

    it('has no catalogs level: asking for one is a typed unsupported error', async () => {
      await assert.rejects(h.api.listCatalogs(id), (e: unknown) => (e as { code?: string }).code === 'unsupported');
    });

    it('tells tables and views apart', async () => {
      const { tables } = await h.api.listTables(id, { schema: fixtureDatabase });
      const kind = Object.fromEntries(tables.map((t) => [t.name, t.type]));
      assert.equal(kind.customers, 'TABLE');
      assert.equal(kind.customer_orders, 'VIEW');
    });

    it('keeps values exact: bigint and decimal as text, dates as the server wrote them, blobs as bytes', async () => {
      const result = await wholePreview(h.api, id, {
        schema: fixtureDatabase,
        table: 'all_types',
        limit: 10,
        orderBy: { column: 'id', direction: 'asc' },
      });
      const row = Object.fromEntries(result.columns.map((c, i) => [c, result.rows[0][i]]));
      assert.equal(row.c_bigint, '9007199254740993');
      assert.equal(row.c_decimal, '12345.678');
      assert.equal(row.c_date, '2024-02-29');
      assert.equal(row.c_datetime, '2024-02-29 13:14:15.123456');
      assert.deepEqual([...(row.c_blob as Uint8Array)], [0xde, 0xad, 0xbe, 0xef]);
      assert.ok(
        result.rows[1].slice(1).every((v) => v === null),
        'row 2 is all NULL',
      );
      const types = Object.fromEntries(result.columns.map((c, i) => [c, result.columnTypes![i]]));
      assert.equal(types.c_bigint, 'BIGINT');
      assert.equal(types.c_blob, 'BLOB');
      assert.equal(types.c_text, 'TEXT');
    });

    it('resolves unqualified names in the schema a test query names, without leaking it to later queries', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT `a b` FROM `Space Table`',
        schema: 'Weird Db',
        limit: 5,
      });
      assert.deepEqual(result.rows, [['5']]);
      const after = await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT DATABASE()', limit: 1 });
      assert.deepEqual(after.rows, [[fixtureDatabase]]);
    });
  });
});
