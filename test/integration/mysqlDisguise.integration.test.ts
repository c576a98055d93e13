import * as assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { preparable, openSession } from '../../src/core/connectors/mysql/driver';
import { grammarRefusal } from '../../src/core/connectors/mysql/guard';
import type { ConnectorSession } from '../../src/core/connectors/types';

import { mysqlLexMode } from '../../src/core/connectors/mysql/dialect';
import { guardRunner } from '../support/guardAssertions';
import { ensureMysqlFixture, fixtureDatabase, mysqlServer } from '../support/servers';
import { silentLogger } from '../support/doubles';

/**
 * MariaDB attempts the last review found: names split from their parenthesis by an (executable)
 * comment, statements that read differently under the session's sql_mode, and the server-enforced
 * layer behind the classifier (the server's own grammar), against the real server.
 */
describe('MariaDB/MySQL read-only guard: comments, sql_mode and the server grammar', function () {
  this.timeout(60_000);
  let session: ConnectorSession;
  let admin: mysql.Connection;
  let globalMode = '';
  const outfile = `/tmp/planasonix-mode-${process.pid}.txt`;

  const { run, refused } = guardRunner(() => session);
  const open = (): ConnectorSession =>
    openSession({
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
  /** A server whose sessions start in this sql_mode, and a new pool that opens its sessions there. */
  const inMode = async (mode: string, body: () => Promise<void>): Promise<void> => {
    await admin.query('SET GLOBAL sql_mode = ?', [mode]);
    const previous = session;
    session = open();
    try {
      const session = String((await run('SELECT @@SESSION.sql_mode'))[0][0]).split(',');
      for (const flag of String(await scalar('SELECT @@GLOBAL.sql_mode')).split(','))
        assert.ok(session.includes(flag), `${flag} is not set`);
      await body();
    } finally {
      await session.close();
      session = previous;
      await admin.query('SET GLOBAL sql_mode = ?', [globalMode]);
    }
  };
  const scalar = async (sql: string): Promise<unknown> =>
    ((await admin.query<mysql.RowDataPacket[]>({ sql, rowsAsArray: true }))[0][0] as unknown[])[0];

  before(async () => {
    await ensureMysqlFixture();
    admin = await mysql.createConnection({ ...mysqlServer, database: fixtureDatabase, multipleStatements: true });
    globalMode = String(await scalar('SELECT @@GLOBAL.sql_mode'));
    await admin.query(`
      CREATE OR REPLACE FUNCTION fg() RETURNS INT NOT DETERMINISTIC READS SQL DATA
        BEGIN SET GLOBAL max_error_count = 778; RETURN 1; END;`);
    session = open();
  });

  after(async () => {
    await admin?.query('SET GLOBAL sql_mode = ?', [globalMode]).catch(() => undefined);
    await session?.close();
    await admin?.query('DROP FUNCTION IF EXISTS fg').catch(() => undefined);
    await admin?.end();
  });

  it('sees a call whose name is split from its parenthesis by a comment or an empty executable comment', async () => {
    const before = await scalar('SELECT @@GLOBAL.max_error_count');
    for (const sql of [
      'SELECT fg/*!*/()',
      'SELECT fg/*M!*/ ()',
      'SELECT fg /* gap */ ()',
      'SELECT `fg`/*!50000*/()',
      'SELECT test.fg/*!*/()',
    ]) {
      await refused(sql, /fg\(\), a stored or loadable function/);
    }
    await refused(`SELECT LOAD_FILE/*!*/('/etc/hostname')`, /LOAD_FILE/i);
    assert.equal(await scalar('SELECT @@GLOBAL.max_error_count'), before, 'a global was changed');
  });

  for (const [mode, sql] of [
    ['ANSI_QUOTES', `SELECT 1 AS "a\\" INTO OUTFILE '${outfile}' -- "`],
    ['ANSI', `SELECT 1 AS "a\\" INTO OUTFILE '${outfile}' -- "`],
    ['NO_BACKSLASH_ESCAPES', `SELECT 'a\\' INTO OUTFILE '${outfile}' -- '`],
  ]) {
    it(`lexes as the session's sql_mode says (${mode}): ${sql}`, async () => {
      await inMode(mode, () => refused(sql, /INTO OUTFILE|pure query/));
    });
  }

  it('still reads a quoted name as a name under ANSI_QUOTES, and backslashes as text under NO_BACKSLASH_ESCAPES', async () => {
    await inMode('ANSI_QUOTES,NO_BACKSLASH_ESCAPES', async () => {
      assert.deepEqual(await run(`SELECT "x" FROM (SELECT 7 AS x) t`), [['7']]);
      assert.deepEqual(await run(`SELECT 'a\\' AS s`), [['a\\']]);
    });
  });

  describe('the server grammar refuses what the classifier might not see', () => {
    let probe: mysql.Connection;
    before(async () => (probe = await mysql.createConnection({ ...mysqlServer, database: fixtureDatabase })));
    after(async () => probe?.end());
    const parses = (text: string): Promise<boolean> => preparable(probe, text);

    for (const sql of [
      `SELECT 1 INTO OUTFILE '${outfile}'`,
      `SELECT 1 FROM DUAL INTO DUMPFILE '${outfile}'`,
      `(SELECT 1) INTO OUTFILE '${outfile}'`,
      'SELECT 1 INTO @planasonix',
      'SET GLOBAL max_error_count = 779',
      'CALL planasonix_nothing()',
      `DO GET_LOCK('x', 0)`,
    ]) {
      it(`refuses ${sql}`, async () => {
        assert.match((await grammarRefusal(parses, sql)) ?? 'let through', /pure query/);
      });
    }
    it('refuses under the lexing of another sql_mode too (it is the server that parses)', async () => {
      await probe.query(`SET SESSION sql_mode = 'ANSI_QUOTES'`);
      try {
        const sql = `SELECT 1 AS "a\\" INTO OUTFILE '${outfile}' -- "`;
        assert.match((await grammarRefusal(parses, sql, mysqlLexMode(''))) ?? 'let through', /pure query/);
      } finally {
        await probe.query(`SET SESSION sql_mode = DEFAULT`);
      }
    });
    for (const sql of [
      'SELECT 1, 1',
      'WITH a AS (SELECT 1 AS x) SELECT * FROM a -- trailing comment',
      'VALUES (1), (2)',
      '(SELECT 1) UNION (SELECT 2) ORDER BY 1',
      'SELECT * FROM no_such_table',
      'SELEC 1',
      'SHOW TABLES',
      'EXPLAIN SELECT 1',
    ]) {
      it(`lets ${sql} through to the server`, async () => {
        assert.equal(await grammarRefusal(parses, sql), undefined);
      });
    }
  });
});
