import { previewWhole } from '../support/whole';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { openSession } from '../../src/core/connectors/mysql/driver';
import type { ConnectorSession } from '../../src/core/connectors/types';

import { guardRunner } from '../support/guardAssertions';
import { ensureMysqlFixture, fixtureDatabase, mysqlServer } from '../support/servers';
import { silentLogger } from '../support/doubles';

/**
 * The server-side layer of the MySQL/MariaDB read-only guard, on the connector directly (past the
 * classifier), against the real server; a second session checks that nothing changed.
 */
describe('MariaDB/MySQL read-only guard against the real server', function () {
  this.timeout(60_000);
  let session: ConnectorSession;
  let admin: mysql.Connection;
  const outfile = `/tmp/planasonix-guard-${process.pid}.txt`;

  const { run, refused } = guardRunner(() => session);
  const scalar = async (sql: string): Promise<unknown> =>
    ((await admin.query<mysql.RowDataPacket[]>({ sql, rowsAsArray: true }))[0][0] as unknown[])[0];

  before(async () => {
    await ensureMysqlFixture();
    admin = await mysql.createConnection({ ...mysqlServer, database: fixtureDatabase, multipleStatements: true });
    await admin.query(`
      CREATE OR REPLACE FUNCTION guard_bump() RETURNS INT NOT DETERMINISTIC READS SQL DATA
        BEGIN SET GLOBAL max_error_count = 777; RETURN 1; END;
      CREATE OR REPLACE VIEW guard_lock_view AS SELECT GET_LOCK('planasonix_view_lock', 0) AS l;
      CREATE OR REPLACE VIEW guard_view_on_view AS SELECT * FROM guard_lock_view;
      CREATE OR REPLACE VIEW guard_fn_view AS SELECT guard_bump() AS b;`);
    session = openSession({
      config: {
        host: mysqlServer.host,
        port: mysqlServer.port,
        user: mysqlServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      },
      secrets: {},
      logger: silentLogger,
    });
  });

  after(async () => {
    await session?.close();
    await admin?.end();
  });

  it('writes no file through an executable comment or INTO OUTFILE/DUMPFILE', async () => {
    for (const sql of [
      `SELECT 1 /*M! INTO OUTFILE '${outfile}' */`,
      `SELECT 1 /*!50000 INTO OUTFILE '${outfile}' */`,
      `SELECT 1 /*M!100100 INTO DUMPFILE '${outfile}' */`,
      `(SELECT 1) INTO OUTFILE '${outfile}'`,
    ]) {
      await refused(sql, /INTO|acts outside/);
    }
    assert.equal(existsSync(outfile), false);
  });

  it('takes no GET_LOCK lock, directly or through a view (or a view on it)', async () => {
    await refused(`SELECT GET_LOCK('planasonix_lock', 0)`, /GET_LOCK/);
    await refused('SELECT * FROM guard_lock_view', /through view .*guard_lock_view\) calls get_lock/i);
    await refused('SELECT l FROM `guard_view_on_view`', /through view/);
    await assert.rejects(
      previewWhole(session.sql!, { schema: fixtureDatabase, table: 'guard_lock_view', limit: 5 }),
      /GET_LOCK/i,
    );
    assert.equal(Number(await scalar(`SELECT IS_FREE_LOCK('planasonix_view_lock')`)), 1);
    assert.equal(Number(await scalar(`SELECT IS_FREE_LOCK('planasonix_lock')`)), 1);
  });

  it('refuses a stored function, which could change a global variable, and through a view', async () => {
    const before = await scalar('SELECT @@GLOBAL.max_error_count');
    await refused('SELECT guard_bump()', /guard_bump\(\), a stored/);
    await refused(`SELECT \`${fixtureDatabase}\`.GUARD_BUMP()`, /stored/);
    await refused('SELECT * FROM guard_fn_view', /through view/);
    assert.equal(await scalar('SELECT @@GLOBAL.max_error_count'), before);
  });

  it('leaves the session as it found it: a user variable set by one run is gone in the next, on the same connection', async () => {
    const first = await run('SELECT @leak := 42 AS v, CONNECTION_ID() AS id');
    const second = await run(
      'SELECT @leak AS v, CONNECTION_ID() AS id, @@SESSION.sql_select_limit < 1000000, DATABASE()',
    );
    assert.equal(second[0][1], first[0][1], 'expected the same pooled session');
    assert.equal(second[0][0], null, 'a user variable outlived the run');
    assert.equal(second[0][3], fixtureDatabase);
  });

  it('lets ordinary reads through: string functions named like DML, HELP, sleep', async () => {
    const rows = await run(`SELECT INSERT('abc', 1, 1, 'x'), REPLACE('abc', 'a', 'y'), TRUNCATE(1.555, 2), 3--1`);
    assert.deepEqual(rows[0].map(String), ['xbc', 'ybc', '1.55', '4']);
    await run(`HELP 'contents'`);
    await run('SELECT SLEEP(0)');
  });
});
