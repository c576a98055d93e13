import { wholeTestQuery } from '../support/whole';
/**
 * Every value as the server has it: for each type family, what the connector hands the grid, copy,
 * CSV and JSON export equals what the server's own client prints (psql -At, the mariadb client in
 * raw batch mode, SQLite's own text conversion). A test per connector, type family by type family.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import initSqlJs from 'sql.js';
import type { CellValue, TestQueryResponse } from '../../src/core/api/types';
import { cellText, columnKind, toGridCell, toTsv } from '../../src/core/results/cells';
import { ResultSet } from '../../src/core/results/resultSet';
import { csvField, jsonField } from '../../src/core/results/export';
import { visibleText } from '../../src/shared/visibleText';
import { display } from '../../src/webview/results/gridModel';
import { makeHarness, type Harness } from '../support/harness';
import { ensureMysqlFixture, fixtureDatabase, mysqlServer, onPostgresFixture, pgServer } from '../support/servers';

const trimEnd = (text: string, suffix: string): string =>
  text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;

/** Checks one result against the client's text, value by value, through every surface. */
function assertAsClient(result: TestQueryResponse, expected: (string | null)[][], binaryColumns: string[] = []): void {
  assert.equal(result.rows.length, expected.length, 'row count');
  result.rows.forEach((row, r) => {
    row.forEach((value: CellValue, c) => {
      const column = result.columns[c];
      const type = result.columnTypes?.[c] ?? '';
      const want = expected[r][c]!;
      const where = `row ${r + 1}, ${column} (${type})`;
      if (want === null) {
        assert.equal(value, null, `${where}: expected NULL`);
        return;
      }
      if (binaryColumns.includes(column)) {
        assert.ok(value instanceof Uint8Array, `${where}: bytes expected`);
        assert.equal(cellText(value), want, where);
        return;
      }
      assert.equal(cellText(value), want, `${where}: copy/full value`);
      const kind = columnKind(type);
      if (!/[\n\r\t]/.test(want) && want.length < 400) {
        // The grid shows invisible and bidirectional characters by code point (copy and export keep them).
        // Through the webview's message channel (JSON, which turns NaN and Infinity into null).
        const delivered = JSON.parse(JSON.stringify(toGridCell(value))) as ReturnType<typeof toGridCell>;
        assert.equal(display(delivered, kind).text, visibleText(want), `${where}: grid`);
        assert.equal(toTsv([[value]]), want, `${where}: TSV copy`);
      }
      assert.equal(csvField(value, kind === 'number', {}), want, `${where}: CSV`);
      // JSON export: numbers as the same digits, JSON as its own text, the rest as strings.
      const json = jsonField(value, kind, type);
      JSON.parse(json);
      if (kind === 'number' && /^-?\d/.test(want)) assert.equal(json, want, `${where}: JSON number`);
    });
  });
}

describe('values exactly as the server has them, type family by type family', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await makeHarness();
  });
  after(async () => h.api.dispose());

  describe('PostgreSQL, compared with psql -At', () => {
    let id: string;
    const columns = [
      'f8',
      'f4',
      'num',
      'big',
      'i',
      'b',
      'j',
      'jb',
      'arr',
      'farr',
      'lb',
      'narr',
      'txt',
      'd',
      'ts',
      'iv',
      'u',
      'ip',
      'm',
      'bits',
      'by',
      'dom',
      'e',
      'r',
      'comp',
      'x',
      'tsv',
      'pt',
    ];
    before(async () => {
      await onPostgresFixture(`
        DROP SCHEMA IF EXISTS values_fx CASCADE;
        CREATE SCHEMA values_fx;
        CREATE DOMAIN values_fx.posint AS integer CHECK (VALUE > 0);
        CREATE TYPE values_fx.mood AS ENUM ('happy', 'sad');
        CREATE TYPE values_fx.pair AS (a integer, b text);
        CREATE TABLE values_fx.v (id int, f8 float8, f4 float4, num numeric, big bigint, i int, b boolean, j json, jb jsonb,
          arr int[], farr float8[], lb int[], narr numeric[], txt text, d date, ts timestamptz, iv interval, u uuid, ip inet,
          m money, bits bit varying, "by" bytea, dom values_fx.posint, e values_fx.mood, r int4range, comp values_fx.pair,
          x xml, tsv tsvector, pt point);
        INSERT INTO values_fx.v VALUES
          (1, 'NaN', 'Infinity', 12345678901234567890.10, 9223372036854775807, -2147483648, true,
           '{"a": 12345678901234567890, "b": 1.10, "a": 2, "n": null, "s": "str"}', '{"a": 12345678901234567890, "b": 1.10, "n": null}',
           '{1,2,3}', '{NaN,Infinity,-Infinity,0.1}', '[0:2]={7,8,9}', '{12345678901234567890.10,1.10}', E'tab\\there, "quoted"',
           '2024-02-29', '2024-02-29 13:14:15.123456+00', '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
           '192.168.0.1/24', 12.34, B'1011', '\\xdeadbeef', 5, 'happy', '[1,10)', ROW(1, 'x y'), '<a>1</a>', 'a fat cat', '(1,2)'),
          (2, '-Infinity', 'NaN', 0.000, -9223372036854775808, 0, false, 'null', '"just a string"', '{}', '{}', '[-1:-1]={0}', '{}', '',
           'infinity', '-infinity', '-1 day', '00000000-0000-0000-0000-000000000000', '::1', -0.5, B'', '\\x', 1, 'sad', 'empty', ROW(NULL, NULL),
           '<b/>', '', '(-1.5,1e+100)'),
          (3, 1e300, 3.4028235e38, 1e-20, 0, 2147483647, NULL, '[1, 1.0, 1e2]', '[1, 1.0, 1e2]', '{NULL,1}', '{0.1,0.30000000000000004}',
           NULL, '{NaN}', 'ünïcødé 表 ‮', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`);
      id = (
        await h.api.createConnection({
          name: 'values pg',
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

    it('shows every value as psql prints it: NaN, Infinity, big numbers, JSON text, array bounds, t/f', async () => {
      const sql = `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM values_fx.v ORDER BY id`;
      // \x1f between fields, \x1e between rows; NULL printed as a marker no value holds.
      const out = execFileSync(
        'psql',
        [
          '-h',
          pgServer.host,
          '-p',
          String(pgServer.port),
          '-U',
          pgServer.user,
          '-d',
          fixtureDatabase,
          '-X',
          '-A',
          '-t',
          '-F',
          '\x1f',
          '-R',
          '\x1e',
          '-P',
          'null=\x01NULL',
          '-c',
          sql,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, PGPASSWORD: pgServer.password },
        },
      );
      const expected = trimEnd(out.replace(/\n$/, ''), '\x1e')
        .split('\x1e')
        .map((line) => line.split('\x1f').map((v) => (v === '\x01NULL' ? null : v)));
      const result = await wholeTestQuery(h.api, { connectionId: id, sql, limit: 10 });
      assertAsClient(result, expected, ['by']);
      // The spot checks the issue names, spelled out.
      const row = (n: number, c: string): CellValue => result.rows[n][columns.indexOf(c)]!;
      assert.equal(row(0, 'f8'), 'NaN');
      assert.equal(row(0, 'j'), '{"a": 12345678901234567890, "b": 1.10, "a": 2, "n": null, "s": "str"}');
      assert.equal(row(1, 'j'), 'null');
      assert.equal(row(1, 'jb'), '"just a string"');
      assert.equal(row(0, 'lb'), '[0:2]={7,8,9}');
      assert.equal(row(0, 'farr'), '{NaN,Infinity,-Infinity,0.1}');
    });

    it('keeps every value through the spool to disk (copy and export read from it)', async () => {
      const sql = `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM values_fx.v ORDER BY id`;
      const direct = await wholeTestQuery(h.api, { connectionId: id, sql, limit: 10 });
      const dir = mkdtempSync(path.join(tmpdir(), 'values-spool-'));
      const set = new ResultSet({ dir, memoryRows: 1 }); // everything past the first row goes to the spool file
      try {
        await set.track(h.api.testQueryStream({ connectionId: id, sql, limit: 10 }, set));
        const rows = await set.window(0, direct.rows.length);
        const asText = (r: CellValue[]): (string | null)[] => r.map((v) => (v === null ? null : cellText(v)));
        assert.deepEqual(rows.map(asText), direct.rows.map(asText));
        assert.equal(cellText(rows[1][columns.indexOf('f8')]), '-Infinity');
      } finally {
        await set.dispose();
      }
    });

    it('names a domain column by its domain in the grid header, as the tree does', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT dom, num, dom + 1 AS expr FROM values_fx.v',
        limit: 1,
      });
      const tree = await h.api.listColumns(id, { schema: 'values_fx', table: 'v' });
      assert.equal(result.columnTypes![0], tree.columns.find((c) => c.name === 'dom')!.type);
      assert.equal(result.columnTypes![0], 'values_fx.posint');
      assert.equal(result.columnTypes![2], 'integer');
    });

    it('exports JSON with numbers and JSON exactly as written', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT big, num, jb, f8 FROM values_fx.v WHERE id = 1',
        limit: 1,
      });
      const fields = result.rows[0].map((v, c) =>
        jsonField(v, columnKind(result.columnTypes![c]), result.columnTypes![c]),
      );
      assert.deepEqual(fields, [
        '9223372036854775807',
        '12345678901234567890.10',
        '{"a": 12345678901234567890, "b": 1.10, "n": null}',
        '"NaN"',
      ]);
    });
  });

  describe('MariaDB, compared with the mariadb client (batch, raw)', () => {
    let id: string;
    const columns = [
      'ti',
      'iu',
      'bu',
      'dec',
      'fl',
      'dbl',
      'bt',
      'd',
      'dt',
      'ts',
      'tm',
      'yr',
      'ch',
      'vc',
      'tx',
      'en',
      'st',
      'js',
      'bl',
    ];
    before(async () => {
      await ensureMysqlFixture();
      const admin = await mysql.createConnection({
        ...mysqlServer,
        database: fixtureDatabase,
        multipleStatements: true,
      });
      await admin
        .query(
          `
        DROP TABLE IF EXISTS values_fx;
        CREATE TABLE values_fx (id INT, ti TINYINT, iu INT UNSIGNED, bu BIGINT UNSIGNED, \`dec\` DECIMAL(30,10), fl FLOAT, dbl DOUBLE,
          bt BIT(8), d DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME, yr YEAR, ch CHAR(3), vc VARCHAR(20), tx TEXT,
          en ENUM('a','b'), st SET('x','y'), js JSON, bl BLOB);
        INSERT INTO values_fx VALUES
          (1, -128, 4294967295, 18446744073709551615, 12345678901234567890.0123456789, 0.1, 0.30000000000000004, b'00000101',
           '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.123', '-838:59:59', 2024, 'ab', 'x "y"', 'ünïcødé 表',
           'b', 'x,y', '{"a": 12345678901234567890, "b": 1.10, "n": null}', X'DEADBEEF'),
          (2, 0, 0, 0, 0, 1e38, 1e308, b'0', '0000-00-00', '1000-01-01 00:00:00', NULL, '00:00:00', 1901, '', '', '', 'a', '', '"s"', X''),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'null', NULL);`,
        )
        .catch(async (error: Error) => {
          // MariaDB in strict mode refuses the zero date: take the row without it.
          throw error;
        });
      await admin.end();
      id = (
        await h.api.createConnection({
          name: 'values mysql',
          type: 'mysql',
          config: {
            host: mysqlServer.host,
            port: mysqlServer.port,
            user: mysqlServer.user,
            database: fixtureDatabase,
            sslMode: 'disable',
          },
        })
      ).id;
    });

    it('shows every value as the mariadb client prints it: DECIMAL and BIGINT UNSIGNED to the last digit, FLOAT as stored, JSON text', async () => {
      const sql = `SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM values_fx ORDER BY id`;
      const client = ['mariadb', 'mysql'].find((c) => {
        try {
          execFileSync('which', [c]);
          return true;
        } catch {
          return false;
        }
      });
      assert.ok(client, 'the mariadb (or mysql) client is needed to compare with');
      const out = execFileSync(
        client,
        [
          '-h',
          mysqlServer.host,
          '-P',
          String(mysqlServer.port),
          '-u',
          mysqlServer.user,
          `--password=${mysqlServer.password}`,
          '-D',
          fixtureDatabase,
          '-N',
          '-B',
          '-r',
          '-e',
          sql,
        ],
        { encoding: 'latin1' },
      );
      const expected = out
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => line.split('\t').map((v) => (v === 'NULL' ? null : Buffer.from(v, 'latin1').toString('utf8'))));
      const result = await wholeTestQuery(h.api, { connectionId: id, sql, limit: 10 });
      // Binary columns: the client prints raw bytes; the grid shows \x-hex of the same bytes.
      const hex = (v: string | null): string | null =>
        v === null ? null : `\\x${Buffer.from(v, 'latin1').toString('hex')}`;
      const rawOut = out
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => line.split('\t'));
      expected.forEach((row, r) => {
        for (const name of ['bt', 'bl'])
          row[columns.indexOf(name)] = hex(
            rawOut[r][columns.indexOf(name)] === 'NULL' ? null : rawOut[r][columns.indexOf(name)],
          );
      });
      assertAsClient(result, expected, ['bt', 'bl']);
      const row = (n: number, c: string): CellValue => result.rows[n][columns.indexOf(c)]!;
      assert.equal(row(0, 'fl'), '0.1');
      assert.equal(row(0, 'bu'), '18446744073709551615');
      assert.equal(row(0, 'js'), '{"a": 12345678901234567890, "b": 1.10, "n": null}');
      assert.equal(row(2, 'js'), 'null');
    });
  });

  describe('SQLite, compared with its own text conversion', () => {
    let id: string;
    let file: string;
    before(async () => {
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.run(`CREATE TABLE v (i INTEGER, r REAL, n NUMERIC, t TEXT, d DATE, b BLOB);
        INSERT INTO v VALUES (9007199254740993, 0.1 + 0.2, 1.10, 'x', '2024-02-29', X'DEADBEEF'),
          (-9223372036854775808, 1e300, 12345678901234567890, '', '2024-01-01', X''),
          (0, 1.0 / 3, NULL, 'ünïcødé', NULL, NULL);`);
      file = path.join(mkdtempSync(path.join(tmpdir(), 'values-')), 'v.sqlite');
      writeFileSync(file, db.export());
      const expected = db.exec(
        'SELECT CAST(i AS TEXT), CAST(r AS TEXT), CAST(n AS TEXT), t, d, b FROM v ORDER BY rowid',
      )[0].values;
      db.close();
      id = (await h.api.createConnection({ name: 'values sqlite', type: 'sqlite', config: { path: file } })).id;
      sqliteExpected = expected.map((row) =>
        row.map((v) =>
          v === null ? null : v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : String(v),
        ),
      );
    });
    let sqliteExpected: (string | null)[][] = [];

    it('shows integers past 2^53 exactly, REALs as SQLite writes them, and declared types (DATE) in the header', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT i, r, n, t, d, b FROM v ORDER BY rowid',
        limit: 10,
      });
      assertAsClient(result, sqliteExpected, ['b']);
      assert.equal(result.rows[0][0], '9007199254740993');
      assert.equal(result.rows[0][1], '0.30000000000000004');
      assert.deepEqual(result.columnTypes, ['INTEGER', 'REAL', 'NUMERIC', 'TEXT', 'DATE', 'BLOB']);
      const tree = await h.api.listColumns(id, { table: 'v' });
      assert.equal(tree.columns.find((c) => c.name === 'd')!.type, 'DATE');
      const expr = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: 'SELECT i + 1 AS e, 2.5 AS f FROM v LIMIT 1',
        limit: 1,
      });
      assert.deepEqual(expr.columnTypes, ['INTEGER', 'REAL']);
    });
  });
});
