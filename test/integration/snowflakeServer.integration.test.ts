// The Snowflake test server (test/support/snowflake) driven by the real snowflake-sdk, unchanged: what a
// connector will rely on is checked here first, against the driver itself (issue 13's first step).
import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as snowflakeSdk from 'snowflake-sdk';
import { uninstallWireHooks } from '../../src/core/connectors/snowflake/wire';
import { SnowflakeServer } from '../support/snowflake/server';

// Before the driver is loaded: it probes cloud metadata endpoints on require unless told not to.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

/** Where sockets were opened to while the driver ran (anything but loopback is a leak). */
const destinations: string[] = [];
const originalConnect = net.Socket.prototype.connect;
function watchSockets(): void {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // Node's own callers pass [options, callback] as one normalized array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host =
      typeof first === 'object' && first !== null
        ? (first as { host?: string; path?: string }).host
        : typeof args[1] === 'string'
          ? args[1]
          : undefined;
    if (host !== undefined || !(typeof first === 'object' && first !== null && (first as { path?: string }).path))
      destinations.push(host ?? 'localhost');
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  };
}

type Driver = typeof snowflakeSdk;
type Connection = ReturnType<Driver['createConnection']>;

describe('Snowflake test server: the real snowflake-sdk against it', function () {
  this.timeout(120_000);
  let server: SnowflakeServer;
  let snowflake: Driver;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyDir = mkdtempSync(path.join(tmpdir(), 'planasonix-sf-'));
  const keyFile = path.join(keyDir, 'rsa_key.p8');
  writeFileSync(
    keyFile,
    privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'key-pass' }),
  );

  before(async () => {
    watchSockets();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment is set, as the extension will
    snowflake = require('snowflake-sdk') as Driver;
    // The bare driver, as it behaves without the connector's hooks (the connector may be loaded in this process).
    uninstallWireHooks();
    snowflake.configure({ logLevel: 'OFF' });
    server = await SnowflakeServer.start();
    server.users.set('ALICE', {
      password: 'alice-pw',
      publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      oauthToken: 'oauth-token-1',
    });
  });
  after(async () => {
    net.Socket.prototype.connect = originalConnect;
    await server?.close();
  });

  const connect = (options: Record<string, unknown>): Promise<Connection> =>
    new Promise((resolve, reject) => {
      const connection = snowflake.createConnection({
        accessUrl: server.url,
        account: 'fake',
        username: 'alice',
        database: 'DEMO_DB',
        schema: 'PUBLIC',
        warehouse: 'WH',
        ...options,
      });
      connection.connect((error) => (error ? reject(error) : resolve(connection)));
    });
  const run = (
    connection: Connection,
    sqlText: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ rows: Record<string, unknown>[]; statement: unknown }> =>
    new Promise((resolve, reject) => {
      connection.execute({
        sqlText,
        ...extra,
        complete: (error: unknown, statement: unknown, rows: unknown) =>
          error ? reject(error) : resolve({ rows: (rows ?? []) as Record<string, unknown>[], statement }),
      });
    });
  const destroy = (connection: Connection): Promise<void> =>
    new Promise((resolve) => connection.destroy(() => resolve()));

  it('logs in by password, key pair (an encrypted key file) and OAuth token, and refuses each wrong one with its code', async () => {
    for (const options of [
      { password: 'alice-pw' },
      { authenticator: 'SNOWFLAKE_JWT', privateKeyPath: keyFile, privateKeyPass: 'key-pass' },
      { authenticator: 'OAUTH', token: 'oauth-token-1' },
    ]) {
      const connection = await connect(options);
      assert.deepEqual((await run(connection, 'SELECT CURRENT_VERSION()')).rows, [{ 'CURRENT_VERSION()': '8.40.1' }]);
      await destroy(connection);
    }
    const codes: string[] = [];
    for (const options of [
      { password: 'wrong' },
      { authenticator: 'OAUTH', token: 'expired' },
      { password: 'alice-pw', account: 'nope' },
    ]) {
      await connect(options).then(
        () => assert.fail(`logged in with ${JSON.stringify(options)}`),
        (error: { code?: unknown }) => codes.push(String(error.code)),
      );
    }
    assert.deepEqual(codes, ['390100', '390303', '390201']);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await assert.rejects(
      connect({ authenticator: 'SNOWFLAKE_JWT', privateKey: other }),
      (e: { code?: unknown }) => String(e.code) === '394304',
    );
  });

  it('answers inline and in gzip chunks fetched with the chunk headers, and counts the rows it served', async () => {
    const connection = await connect({ password: 'alice-pw' });
    const small = await run(connection, 'SELECT * FROM CUSTOMERS');
    assert.deepEqual(
      small.rows.map((r) => r.NAME),
      ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'],
    );
    const big = await run(connection, 'SELECT * FROM "DEMO_DB"."PUBLIC"."BIG" LIMIT 7500');
    assert.equal(big.rows.length, 7500);
    assert.equal(big.rows[7499].ID, 7500);
    assert.ok(server.log.some((r) => r.path.startsWith('/chunks/') && r.headers['x-fake-chunk-key']));
    const query = [...server.queries.values()].find((q) => q.result?.total === 7500)!;
    assert.equal(query.rowsServed, 7500);
    await destroy(connection);
  });

  it('keeps exact values only where asked: NUMBER(38,0) is rounded unless fetched as strings, and NULL is "NULL" unless representNullAsStringNull is off', async () => {
    // The driver's default (a process-wide switch that any connection's options set).
    const connection = await connect({ password: 'alice-pw', representNullAsStringNull: true });
    const telemetry = (): string[] =>
      server.log.filter((r) => r.path === '/telemetry/send').map((r) => JSON.stringify(r.body));
    const before = telemetry().length;
    const numbers = (await run(connection, 'SELECT * FROM ALL_TYPES')).rows[0];
    assert.equal(typeof numbers.N38_0, 'number', 'the driver turns NUMBER(38,0) into a (rounded) number');
    // ...and tells Snowflake so, in-band, with no switch to turn it off: the connector must never let it round.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(
      telemetry()
        .slice(before)
        .some((t) => t.includes('selecting_with_precision_loss')),
      telemetry().join('\n'),
    );
    const strings = (await run(connection, 'SELECT * FROM ALL_TYPES', { fetchAsString: ['Number'] })).rows[0];
    assert.equal(strings.N38_0, '12345678901234567890123456789012345678');
    assert.equal(strings.N19_18, '1.234567890123456789');
    // ...but then a NULL number is the string "NULL", unless the connection says otherwise.
    const nullRow = (await run(connection, 'SELECT * FROM ALL_TYPES', { fetchAsString: ['Number'] })).rows[1];
    assert.equal(nullRow.N38_0, 'NULL');
    await destroy(connection);
    const exact = await connect({ password: 'alice-pw', representNullAsStringNull: false });
    const quiet = telemetry().length;
    const fetched = await run(exact, 'SELECT * FROM ALL_TYPES', { fetchAsString: ['Number'] });
    const [value, empty] = fetched.rows;
    assert.deepEqual([value.N38_0, empty.N38_0, empty.S], ['12345678901234567890123456789012345678', null, null]);
    await new Promise((r) => setTimeout(r, 200));
    // Found here: even fetched as strings, the driver converts to a number first and reports the loss to
    // Snowflake (in-band, no switch). The connector has to stop that request itself (issue 13).
    const queryId = (fetched.statement as { getQueryId(): string }).getQueryId();
    assert.ok(
      telemetry()
        .slice(quiet)
        .some((t) => t.includes('selecting_with_precision_loss') && t.includes(queryId)),
    );
    await destroy(exact);
  });

  it('describes a statement without running it, with its columns and (on the wire) its type; runs nothing that changes data', async () => {
    const connection = await connect({ password: 'alice-pw' });
    const described = await run(connection, 'SELECT * FROM CUSTOMERS', { describeOnly: true });
    const columns = (described.statement as { getColumns(): { getName(): string }[] })
      .getColumns()
      .map((c) => c.getName());
    assert.deepEqual(columns, ['ID', 'NAME', 'COUNTRY']);
    assert.deepEqual(described.rows, []);
    await run(connection, 'DELETE FROM CUSTOMERS', { describeOnly: true });
    await run(connection, 'CREATE TABLE X (A INT)', { describeOnly: true });
    const types = [...server.queries.values()].filter((q) => q.describedType !== undefined).map((q) => q.describedType);
    assert.deepEqual(types, [0x1000, 0x3300, 0x6000]);
    assert.ok(
      server.log
        .filter((r) => r.path === '/queries/v1/query-request')
        .slice(-3)
        .every((r) => r.body.describeOnly === true),
    );
    assert.deepEqual(server.catalog.changes, [], 'a described statement was run');
    await destroy(connection);
  });

  it('runs a long statement asynchronously, polled at its result URL, and aborts it on cancel (000604, 57014)', async () => {
    const connection = await connect({ password: 'alice-pw' });
    const started = Date.now();
    const outcome = new Promise<{ code?: unknown; sqlState?: unknown }>((resolve) => {
      const statement = connection.execute({
        sqlText: 'SELECT SYSTEM$WAIT(30)',
        complete: (error) => resolve(error ?? {}),
      });
      setTimeout(() => statement.cancel(() => undefined), 1500);
    });
    const error = await outcome;
    assert.equal(String(error.code), '000604');
    assert.equal(error.sqlState, '57014');
    assert.ok(Date.now() - started < 10_000, 'the cancel did not stop the wait');
    assert.ok(server.log.some((r) => /\/queries\/[^/]+\/abort-request$/.test(r.path)));
    await destroy(connection);
  });

  it('renews an expired session token with the master token and retries, and reports SQL errors with code and SQLSTATE', async () => {
    const connection = await connect({ password: 'alice-pw' });
    server.expireSessionTokens();
    assert.deepEqual((await run(connection, 'SELECT 1')).rows, [{ 1: 1 }]);
    assert.ok(server.log.some((r) => r.path === '/session/token-request'));
    await assert.rejects(
      run(connection, 'SELECT * FROM NO_SUCH_TABLE'),
      (e: { code?: unknown; sqlState?: unknown; message?: string }) => {
        return String(e.code) === '002003' && e.sqlState === '42S02' && /does not exist/.test(e.message ?? '');
      },
    );
    await destroy(connection);
  });

  it('lists databases, schemas, a schema of 3,000 tables page by page, and columns with their types', async () => {
    const connection = await connect({ password: 'alice-pw' });
    assert.deepEqual(
      (await run(connection, 'SHOW TERSE DATABASES')).rows.map((r) => r.name),
      ['DEMO_DB', 'OTHER_DB'],
    );
    const page1 = (await run(connection, 'SHOW TERSE OBJECTS IN SCHEMA "DEMO_DB"."WIDE" LIMIT 500')).rows.map((r) =>
      String(r.name),
    );
    const page2 = (
      await run(connection, `SHOW TERSE OBJECTS IN SCHEMA "DEMO_DB"."WIDE" LIMIT 500 FROM '${page1.at(-1)}'`)
    ).rows.map((r) => String(r.name));
    assert.deepEqual([page1.length, page1[0], page2[0]], [500, 'T_00001', 'T_00501']);
    const kinds = (await run(connection, 'SHOW OBJECTS IN SCHEMA DEMO_DB.PUBLIC')).rows.map(
      (r) => `${String(r.name)}:${String(r.kind)}`,
    );
    assert.ok(
      kinds.includes('DAILY_TOTALS:DYNAMIC TABLE') && kinds.includes('TOP_CUSTOMERS:MATERIALIZED VIEW'),
      kinds.join(', '),
    );
    const columns = (await run(connection, 'SHOW COLUMNS IN TABLE "DEMO_DB"."PUBLIC"."ALL_TYPES"')).rows;
    assert.deepEqual(JSON.parse(String(columns[0].data_type)), {
      type: 'FIXED',
      nullable: true,
      precision: 38,
      scale: 0,
    });
    await destroy(connection);
  });

  it('made the driver open sockets to this machine only (no cloud metadata probing)', () => {
    assert.ok(destinations.includes('127.0.0.1'), `the watch saw no connection at all: ${destinations.join(', ')}`);
    const elsewhere = destinations.filter((h) => !['127.0.0.1', 'localhost', '::1'].includes(h));
    assert.deepEqual(elsewhere, []);
  });
});
