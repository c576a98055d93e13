import { previewWhole, queryWhole } from '../support/whole';
import * as assert from 'node:assert/strict';
import pg from 'pg';
import { openSession } from '../../src/core/connectors/postgres/driver';
import type { ConnectorSession } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';

import { guardRunner } from '../support/guardAssertions';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import { silentLogger } from '../support/doubles';

/**
 * Functions in disguise against the real server: labels that lie (STABLE, IMMUTABLE), calls behind
 * operators, aggregates, casts and domain checks, functions that run SQL text or read a relation by
 * name, and views built on them, in a test query and in a tree preview. Every attempt is made for
 * real; a second session checks that nothing happened (a victim session still alive, no advisory
 * lock held, rows still there).
 */
describe('PostgreSQL read-only guard against functions in disguise', function () {
  this.timeout(60_000);
  let session: ConnectorSession;
  let admin: pg.Client;
  let victim: pg.Client;
  let victimPid = 0;

  const { run, refused } = guardRunner(() => session);
  const scalar = async (sql: string): Promise<string> =>
    String((await admin.query({ text: sql, rowMode: 'array' })).rows[0]?.[0]);
  const locksHeld = (): Promise<string> =>
    scalar(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid BETWEEN 5000 AND 5099`);
  const victimAlive = async (): Promise<void> => {
    assert.equal((await victim.query('SELECT 1 AS one')).rows[0].one, 1, 'the victim session was ended');
  };

  before(async () => {
    await ensurePostgresFixture();
    admin = new pg.Client({ ...pgServer, database: fixtureDatabase });
    await admin.connect();
    victim = new pg.Client({ ...pgServer, database: fixtureDatabase });
    await victim.connect();
    victim.on('error', () => undefined);
    victimPid = Number((await victim.query('SELECT pg_backend_pid() AS p')).rows[0].p);
    await admin.query(`
      DROP SCHEMA IF EXISTS disguise_fx CASCADE;
      CREATE SCHEMA disguise_fx;
      CREATE EXTENSION IF NOT EXISTS dblink SCHEMA disguise_fx;
      CREATE TABLE disguise_fx.keep (id int);
      INSERT INTO disguise_fx.keep VALUES (1), (2), (3);

      -- Labels that lie: each calls what the guard refuses, or writes.
      CREATE FUNCTION disguise_fx.stable_kill(pid int) RETURNS boolean STABLE LANGUAGE plpgsql
        AS $$ BEGIN RETURN pg_terminate_backend(pid); END $$;
      CREATE FUNCTION disguise_fx.immutable_kill(pid int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql
        AS $$ BEGIN RETURN pg_terminate_backend(pid); END $$;
      CREATE FUNCTION disguise_fx.sql_kill(pid int) RETURNS boolean IMMUTABLE LANGUAGE sql
        AS 'SELECT pg_catalog.pg_terminate_backend(pid)';
      CREATE FUNCTION disguise_fx.atomic_kill(pid int) RETURNS boolean STABLE LANGUAGE sql
        BEGIN ATOMIC SELECT pg_terminate_backend(pid); END;
      CREATE FUNCTION disguise_fx.outer_kill(pid int) RETURNS boolean IMMUTABLE LANGUAGE sql
        AS $$ SELECT disguise_fx.stable_kill(pid) $$;
      CREATE FUNCTION disguise_fx.dynamic_kill(pid int) RETURNS boolean STABLE LANGUAGE plpgsql
        AS $$ DECLARE r boolean; BEGIN EXECUTE 'SELECT pg_terminate_' || 'backend(' || pid || ')' INTO r; RETURN r; END $$;
      CREATE FUNCTION disguise_fx.dblink_delete() RETURNS int STABLE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM disguise_fx.dblink_exec('dbname=${fixtureDatabase}', 'DELETE FROM disguise_fx.keep'); RETURN 1; END $$;

      -- Calls that do not look like calls.
      CREATE FUNCTION disguise_fx.lock_pair(a int, b int) RETURNS boolean VOLATILE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_advisory_lock(5001); RETURN true; END $$;
      CREATE FUNCTION disguise_fx.lying_pair(a int, b int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_advisory_lock(5002); RETURN true; END $$;
      CREATE OPERATOR disguise_fx.### (LEFTARG = int, RIGHTARG = int, FUNCTION = disguise_fx.lock_pair);
      CREATE OPERATOR disguise_fx.#@# (LEFTARG = int, RIGHTARG = int, FUNCTION = disguise_fx.lying_pair);
      CREATE FUNCTION disguise_fx.agg_step(state int, v int) RETURNS int VOLATILE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_advisory_lock(5003); RETURN coalesce(state, 0) + v; END $$;
      CREATE AGGREGATE disguise_fx.my_agg(int) (SFUNC = disguise_fx.agg_step, STYPE = int);
      CREATE TYPE disguise_fx.kill_type AS (a int);
      CREATE FUNCTION disguise_fx.to_kill_type(v int) RETURNS disguise_fx.kill_type IMMUTABLE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_advisory_lock(5004); RETURN ROW(v); END $$;
      CREATE CAST (int AS disguise_fx.kill_type) WITH FUNCTION disguise_fx.to_kill_type(int);
      CREATE FUNCTION disguise_fx.dom_check(v int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_advisory_lock(5005); RETURN true; END $$;
      CREATE DOMAIN disguise_fx.kill_dom AS int CHECK (disguise_fx.dom_check(VALUE));

      -- Views built on them, reached from a tree preview with no SQL typed.
      CREATE VIEW disguise_fx.v_operator AS SELECT 1 OPERATOR(disguise_fx.#@#) 2 AS x;
      CREATE VIEW disguise_fx.v_kill AS SELECT disguise_fx.immutable_kill(${victimPid}) AS x;
      CREATE VIEW disguise_fx.v_xml AS SELECT table_to_xml('disguise_fx.v_kill'::regclass, true, false, '') AS x;
      CREATE VIEW disguise_fx.v_agg AS SELECT disguise_fx.my_agg(id) AS x FROM disguise_fx.keep;

      -- What reads stays allowed: honest STABLE and IMMUTABLE functions in SQL and PL/pgSQL.
      CREATE FUNCTION disguise_fx.keep_count() RETURNS bigint STABLE LANGUAGE sql AS 'SELECT count(*) FROM disguise_fx.keep';
      CREATE FUNCTION disguise_fx.twice(v int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RETURN v * 2; END $$;
      CREATE FUNCTION disguise_fx.plus(a int, b int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT a + b';
      CREATE OPERATOR disguise_fx.@+@ (LEFTARG = int, RIGHTARG = int, FUNCTION = disguise_fx.plus);
      CREATE VIEW disguise_fx.v_honest AS SELECT disguise_fx.twice(id) AS d, disguise_fx.keep_count() AS n FROM disguise_fx.keep;`);
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
  });

  after(async () => {
    await session?.close();
    await victim?.end().catch(() => undefined);
    await admin?.query('DROP SCHEMA IF EXISTS disguise_fx CASCADE').catch(() => undefined);
    await admin?.end();
  });

  afterEach(async () => {
    await victimAlive();
    assert.equal(await locksHeld(), '0', 'an advisory lock was taken');
    assert.equal(await scalar('SELECT count(*) FROM disguise_fx.keep'), '3', 'rows were deleted');
  });

  describe('functions whose label lies', () => {
    const cases: [string, RegExp][] = [
      ['SELECT disguise_fx.stable_kill($pid)', /stable_kill|pg_terminate_backend/],
      ['SELECT disguise_fx.immutable_kill($pid)', /pg_terminate_backend/],
      ['SELECT disguise_fx.sql_kill($pid)', /pg_terminate_backend/],
      ['SELECT disguise_fx.atomic_kill($pid)', /pg_terminate_backend/],
      ['SELECT disguise_fx.outer_kill($pid)', /pg_terminate_backend\(\), a VOLATILE.*outer_kill.*stable_kill/],
      ['SELECT disguise_fx.dynamic_kill($pid)', /dynamic_kill\(\), whose body contains EXECUTE/],
      ['SELECT disguise_fx.dblink_delete()', /dblink_exec|dblink_delete/],
      ['SELECT * FROM disguise_fx.v_kill', /pg_terminate_backend\(\).*through view disguise_fx\.v_kill/],
      // Planning alone folds an IMMUTABLE call on a constant: a plain EXPLAIN would run it.
      ['EXPLAIN SELECT disguise_fx.immutable_kill($pid)', /pg_terminate_backend/],
      ['EXPLAIN (VERBOSE) SELECT * FROM disguise_fx.v_kill', /pg_terminate_backend/],
    ];
    for (const [sql, reason] of cases) {
      it(`refuses ${sql} before anything is planned, naming the call`, async () => {
        await refused(sql.replace('$pid', String(victimPid)), reason);
      });
    }
  });

  describe('calls that do not look like calls', () => {
    const cases: [string, RegExp][] = [
      ['SELECT 1 OPERATOR(disguise_fx.###) 2', /lock_pair\(\).*operator disguise_fx\.###/],
      ['SET_PATH SELECT 1 ### 2', /lock_pair/],
      ['SELECT 1 OPERATOR(disguise_fx.#@#) 2', /pg_advisory_lock\(\).*lying_pair/],
      ['SELECT disguise_fx.my_agg(id) FROM disguise_fx.keep', /agg_step\(\)/],
      ['SELECT 1::disguise_fx.kill_type', /pg_advisory_lock\(\).*to_kill_type/],
      ['SELECT CAST(1 AS disguise_fx.kill_type)', /to_kill_type/],
      ['SELECT 1::disguise_fx.kill_dom', /pg_advisory_lock\(\).*dom_check/],
      [`SELECT table_to_xml('disguise_fx.v_kill'::regclass, true, false, '')`, /table_to_xml\(\)/],
      [`SELECT schema_to_xml('disguise_fx', true, false, '')`, /schema_to_xml/],
      [`SELECT database_to_xml(true, false, '')`, /database_to_xml/],
      [`SELECT query_to_xml('SELECT disguise_fx.immutable_kill(1)', true, false, '')`, /query_to_xml/],
      [`SELECT * FROM ts_stat('SELECT to_tsvector(x::text) FROM disguise_fx.v_kill')`, /ts_stat/],
      ['SELECT * FROM disguise_fx.v_xml', /through view disguise_fx\.v_xml/],
    ];
    for (const [sql, reason] of cases) {
      it(`refuses ${sql}`, async () => {
        if (sql.startsWith('SET_PATH ')) {
          // The unqualified operator resolves through the search path, as the server resolves it.
          await assert.rejects(
            queryWhole(session.sql!, { sql: sql.slice(9), limit: 10, timeoutMs: 10_000, schema: 'disguise_fx' }),
            (e: unknown) => ConnectionError.is(e) && e.code === 'read_only' && reason.test(e.message),
          );
        } else await refused(sql, reason);
      });
    }
  });

  describe('tree previews go through the same guard', () => {
    for (const view of ['v_operator', 'v_kill', 'v_xml', 'v_agg']) {
      it(`refuses a preview of ${view}`, async () => {
        await assert.rejects(
          previewWhole(session.sql!, { schema: 'disguise_fx', table: view, limit: 10 }),
          (e: unknown) => {
            assert.ok(ConnectionError.is(e), String(e));
            assert.equal(e.code, 'read_only');
            return true;
          },
        );
      });
    }
  });

  it('runs what only reads: honest functions, operators and views, and large objects read back', async () => {
    assert.deepEqual(
      await run('SELECT disguise_fx.keep_count(), disguise_fx.twice(4), 1 OPERATOR(disguise_fx.@+@) 2'),
      [['3', '8', '3']],
    );
    const preview = await previewWhole(session.sql!, { schema: 'disguise_fx', table: 'v_honest', limit: 10 });
    assert.equal(preview.rows.length, 3);
    const lo = await scalar(`SELECT lo_from_bytea(0, 'planasonix')`);
    try {
      assert.deepEqual(
        await run(`SELECT encode(lo_get(${lo}), 'escape'), encode(loread(lo_open(${lo}, 262144), 4), 'escape')`),
        [['planasonix', 'plan']],
      );
    } finally {
      await admin.query(`SELECT lo_unlink(${lo})`);
    }
  });
});
