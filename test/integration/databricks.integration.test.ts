// The Databricks SQL connector through the real @databricks/sql driver against the Databricks test
// server (Thrift over HTTPS with a certificate from a CA made at start).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DBSQLClient } from '@databricks/sql';
import { ConnectionError } from '../../src/core/errors';

import { databricksSpec } from '../../src/core/connectors/databricks/spec';
import { float32Value, uninstallValueHooks, installValueHooks } from '../../src/core/connectors/databricks/values';
import type { ConnectorSession, SqlFacet } from '../../src/core/connectors/types';
import { collecting } from '../support/collectingSink';
import { DatabricksServer } from '../support/databricks/server';
import { silentLogger } from '../support/doubles';

const token = 'dapi-test-token-0123456789abcdef';

describe('Databricks SQL connector against the Databricks test server', function () {
  this.timeout(120_000);
  let server: DatabricksServer;
  const sessions: ConnectorSession[] = [];

  before(async () => {
    server = await DatabricksServer.start();
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await server?.close();
  });

  async function open(
    config: Record<string, string> = {},
    secrets: Record<string, string> = { token },
  ): Promise<ConnectorSession & { sql: SqlFacet }> {
    const driver = await databricksSpec.load();
    const session = driver.openSession({
      config: {
        host: `${server.host}:${server.port}`,
        httpPath: server.httpPath,
        caFile: server.ca.caFile,
        catalog: 'main',
        schema: 'default',
        ...config,
      },
      secrets,
      logger: silentLogger,
    });
    sessions.push(session);
    return session as ConnectorSession & { sql: SqlFacet };
  }

  async function bare(sql: string): Promise<Record<string, unknown>[]> {
    const client = new DBSQLClient({ logger: { log: () => undefined } });
    await client.connect({
      host: server.host,
      port: server.port,
      path: server.httpPath,
      token,
      customCaCert: readFileSync(server.ca.caFile),
      telemetryEnabled: false,
    });
    const session = await client.openSession({ initialCatalog: 'main', initialSchema: 'default' });
    try {
      const op = await session.executeStatement(sql);
      const rows = (await op.fetchAll()) as Record<string, unknown>[];
      await op.close();
      return rows;
    } finally {
      await session.close();
      await client.close();
    }
  }

  it('the bare driver changes values: BIGINT past 2^53, DECIMAL, FLOAT noise, a struct holding NaN', async () => {
    uninstallValueHooks();
    try {
      const [row] = await bare('SELECT * FROM all_types');
      assert.equal(row.big, 9007199254740992, 'BIGINT 9007199254740993 arrives rounded');
      assert.equal(typeof row.dec38, 'number');
      assert.equal(row.f, 1.414199948310852, 'FLOAT arrives with its float64 widening');
      assert.ok(row.dt instanceof Date);
    } finally {
      installValueHooks();
    }
  });

  it('tests by token and OAuth machine credentials, and says what is wrong in each failure, without the secret', async () => {
    assert.deepEqual(await (await open()).test(), {
      ok: true,
      serverVersion: 'Databricks SQL 2025.35',
      message: 'Connected.',
    });
    const oauth = await (
      await open({ authType: 'oauth-m2m', clientId: 'pipeline-sp' }, { clientSecret: 'oauth-client-secret-xyz' })
    ).test();
    assert.equal(oauth.ok, true, oauth.message);
    const badSecret = await (
      await open({ authType: 'oauth-m2m', clientId: 'pipeline-sp' }, { clientSecret: 'wrong-secret-123' })
    ).test();
    assert.match(badSecret.message, /refused the OAuth client ID "pipeline-sp"/);
    assert.ok(!badSecret.message.includes('wrong-secret-123'));
    const wrong = await (await open({}, { token: 'dapi-not-the-token-987' })).test();
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /refused the access token/);
    assert.ok(!wrong.message.includes('dapi-not-the-token-987'));
    assert.match((await (await open({ httpPath: '/sql/1.0/warehouses/nope' })).test()).message, /no SQL warehouse at/);
    assert.match((await (await open({ caFile: '' })).test()).message, /certificate is not trusted/);
    server.warehouse = 'STARTING';
    try {
      assert.match((await (await open()).test()).message, /not running yet \(stopped, or still starting\)/);
    } finally {
      server.warehouse = 'RUNNING';
    }
    assert.ok(
      server.log.every((r) => !r.userAgent || /PlanasonixConnections|NodejsDatabricksSqlConnector/.test(r.userAgent)),
    );
    // Only Thrift calls (logged by method) and the OAuth endpoints reached the workspace: no telemetry or feature-flag requests.
    assert.deepEqual(
      [
        ...new Set(
          server.log
            .map((r) => r.call)
            .filter((c) => c.startsWith('/') && !c.startsWith('/oidc/') && c !== '/sql/1.0/warehouses/nope'),
        ),
      ],
      [],
    );
  });

  it('lists catalogs and schemas, pages a 3,000-table schema with a filter, and columns with Spark types', async () => {
    const s = await open();
    assert.deepEqual(
      (await s.sql.catalogs!()).map((c) => c.name),
      ['hive_metastore', 'main', 'samples'],
    );
    assert.deepEqual(
      (await s.sql.schemas!('main')).map((c) => c.name),
      ['default', 'fixture', 'information_schema', 'wide'],
    );
    assert.deepEqual(
      (await s.sql.schemas!('hive_metastore')).map((c) => c.name),
      ['default', 'legacy'],
    );
    const first = await s.sql.tables({ catalog: 'main', schema: 'wide', limit: 500 });
    assert.equal(first.tables.length, 500);
    const second = await s.sql.tables({ catalog: 'main', schema: 'wide', limit: 500, pageToken: first.nextPageToken });
    assert.equal(second.tables[0].name, 't_00501');
    const filtered = await s.sql.tables({ catalog: 'main', schema: 'wide', search: 'T_0299', limit: 500 });
    assert.deepEqual(
      filtered.tables.map((t) => t.name),
      Array.from({ length: 10 }, (_, i) => `t_0299${i}`),
    );
    // A filter is literal: _ is not a wildcard.
    assert.equal((await s.sql.tables({ catalog: 'main', schema: 'wide', search: 't_0_99' })).tables.length, 0);
    const kinds = (await s.sql.tables({ catalog: 'main', schema: 'default' })).tables.map((t) => `${t.name}:${t.type}`);
    assert.ok(
      kinds.includes('top_customers:MATERIALIZED VIEW') && kinds.includes('customers_view:VIEW'),
      kinds.join(', '),
    );
    const columns = await s.sql.columns({ catalog: 'main', schema: 'default', table: 'all_types' });
    assert.deepEqual(columns.slice(0, 3), [
      { name: 'id', type: 'BIGINT', nullable: false },
      { name: 'big', type: 'BIGINT', nullable: true },
      { name: 'dec38', type: 'DECIMAL(38,0)', nullable: true },
    ]);
    assert.equal(columns.find((c) => c.name === 'st')!.type, 'STRUCT<a: BIGINT, b: DOUBLE>');
  });

  for (const encoding of ['arrow', 'column sets'] as const) {
    it(`previews every type family exactly as the warehouse sent it (${encoding})`, async () => {
      server.columnSetsOnly = encoding === 'column sets';
      try {
        const s = await open();
        const sink = collecting();
        await s.sql.stream(
          { ...s.sql.previewStatement({ catalog: 'main', schema: 'default', table: 'all_types', limit: 10 }) },
          sink,
        );
        const row = Object.fromEntries(sink.columns.map((c, i) => [c, sink.got[0][i]]));
        assert.equal(row.big, '9007199254740993');
        assert.equal(row.dec38, '12345678901234567890123456789012345678');
        assert.equal(row.dec_frac, '1.234567890123456789');
        assert.equal(row.f, 1.4142);
        assert.equal(row.d, 0.1);
        assert.equal(row.s, 'naïve \u202etext');
        assert.equal(row.dt, '2024-01-01');
        assert.equal(row.ts, '2024-01-01 12:34:56.123456');
        assert.equal(row.st, '{"a":1234567890123456789,"b":NaN}', "the struct is Spark's text, not {}");
        assert.equal(row.arr, '[1,2,null]');
        assert.equal(Buffer.from(row.bin as Uint8Array).toString('utf8'), 'Hello');
        assert.deepEqual(
          sink.got[1].slice(1),
          Array.from({ length: 14 }, () => null),
        );
        assert.deepEqual(sink.types.slice(0, 5), ['BIGINT', 'BIGINT', 'DECIMAL(38,0)', 'DECIMAL(20,18)', 'FLOAT']);
      } finally {
        server.columnSetsOnly = false;
      }
    });
  }

  it('float32Value gives the digits Spark prints for a FLOAT', () => {
    assert.equal(float32Value(Math.fround(1.4142)), 1.4142);
    assert.equal(float32Value(Math.fround(0.1)), 0.1);
    assert.equal(float32Value(Math.fround(3.4028234663852886e38)), 3.4028235e38);
    assert.equal(float32Value(Math.fround(16777217)), 16777216);
  });

  it('caps a query over 1,000,000 rows: the rows asked for reach the grid, at most one batch more is fetched, and the statement is stopped', async () => {
    const s = await open();
    const sink = collecting();
    const summary = await s.sql.stream({ sql: 'SELECT * FROM big', limit: 100, timeoutMs: 60_000 }, sink);
    assert.equal(summary.rowsReturned, 100);
    assert.equal(summary.truncated, true);
    const op = server.operationsFor('SELECT * FROM big').at(-1)!;
    // The cap plus one came with the statement's answer; the driver's read-ahead asked for one row more.
    assert.ok(op.rowsServed <= 102, `the server sent ${op.rowsServed} rows`);
    assert.ok(server.cancelled.includes('SELECT * FROM big'), 'the statement was not stopped');
    assert.equal(op.state, 'closed', 'the stopped operation was not closed');
  });

  it("runs a query in the file's default schema, and reports an unknown table with its SQLSTATE", async () => {
    const s = await open();
    const sink = collecting();
    await s.sql.stream({ sql: 'SELECT * FROM t_00001', limit: 10, timeoutMs: 10_000, schema: 'wide' }, sink);
    assert.deepEqual(sink.got, [['1']]);
    await assert.rejects(
      s.sql.stream({ sql: 'SELECT * FROM nope', limit: 10, timeoutMs: 10_000 }, collecting()),
      (e: unknown) =>
        ConnectionError.is(e, 'not_found') &&
        /TABLE_OR_VIEW_NOT_FOUND/.test(e.message) &&
        e.details?.sqlState === '42P01',
    );
  });

  it('streams a large result with the grid holding the stream: every row, in order, a batch at a time', async () => {
    const s = await open();
    let last = 0;
    let inFlight = 0;
    let most = 0;
    const summary = await s.sql.stream(
      { sql: 'SELECT * FROM big', limit: 50_000, timeoutMs: 60_000 },
      {
        start: () => undefined,
        rows: async (batch) => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          for (const row of batch) assert.equal(Number(row[0]), ++last);
          inFlight--;
        },
      },
    );
    assert.equal(summary.rowsReturned, 50_000);
    assert.equal(most, 1);
  });

  it('refuses a statement that is not a query before anything reaches the server', async () => {
    const s = await open();
    const calls = server.log.length;
    for (const sql of [
      'DELETE FROM customers',
      'CREATE TABLE x (a INT)',
      'INSERT INTO customers VALUES (1)',
      'OPTIMIZE customers',
      'SELECT 1; DROP TABLE customers',
      'FROM customers SELECT *; DELETE FROM customers',
      "SELECT http_request(conn => 'hook', method => 'POST', path => '/drop', json => '{}')",
      "SELECT ai_query('endpoint', 'prompt')",
    ]) {
      await assert.rejects(
        s.sql.stream({ sql, limit: 10, timeoutMs: 10_000 }, collecting()),
        (e: unknown) => ConnectionError.is(e, 'read_only'),
        sql,
      );
    }
    assert.deepEqual(server.catalog.changes, []);
    assert.equal(server.log.length, calls);
  });

  it('cancels a long statement on the server, and stops one past its timeout there', async () => {
    const s = await open();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const started = Date.now();
    await assert.rejects(
      s.sql.stream(
        { sql: 'SELECT * FROM slow', limit: 10, timeoutMs: 60_000, signal: controller.signal },
        collecting(),
      ),
      (e: unknown) => ConnectionError.is(e, 'cancelled'),
    );
    assert.ok(Date.now() - started < 10_000);
    assert.ok(server.cancelled.includes('SELECT * FROM slow'));
    await assert.rejects(
      s.sql.stream({ sql: 'SELECT * FROM slow', limit: 10, timeoutMs: 1500 }, collecting()),
      (e: unknown) => ConnectionError.is(e, 'timeout'),
    );
  });

  it('says timeout, not cancelled, when its own time limit stops a warehouse that ignores queryTimeout; closes every operation', async () => {
    const s = await open();
    server.honourQueryTimeout = false;
    const closedBefore = server.closed.length;
    try {
      const polls = server.log.filter((e) => e.call === 'GetOperationStatus').length;
      const started = Date.now();
      await assert.rejects(
        s.sql.stream({ sql: 'SELECT * FROM slow', limit: 10, timeoutMs: 3000 }, collecting()),
        (e: unknown) => {
          assert.ok(ConnectionError.is(e, 'timeout'), String(e));
          assert.match(e.message, /time limit of 3000 ms/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 6000);
      // Polled with back-off: a poll every 100 ms would be 30 in 3 s.
      const made = server.log.filter((e) => e.call === 'GetOperationStatus').length - polls;
      assert.ok(made <= 12, `${made} status polls in 3 s`);
    } finally {
      server.honourQueryTimeout = true;
    }
    // The cancelled operation, the truncated one and the cancelled-by-the-user one are all closed.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(
      s.sql.stream(
        { sql: 'SELECT * FROM slow', limit: 10, timeoutMs: 60_000, signal: controller.signal },
        collecting(),
      ),
    );
    await s.sql.stream({ sql: 'SELECT * FROM big', limit: 5, timeoutMs: 60_000 }, collecting());
    assert.deepEqual(server.closed.slice(closedBefore), [
      'SELECT * FROM slow',
      'SELECT * FROM slow',
      'SELECT * FROM big',
    ]);
  });
});
