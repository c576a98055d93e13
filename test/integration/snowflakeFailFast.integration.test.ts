import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConnectionError } from '../../src/core/errors';

import { snowflakeSpec } from '../../src/core/connectors/snowflake/spec';
import type { ConnectorSession, SqlFacet } from '../../src/core/connectors/types';
import { columnKind } from '../../src/core/results/cells';
import { collecting } from '../support/collectingSink';
import { SnowflakeServer } from '../support/snowflake/server';
import { freePort } from '../../scripts/vscode/codeServer';
import { silentLogger } from '../support/doubles';

/**
 * Snowflake's failure paths end, and end soon: a closed port, a host that accepts and never answers
 * (with Cancel and with the connect timeout), a value the SDK cannot decode; and result columns carry
 * the type Snowflake's own tools show, so the grid and the exports treat numbers as numbers.
 */
describe('Snowflake connector: fails fast, never hangs', function () {
  this.timeout(30_000);
  let server: SnowflakeServer;
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  const sessions: ConnectorSession[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  const open = async (
    config: Record<string, string | number>,
    secrets: Record<string, string> = { password: 'alice-pw' },
  ) => {
    const driver = await snowflakeSpec.load();
    const session = driver.openSession({
      config: { account: 'fake', user: 'alice', ...config },
      secrets,
      logger: silentLogger,
    });
    sessions.push(session);
    return session as ConnectorSession & { sql: SqlFacet };
  };

  before(async () => {
    server = await SnowflakeServer.start();
    server.users.set('ALICE', { password: 'alice-pw' });
    // Accepts connections and never answers: a firewall that swallows packets, as seen from the client.
    silent = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    process.on('uncaughtException', onUncaught);
  });

  after(async () => {
    process.off('uncaughtException', onUncaught);
    await Promise.all(sessions.map((s) => s.close()));
    sockets.forEach((s) => s.destroy());
    silent.close();
    await server.close();
  });

  it('says a closed port is unreachable within a second, and closes at once', async () => {
    const port = await freePort();
    const session = await open({ serverUrl: `http://127.0.0.1:${port}` });
    const started = Date.now();
    const result = await session.test();
    assert.equal(result.ok, false);
    assert.match(result.message, /reached|refused|ECONNREFUSED/i);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    const closing = Date.now();
    await session.close();
    assert.ok(Date.now() - closing < 200);
  });

  it('gives up on a host that never answers at the connect timeout, naming it', async () => {
    const session = await open({
      serverUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      connectTimeoutSeconds: 1,
    });
    const started = Date.now();
    const result = await session.test();
    assert.equal(result.ok, false);
    assert.match(result.message, /did not answer within 1 s/);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  it('cancels a login to a host that never answers within a second, and closes without waiting for it', async () => {
    const session = await open({ serverUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(
      session.sql.stream({ sql: 'SELECT 1', limit: 10, timeoutMs: 60_000, signal: controller.signal }, collecting()),
      (e: unknown) => ConnectionError.is(e, 'cancelled'),
    );
    await session.close();
    assert.ok(Date.now() - started < 1200, `took ${Date.now() - started} ms`);
  });

  it('fails a result holding a value the driver cannot decode, naming the column; nothing escapes to the process', async () => {
    const session = await open({ serverUrl: server.url, warehouse: 'WH', database: 'DEMO_DB', schema: 'PUBLIC' });
    const sink = collecting();
    const started = Date.now();
    await assert.rejects(
      session.sql.stream({ sql: 'SELECT * FROM MALFORMED', limit: 10, timeoutMs: 5000 }, sink),
      (e: unknown) => {
        assert.ok(ConnectionError.is(e, 'query_failed'), String(e));
        assert.match(e.message, /column TS_TZ .*TIMESTAMP_TZ/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(uncaught, []);
    // The session still works afterwards.
    const again = collecting();
    await session.sql.stream({ sql: 'SELECT * FROM CUSTOMERS', limit: 10, timeoutMs: 5000 }, again);
    assert.equal(again.got.length, 3);
  });

  it('says which key-pair field is wrong, in words, never OpenSSL codes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-sfkey-'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encrypted = path.join(dir, 'encrypted.p8');
    writeFileSync(
      encrypted,
      privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'right' }),
    );
    const garbage = path.join(dir, 'garbage.p8');
    writeFileSync(garbage, 'not a key at all');
    const cases: [string, Record<string, string>, RegExp, string][] = [
      [encrypted, { privateKeyPassphrase: 'wrong' }, /passphrase does not open/, 'privateKeyPassphrase'],
      [encrypted, {}, /encrypted: enter its passphrase/, 'privateKeyPassphrase'],
      [garbage, {}, /not a private key in PEM form/, 'privateKeyFile'],
      [path.join(dir, 'missing.p8'), {}, /no such file/, 'privateKeyFile'],
    ];
    for (const [file, secrets, message, field] of cases) {
      const session = await open({ serverUrl: server.url, authenticator: 'keypair', privateKeyFile: file }, secrets);
      const result = await session.test();
      assert.equal(result.ok, false);
      assert.match(result.message, message);
      assert.doesNotMatch(result.message, /error:[0-9A-F]{8}|routines/);
      await assert.rejects(
        session.sql.stream({ sql: 'SELECT 1', limit: 1, timeoutMs: 5000 }, collecting()),
        (e: unknown) => {
          assert.ok(ConnectionError.is(e, 'invalid_config'), String(e));
          assert.equal(e.details?.field, field);
          return true;
        },
      );
    }
  });

  it('names result columns by their Snowflake type, so numbers are numbers to the grid and the exports', async () => {
    const session = await open({ serverUrl: server.url, warehouse: 'WH', database: 'DEMO_DB', schema: 'PUBLIC' });
    const sink = collecting();
    await session.sql.stream({ sql: 'SELECT * FROM ALL_TYPES', limit: 10, timeoutMs: 5000 }, sink);
    const types = Object.fromEntries(sink.columns.map((c, i) => [c, sink.types[i]]));
    assert.equal(types.N38_0, 'NUMBER(38,0)');
    assert.equal(types.N19_18, 'NUMBER(19,18)');
    assert.equal(types.R, 'FLOAT');
    assert.equal(types.TS_TZ, 'TIMESTAMP_TZ(9)');
    assert.equal(columnKind(types.N38_0), 'number');
    assert.equal(columnKind(types.TS_NTZ), 'date');
    assert.equal(columnKind(types.B), 'boolean');
  });
});
