import { previewWhole } from '../support/whole';
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { openSession } from '../../src/core/connectors/postgres/driver';
import { guardTarget, serverRefusal, vettedVolatile } from '../../src/core/connectors/postgres/guard';
import {
  closureSql,
  closureVerdictSql,
  gateSql,
  isGateError,
  verdictValues,
} from '../../src/core/connectors/postgres/closure';
import type { ConnectorSession } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';

import { guardRunner } from '../support/guardAssertions';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import { silentLogger } from '../support/doubles';

/**
 * The server-side layer of the read-only guard, called on the connector directly (the classifier in
 * front of it is not involved), against the real server; a second session checks that nothing changed.
 */
describe('PostgreSQL read-only guard against the real server', function () {
  this.timeout(60_000);
  let session: ConnectorSession;
  let admin: pg.Client;
  const probeFile = '/tmp/planasonix-guard-probe';

  const { run, refused } = guardRunner(() => session);
  const scalar = async (sql: string, values: unknown[] = []): Promise<string> =>
    String((await admin.query({ text: sql, values, rowMode: 'array' })).rows[0]?.[0]);
  /** Waits up to 5 s for a condition the session reset makes true. */
  const eventually = async (check: () => Promise<boolean>, failure: string): Promise<void> => {
    for (const started = Date.now(); !(await check());) {
      assert.ok(Date.now() - started < 5000, failure);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const advisoryHeld = (key: number): Promise<string> =>
    scalar(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [key]);

  before(async () => {
    await ensurePostgresFixture();
    admin = new pg.Client({ ...pgServer, database: fixtureDatabase });
    await admin.connect();
    await admin.query(`
      CREATE SCHEMA IF NOT EXISTS guard_fx;
      CREATE EXTENSION IF NOT EXISTS dblink SCHEMA guard_fx;
      CREATE OR REPLACE VIEW guard_fx.lock_view AS SELECT pg_advisory_lock(4242) IS NULL AS l;
      CREATE OR REPLACE FUNCTION guard_fx.grab() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(4343); RETURN 1; END $$;
      -- Functions in C or internal code, which only a superuser can create, are trusted by their label:
      -- these two lie about it, and the session reset is what stands behind the guard for them.
      DROP VIEW IF EXISTS guard_fx.sneaky_view;
      CREATE OR REPLACE FUNCTION guard_fx.sneaky_lock(bigint) RETURNS void STABLE STRICT LANGUAGE internal AS 'pg_advisory_lock_int8';
      CREATE OR REPLACE FUNCTION guard_fx.sneaky_set(text, text, boolean) RETURNS text STABLE LANGUAGE internal AS 'set_config_by_name';
      CREATE VIEW guard_fx.sneaky_view AS SELECT guard_fx.sneaky_lock(4444) IS NULL AS s;`);
    session = openSession({
      config: {
        host: pgServer.host,
        port: pgServer.port,
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      },
      secrets: {},
      logger: silentLogger,
    });
    rmSync(probeFile, { force: true });
  });

  after(async () => {
    await session?.close();
    await admin?.end();
  });

  describe('the server-side check alone (no classifier in front) refuses every spelling', () => {
    const statements = [
      'SELECT "pg_terminate_backend"(1)',
      'SELECT pg_catalog.pg_terminate_backend(1)',
      'SELECT "pg_catalog" . "pg_cancel_backend" /* gap */ (1)',
      'SELECT U&"\\0070g_terminate_backend"(1)',
      'WITH x AS (SELECT pg_terminate_backend(1) AS gone) SELECT * FROM x',
      'VALUES (1), (CASE WHEN pg_terminate_backend(1) THEN 2 END)',
      'SELECT * FROM (VALUES (pg_stat_reset())) v',
      'EXPLAIN ANALYZE SELECT pg_reload_conf()',
      "SELECT * FROM pg_create_physical_replication_slot('planasonix_probe')",
      "SELECT lo_import('/etc/hostname')",
      "SELECT * FROM guard_fx.dblink('dbname=x', 'select 1') AS t(a int)",
      'SELECT * FROM guard_fx.lock_view',
      'SELECT guard_fx.grab()',
      "SELECT set_config('application_name', 'x', false)",
    ];
    for (const sql of statements) {
      it(`refuses ${sql}`, async () => {
        const client = new pg.Client({ ...pgServer, database: fixtureDatabase });
        await client.connect();
        try {
          await client.query('BEGIN READ ONLY');
          const reason = await serverRefusal(
            { closure: async (values) => (await client.query(closureSql, values)).rows },
            sql,
          );
          assert.match(reason ?? 'let through', /VOLATILE|runs SQL text/);
          // The verdict the server reaches alone (the pipeline's) stops the gate too.
          await client.query(closureVerdictSql, verdictValues(guardTarget(sql)!, vettedVolatile));
          await assert.rejects(client.query(gateSql), (e: unknown) => isGateError(e));
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          await client.end();
        }
      });
    }
  });

  describe('another session stays alive whatever the spelling', () => {
    const spellings = [
      (pid: number) => `SELECT "pg_terminate_backend"(${pid})`,
      (pid: number) => `SELECT pg_catalog.pg_terminate_backend(${pid})`,
      (pid: number) => `SELECT "pg_catalog" . "pg_cancel_backend" /* gap */ (${pid})`,
      (pid: number) => `SELECT U&"\\0070g_terminate_backend"(${pid})`,
      (pid: number) => `WITH x AS (SELECT pg_terminate_backend(${pid}) AS gone) SELECT * FROM x`,
      (pid: number) => `VALUES (1), (CASE WHEN pg_terminate_backend(${pid}) THEN 2 END)`,
      (pid: number) => `EXPLAIN ANALYZE SELECT pg_terminate_backend(${pid})`,
      (pid: number) => `SELECT * FROM pg_stat_activity WHERE pid = ${pid} AND pg_terminate_backend(pid)`,
    ];
    for (const spelling of spellings) {
      it(`refuses ${spelling(0)}`, async () => {
        const victim = new pg.Client({ ...pgServer, database: fixtureDatabase });
        await victim.connect();
        victim.on('error', () => undefined);
        try {
          const pid = Number((await victim.query('SELECT pg_backend_pid() AS p')).rows[0].p);
          await refused(spelling(pid));
          assert.equal((await victim.query('SELECT 1 AS one')).rows[0].one, 1, 'the other session was ended');
        } finally {
          await victim.end().catch(() => undefined);
        }
      });
    }
  });

  it('creates no replication slot, from a CTE or a FROM clause', async () => {
    await refused(`WITH s AS (SELECT * FROM pg_create_physical_replication_slot('planasonix_probe')) SELECT * FROM s`);
    await refused(`SELECT * FROM "pg_create_physical_replication_slot"('planasonix_probe')`);
    assert.equal(await scalar(`SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'planasonix_probe'`), '0');
  });

  it('resets no statistics and reloads no configuration', async () => {
    const before = await scalar('SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()');
    await refused('VALUES (pg_stat_reset())');
    await refused('SELECT * FROM (VALUES (1)) v WHERE pg_catalog.pg_stat_reset() IS NULL');
    await refused('EXPLAIN (ANALYZE) SELECT pg_reload_conf()');
    assert.equal(await scalar('SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()'), before);
  });

  it('reads and writes no server file through large objects', async () => {
    const objects = await scalar('SELECT count(*) FROM pg_largeobject_metadata');
    await refused(`SELECT lo_import('/etc/hostname')`);
    await refused(`WITH o AS (SELECT lo_from_bytea(0, 'x') AS id) SELECT lo_export(id, '${probeFile}') FROM o`);
    await refused(`SELECT pg_read_file('/etc/hostname')`);
    assert.equal(await scalar('SELECT count(*) FROM pg_largeobject_metadata'), objects);
    assert.equal(existsSync(probeFile), false);
  });

  it('runs no SQL through another connection (dblink, even COPY TO PROGRAM)', async () => {
    await refused(
      `SELECT * FROM guard_fx.dblink('dbname=${fixtureDatabase}', 'COPY (SELECT 1) TO PROGRAM ''touch ${probeFile}''') AS t(a text)`,
    );
    await refused(`SELECT guard_fx.dblink_exec('dbname=${fixtureDatabase}', 'CREATE TABLE guard_fx.intruder (a int)')`);
    assert.equal(existsSync(probeFile), false);
    assert.equal(await scalar(`SELECT count(*) FROM pg_class WHERE relname = 'intruder'`), '0');
  });

  it('sees through a view to the function it calls, in a test query and in a preview', async () => {
    await refused(
      'SELECT * FROM guard_fx.lock_view',
      /pg_advisory_lock\(\), a VOLATILE.*through view guard_fx\.lock_view/,
    );
    await assert.rejects(
      previewWhole(session.sql!, { schema: 'guard_fx', table: 'lock_view', limit: 10 }),
      /pg_advisory_lock/,
    );
    assert.equal(await advisoryHeld(4242), '0');
  });

  it('refuses a user function left VOLATILE, naming it', async () => {
    await refused('SELECT guard_fx.grab()', /guard_fx\.grab\(\), a VOLATILE/);
    assert.equal(await advisoryHeld(4343), '0');
  });

  it('leaves the session as it found it when a STABLE function has side effects (DISCARD ALL)', async () => {
    const first = await run(
      `SELECT guard_fx.sneaky_lock(4444), guard_fx.sneaky_set('application_name', 'pwned', false), pg_backend_pid() AS pid`,
    );
    // The reset runs after the result is handed back, before the session is pooled again.
    await eventually(async () => (await advisoryHeld(4444)) === '0', 'a session-level advisory lock outlived the run');
    const again = await run(
      `SELECT pg_backend_pid(), current_setting('application_name'), current_setting('default_transaction_read_only')`,
    );
    assert.equal(again[0][0], first[0][2], 'expected the same pooled session');
    assert.deepEqual(again[0].slice(1), ['Planasonix Connections', 'on']);
    await run('SELECT * FROM guard_fx.sneaky_view');
    await eventually(async () => (await advisoryHeld(4444)) === '0', 'the lock taken through a view outlived the run');
  });

  it('lets ordinary reads through: string functions, random(), pg_sleep(), pg_locks, TABLESAMPLE', async () => {
    const rows = await run(`SELECT replace('abc', 'a', 'x'), overlay('abc' placing 'z' from 1), random() < 2`);
    assert.deepEqual(rows[0], ['xbc', 'zbc', 't']);
    await run('SELECT pg_sleep(0)');
    await run('SELECT count(*) FROM pg_locks');
    await run('SELECT count(*) FROM pg_stat_activity');
    await run('SELECT * FROM fixture.customers TABLESAMPLE SYSTEM (50)');
    await run('SHOW search_path');
    await run('EXPLAIN SELECT * FROM fixture.customers');
  });

  it('points an error at its position in the user statement', async () => {
    const sql = 'SELECT id FROM fixture.no_such_table';
    await assert.rejects(run(sql), (error: unknown) => {
      assert.ok(ConnectionError.is(error));
      assert.equal(error.details?.position, sql.indexOf('fixture.no_such_table') + 1);
      return true;
    });
  });
});
