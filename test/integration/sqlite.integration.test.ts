import { wholePreview, wholeTestQuery } from '../support/whole';
import { queryWhole } from '../support/whole';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { openSession as openSqlite } from '../../src/core/connectors/sqlite/driver';
import { ConnectionError } from '../../src/core/errors';

import { buildSampleDatabase, samplePath } from '../../scripts/sampleDatabase';
import { makeHarness, type Harness } from '../support/harness';
import { silentLogger } from '../support/doubles';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function code(expected: string) {
  return (e: unknown) => {
    assert.ok(ConnectionError.is(e), String(e));
    assert.equal(e.code, expected, e.message);
    return true;
  };
}

describe('SQLite connector (sql.js in a worker thread)', () => {
  let h: Harness;
  let id: string;
  let file: string;

  before(async () => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'sqlite-')), 'shop.sqlite');
    copyFileSync(samplePath, file);
    h = await makeHarness();
    id = (await h.api.createConnection({ name: 'Sample', type: 'sqlite', config: { path: file } })).id;
  });
  after(() => h.api.dispose());

  it('ships the sample database exactly as the generator makes it', async () => {
    assert.ok(
      Buffer.from(await buildSampleDatabase()).equals(readFileSync(samplePath)),
      'run: node --import tsx scripts/sampleDatabase.ts',
    );
  });

  it('tests the file and reports the SQLite version', async () => {
    const result = await h.api.testConnection({ type: 'sqlite', config: { path: file } });
    assert.equal(result.ok, true, result.message);
    assert.match(result.serverVersion!, /^SQLite 3\.\d+/);
  });

  it('says what is wrong with a missing file and with a file that is not SQLite', async () => {
    const missing = await h.api.testConnection({ type: 'sqlite', config: { path: '/no/such/file.sqlite' } });
    assert.equal(missing.errorCode, 'not_found');
    assert.match(missing.message, /does not exist/);
    const text = path.join(path.dirname(file), 'notes.txt');
    writeFileSync(text, 'just some text, long enough to have a header');
    const foreign = await h.api.testConnection({ type: 'sqlite', config: { path: text } });
    assert.equal(foreign.errorCode, 'invalid_config');
    assert.match(foreign.message, /is not a SQLite database/);
  });

  it('lists the file as the catalog, then its tables and views', async () => {
    assert.deepEqual((await h.api.listCatalogs(id)).catalogs, [{ name: 'shop.sqlite' }]);
    const { tables } = await h.api.listTables(id, {});
    assert.deepEqual(
      tables.map((t) => `${t.name}:${t.type}`),
      ['customers:TABLE', 'order_items:TABLE', 'order_totals:VIEW', 'orders:TABLE', 'products:TABLE'],
    );
    const page = await h.api.listTables(id, { limit: 2 });
    assert.equal(page.tables.length, 2);
    const rest = await h.api.listTables(id, { limit: 10, pageToken: page.nextPageToken });
    assert.deepEqual([...page.tables, ...rest.tables], tables);
    assert.deepEqual(
      (await h.api.listTables(id, { search: 'ORDER' })).tables.map((t) => t.name),
      ['order_items', 'order_totals', 'orders'],
    );
  });

  it('lists columns with declared type, nullability, default and primary key', async () => {
    const { columns } = await h.api.listColumns(id, { table: 'customers' });
    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    assert.deepEqual(
      columns.map((c) => c.name),
      ['id', 'name', 'email', 'country', 'signed_up'],
    );
    assert.equal(byName.id.primaryKey, true);
    assert.equal(byName.name.nullable, false);
    assert.equal(byName.email.nullable, true);
    assert.equal(byName.country.default, "'US'");
    assert.equal(byName.signed_up.type, 'DATE');
    await assert.rejects(h.api.listColumns(id, { table: 'nope' }), code('not_found'));
  });

  it('previews with a limit, truncation and server-side order', async () => {
    const preview = await wholePreview(h.api, id, {
      table: 'orders',
      limit: 5,
      orderBy: { column: 'id', direction: 'desc' },
    });
    assert.equal(preview.rows.length, 5);
    assert.equal(preview.truncated, true);
    assert.deepEqual(
      preview.rows.map((r) => r[0]),
      ['250', '249', '248', '247', '246'],
    );
    const view = await wholePreview(h.api, id, { table: 'order_totals', limit: 1000 });
    assert.equal(view.rows.length, 250);
    assert.equal(view.truncated, false);
  });

  for (const sql of [
    "INSERT INTO customers (name, signed_up) VALUES ('x', '2025-01-01')",
    'DELETE FROM orders',
    'DROP TABLE orders',
    'CREATE TABLE t (a)',
    'SELECT 1; DELETE FROM orders',
  ]) {
    it(`refuses "${sql}" and leaves the file byte for byte as it was`, async () => {
      const before = sha(file);
      await assert.rejects(wholeTestQuery(h.api, { connectionId: id, sql, limit: 5 }), (e: unknown) => {
        assert.ok(ConnectionError.is(e) && ['read_only', 'query_failed'].includes(e.code), String(e));
        return true;
      });
      assert.equal(sha(file), before);
      const count = await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT count(*) FROM orders', limit: 1 });
      assert.deepEqual(count.rows, [['250']]);
    });
  }

  it('cannot create or write a file on disk through ATTACH (sql.js has only a virtual file system)', async () => {
    const target = path.join(path.dirname(file), 'attached.sqlite');
    await wholeTestQuery(h.api, { connectionId: id, sql: `ATTACH DATABASE '${target}' AS other`, limit: 1 }).catch(
      () => undefined,
    );
    await wholeTestQuery(h.api, { connectionId: id, sql: 'CREATE TABLE other.t (a)', limit: 1 }).catch(() => undefined);
    assert.throws(() => readFileSync(target), /ENOENT/);
  });

  it('stays read-only after a statement turns query_only off (the connector, past the classifier)', async () => {
    await assert.rejects(
      wholeTestQuery(h.api, { connectionId: id, sql: 'PRAGMA query_only = 0', limit: 1 }),
      code('read_only'),
    );
    const session = openSqlite({ config: { path: file }, secrets: {}, logger: silentLogger });
    try {
      await queryWhole(session.sql!, { sql: 'PRAGMA query_only = 0', limit: 1, timeoutMs: 10_000 });
      await assert.rejects(
        queryWhole(session.sql!, { sql: 'DELETE FROM orders', limit: 1, timeoutMs: 10_000 }),
        code('read_only'),
      );
    } finally {
      await session.close();
    }
  });

  it('caps rows and reports stats', async () => {
    const result = await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT * FROM order_items', limit: 10 });
    assert.equal(result.rows.length, 10);
    assert.equal(result.truncated, true);
    assert.equal(result.stats.rowsReturned, 10);
    assert.deepEqual(result.columnTypes, ['INTEGER', 'INTEGER', 'INTEGER', 'INTEGER']);
  });

  const endless = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n';

  it('stops a statement that runs past the timeout, and works again afterwards', async () => {
    const started = Date.now();
    await assert.rejects(
      wholeTestQuery(h.api, { connectionId: id, sql: endless, limit: 1, timeoutMs: 500 }),
      code('timeout'),
    );
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.deepEqual((await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT 42', limit: 1 })).rows, [['42']]);
  });

  it('cancels a running statement through an AbortSignal', async () => {
    const controller = new AbortController();
    const running = wholeTestQuery(
      h.api,
      { connectionId: id, sql: endless, limit: 1, timeoutMs: 60_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, code('cancelled'));
    assert.deepEqual((await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT 7', limit: 1 })).rows, [['7']]);
  });

  it('sees changes made to the file by others', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(file));
    db.run('DELETE FROM order_items WHERE order_id > 100');
    db.run('DELETE FROM orders WHERE id > 100');
    writeFileSync(file, db.export());
    db.close();
    const count = await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT count(*) FROM orders', limit: 1 });
    assert.deepEqual(count.rows, [['100']]);
    copyFileSync(samplePath, file);
  });
});
