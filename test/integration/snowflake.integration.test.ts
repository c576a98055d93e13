// The Snowflake connector's driver through the
// real snowflake-sdk against the Snowflake test server.
import * as assert from 'node:assert/strict';
import type { CellValue } from '../../src/core/api/types';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectionError } from '../../src/core/errors';

import { describedAsRead, snowflakeTypeName, statementTypeName } from '../../src/core/connectors/snowflake/driver';
import { snowflakeSpec } from '../../src/core/connectors/snowflake/spec';
import type { ConnectorSession, SqlFacet } from '../../src/core/connectors/types';
import { collecting } from '../support/collectingSink';
import { SnowflakeServer } from '../support/snowflake/server';
import { silentLogger } from '../support/doubles';

describe('Snowflake connector (driver) against the Snowflake test server', function () {
  this.timeout(120_000);
  let server: SnowflakeServer;
  const sessions: ConnectorSession[] = [];
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'planasonix-sfk-')), 'rsa_key.p8');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));

  before(async () => {
    server = await SnowflakeServer.start();
    server.users.set('ALICE', {
      password: 'alice-pw',
      publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      oauthToken: 'oauth-1',
    });
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await server?.close();
  });

  async function open(
    config: Record<string, string> = {},
    secrets: Record<string, string> = { password: 'alice-pw' },
  ): Promise<ConnectorSession & { sql: SqlFacet }> {
    const driver = await snowflakeSpec.load();
    const session = driver.openSession({
      config: {
        account: 'fake',
        user: 'alice',
        serverUrl: server.url,
        database: 'DEMO_DB',
        schema: 'PUBLIC',
        warehouse: 'WH',
        ...config,
      },
      secrets,
      logger: silentLogger,
    });
    sessions.push(session);
    return session as ConnectorSession & { sql: SqlFacet };
  }

  it('tests by password, key pair and OAuth token, and says what is wrong in each failure, without the secret', async () => {
    assert.deepEqual(await (await open()).test(), {
      ok: true,
      serverVersion: 'Snowflake 8.40.1',
      message: 'Connected.',
    });
    assert.equal((await (await open({ authenticator: 'keypair', privateKeyFile: keyFile }, {})).test()).ok, true);
    // The account URL copied from Snowsight works as the account (the advanced server URL still wins).
    assert.equal((await (await open({ account: 'https://fake.snowflakecomputing.com/' })).test()).ok, true);
    assert.match(
      (await (await open({ account: 'http://fake.snowflakecomputing.com' })).test()).message,
      /starts with https:\/\//,
    );
    assert.equal((await (await open({ authenticator: 'oauth' }, { token: 'oauth-1' })).test()).ok, true);
    const wrong = await (await open({}, { password: 'not-the-password-xyz' })).test();
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /Incorrect user name or password/);
    assert.ok(!wrong.message.includes('not-the-password-xyz'));
    assert.match((await (await open({ account: 'nope' })).test()).message, /does not know the account "nope"/);
    assert.match(
      (await (await open({ authenticator: 'oauth' }, { token: 'expired' })).test()).message,
      /OAuth access token/,
    );
    const otherKey = path.join(path.dirname(keyFile), 'other.p8');
    writeFileSync(
      otherKey,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    assert.match(
      (await (await open({ authenticator: 'keypair', privateKeyFile: otherKey }, {})).test()).message,
      /refused the key pair/,
    );
  });

  it('says in the test whether the warehouse will run queries, and what a query on a suspended one means', async () => {
    const warehouse = server.catalog.warehouses.get('WH')!;
    try {
      warehouse.state = 'SUSPENDED';
      assert.equal(
        (await (await open()).test()).message,
        'Connected. The warehouse WH is suspended; it resumes on the first query.',
      );
      warehouse.autoResume = false;
      const suspended = await open();
      assert.match((await suspended.test()).message, /suspended and does not resume by itself/);
      await assert.rejects(
        suspended.sql.stream({ sql: 'SELECT * FROM CUSTOMERS', limit: 10, timeoutMs: 10_000 }, collecting()),
        (e: unknown) =>
          ConnectionError.is(e, 'query_failed') &&
          /No running warehouse for this session/.test(e.message) &&
          e.details?.sqlState === '57P03',
      );
      warehouse.state = 'RESUMING';
      assert.match((await (await open()).test()).message, /The warehouse WH is starting\./);
      assert.match((await (await open({ warehouse: 'NOPE' })).test()).message, /The warehouse NOPE was not found/);
      assert.match(
        (await (await open({ warehouse: '' })).test()).message,
        /No warehouse is set: browsing works, queries need one\./,
      );
    } finally {
      warehouse.state = 'STARTED';
      warehouse.autoResume = true;
    }
  });

  it('lists databases, schemas, a 3,000-table schema a page at a time with a filter, and columns with Snowflake type names', async () => {
    const s = await open();
    assert.deepEqual(
      (await s.sql.catalogs!()).map((c) => c.name),
      ['DEMO_DB', 'OTHER_DB'],
    );
    assert.deepEqual(
      (await s.sql.schemas!('DEMO_DB')).map((c) => c.name),
      ['FIXTURE', 'INFORMATION_SCHEMA', 'PUBLIC', 'WIDE'],
    );
    const first = await s.sql.tables({ catalog: 'DEMO_DB', schema: 'WIDE', limit: 500 });
    assert.equal(first.tables.length, 500);
    assert.ok(first.nextPageToken);
    const second = await s.sql.tables({
      catalog: 'DEMO_DB',
      schema: 'WIDE',
      limit: 500,
      pageToken: first.nextPageToken,
    });
    assert.equal(second.tables[0].name, 'T_00501');
    const filtered = await s.sql.tables({ catalog: 'DEMO_DB', schema: 'WIDE', search: 't_0299', limit: 500 });
    assert.deepEqual(
      filtered.tables.map((t) => t.name),
      Array.from({ length: 10 }, (_, i) => `T_0299${i}`),
    );
    const kinds = (await s.sql.tables({ catalog: 'DEMO_DB', schema: 'PUBLIC' })).tables.map(
      (t) => `${t.name}:${t.type}`,
    );
    assert.ok(kinds.includes('DAILY_TOTALS:DYNAMIC TABLE'), kinds.join(', '));
    const columns = await s.sql.columns({ catalog: 'DEMO_DB', schema: 'PUBLIC', table: 'ALL_TYPES' });
    assert.deepEqual(
      columns.slice(0, 4).map((c) => c.type),
      ['NUMBER(38,0)', 'NUMBER(19,18)', 'FLOAT', 'VARCHAR(16777216)'],
    );
    assert.deepEqual(snowflakeTypeName('{"type":"TIMESTAMP_NTZ","scale":9,"nullable":false}'), {
      type: 'TIMESTAMP_NTZ(9)',
      nullable: false,
    });
  });

  it('previews a table with exact numbers and real NULLs, and reports nothing to Snowflake', async () => {
    const s = await open();
    const sink = collecting();
    const summary = await s.sql.stream(
      { ...s.sql.previewStatement({ catalog: 'DEMO_DB', schema: 'PUBLIC', table: 'ALL_TYPES', limit: 10 }) },
      sink,
    );
    assert.equal(summary.rowsReturned, 2);
    assert.deepEqual(sink.got[0].slice(0, 2), ['12345678901234567890123456789012345678', '1.234567890123456789']);
    assert.deepEqual(sink.got[1].slice(0, 4), [null, null, null, null]);
    // Dates and times in the session's output formats, as SnowSQL prints them: TIME to the format's
    // precision, TIMESTAMP_TZ at its own offset (+01:00 on the wire as 1500), LTZ in the session's zone.
    const at = (name: string): CellValue => sink.got[0][sink.columns.indexOf(name)]!;
    assert.deepEqual(['D', 'T', 'TS_NTZ', 'TS_LTZ', 'TS_TZ'].map(at), [
      '2024-01-01',
      '12:34:56',
      '2024-01-01 00:00:00.123',
      '2024-01-01 00:00:00.123 +0000',
      '2024-01-01 01:00:00.123 +0100',
    ]);
    assert.deepEqual(sink.got[1].slice(5, 8), [null, null, null], 'a NULL date or time is NULL, not the text "NULL"');
    // VARIANT as Snowflake sent it: the big number inside is not rounded, nothing is evaluated.
    assert.equal(sink.got[0][sink.columns.indexOf('V')], '{"a":[1,2,{"b":null}],"big":12345678901234567890}');
    assert.deepEqual(
      server.log.filter((r) => r.path === '/telemetry/send'),
      [],
      'the driver reported to Snowflake',
    );
  });

  it('caps a query over 1,000,000 rows: the rows asked for reach the grid, at most one chunk more is fetched', async () => {
    const s = await open();
    const sink = collecting();
    const summary = await s.sql.stream({ sql: 'SELECT * FROM BIG', limit: 100, timeoutMs: 60_000 }, sink);
    assert.equal(summary.rowsReturned, 100);
    assert.equal(summary.truncated, true);
    const query = [...server.queries.values()].filter((q) => q.result?.total === 1_000_000).at(-1)!;
    assert.ok(query.rowsServed <= server.inlineRows + server.chunkRows, `the server sent ${query.rowsServed} rows`);
  });

  it("runs a query in the file's default schema (and lists schemas of the default database)", async () => {
    const s = await open();
    const sink = collecting();
    await s.sql.stream({ sql: 'SELECT * FROM T_00001', limit: 10, timeoutMs: 10_000, schema: 'WIDE' }, sink);
    assert.deepEqual(sink.got, [['1']]);
    assert.deepEqual(
      (await s.sql.schemas!(undefined)).map((x) => x.name),
      ['FIXTURE', 'INFORMATION_SCHEMA', 'PUBLIC', 'WIDE'],
    );
  });

  it('holds the stream while the grid is busy: a slow sink gets every row, in order, a batch at a time', async () => {
    const s = await open();
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    const summary = await s.sql.stream(
      { sql: 'SELECT * FROM BIG', limit: 5000, timeoutMs: 60_000 },
      {
        start: () => undefined,
        rows: async (batch) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 20));
          for (const row of batch) seen.push(Number(row[0]));
          inFlight--;
        },
      },
    );
    assert.equal(summary.rowsReturned, 5000);
    assert.equal(most, 1, 'a batch arrived while the sink was still busy');
    assert.deepEqual(seen.slice(0, 3), [1, 2, 3]);
    assert.equal(seen[4999], 5000);
  });

  it('refuses anything Snowflake does not describe as a query, before it runs', async () => {
    const s = await open();
    for (const sql of ['DELETE FROM CUSTOMERS', 'CREATE TABLE X (A INT)', 'USE DATABASE OTHER_DB', 'CALL my_proc()']) {
      await assert.rejects(
        s.sql.stream({ sql, limit: 10, timeoutMs: 10_000 }, collecting()),
        (e: unknown) => ConnectionError.is(e, 'read_only') && /not a query|only read/.test(e.message),
        sql,
      );
    }
    assert.deepEqual(server.catalog.changes, []);
  });

  it('refuses several statements in one text, and pins every statement it sends to one (MULTI_STATEMENT_COUNT)', async () => {
    const s = await open();
    for (const sql of [
      'SELECT 1; DELETE FROM CUSTOMERS',
      'SELECT 1; INSERT INTO CUSTOMERS VALUES (1)',
      'SELECT 1; DROP TABLE CUSTOMERS',
      'SELECT 1; CALL my_proc()',
      'SELECT 1; UPDATE CUSTOMERS SET A = 1',
    ]) {
      await assert.rejects(
        s.sql.stream({ sql, limit: 10, timeoutMs: 10_000 }, collecting()),
        (e: unknown) => ConnectionError.is(e, 'read_only') && /more than one statement/.test(e.message),
        sql,
      );
    }
    assert.deepEqual(server.catalog.changes, []);
    await s.sql.stream({ sql: 'SELECT 1', limit: 10, timeoutMs: 10_000 }, collecting());
    const sent = server.log.filter((r) => /query-request$/.test(r.path) && r.body.sqlText === 'SELECT 1');
    assert.ok(sent.length >= 2, 'expected a describe and a run');
    for (const r of sent)
      assert.equal((r.body.parameters as Record<string, unknown> | undefined)?.MULTI_STATEMENT_COUNT, 1);
  });

  it('runs SHOW, which only reads, and names a refused statement type in words', async () => {
    const s = await open();
    const sink = collecting();
    await s.sql.stream({ sql: 'SHOW DATABASES', limit: 10, timeoutMs: 10_000 }, sink);
    assert.ok(sink.got.length > 0);
    assert.equal(describedAsRead(0x4500, 'DESCRIBE'), true);
    assert.equal(describedAsRead(0x4000, 'LIST'), true);
    assert.equal(describedAsRead(0x3100, 'LIST'), false);
    assert.equal(describedAsRead(0x4100, 'SELECT'), false);
    assert.match(statementTypeName(0x3300), /changes data/);
    assert.match(statementTypeName(0x4302), /USE/);
    assert.doesNotMatch(statementTypeName(0x6000), /0x/);
  });

  it('cancels a long statement on the server', async () => {
    const s = await open();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const started = Date.now();
    await assert.rejects(
      s.sql.stream(
        { sql: 'SELECT SYSTEM$WAIT(30)', limit: 10, timeoutMs: 60_000, signal: controller.signal },
        collecting(),
      ),
      (e: unknown) => ConnectionError.is(e, 'cancelled'),
    );
    assert.ok(Date.now() - started < 10_000);
    assert.ok(server.log.some((r) => /\/abort-request$/.test(r.path)));
  });
});
