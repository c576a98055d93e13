import * as assert from 'node:assert/strict';
import { guardPipeline, guardTarget } from '../../src/core/connectors/postgres/guard';
import { functionCalls } from '../../src/core/sql/functionCalls';
import { mysqlLexMode } from '../../src/core/connectors/mysql/dialect';
import { dialectOf, type DialectName } from '../support/dialects';
import { classifyStatement } from '../../src/core/sql/readOnly';

describe('read-only guard: functions with effects outside the transaction, however spelled', () => {
  const refused: [DialectName, string][] = [
    ['postgres', 'SELECT pg_terminate_backend(123)'],
    ['postgres', 'select "pg_terminate_backend"(123)'],
    ['postgres', 'select pg_catalog.pg_terminate_backend(123)'],
    ['postgres', 'select "pg_catalog"."pg_cancel_backend" /* gap */ (123)'],
    ['postgres', 'select U&"\\0070g_terminate_backend"(1)'],
    ['postgres', 'with x as (select pg_terminate_backend(pid) from pg_stat_activity) select * from x'],
    ['postgres', 'values (pg_reload_conf())'],
    ['postgres', 'select * from (values (1, pg_stat_reset())) v'],
    ['postgres', "select * from pg_create_physical_replication_slot('s')"],
    ['postgres', "select pg_create_logical_replication_slot('s', 'test_decoding')"],
    ['postgres', 'explain analyze select pg_advisory_lock(1)'],
    ['postgres', 'explain (analyze, buffers) select pg_try_advisory_lock(1)'],
    ['postgres', "select lo_import('/etc/passwd')"],
    ['postgres', "select lo_export(16400, '/tmp/x')"],
    ['postgres', "select pg_read_file('/etc/passwd')"],
    ['postgres', "select * from dblink('dbname=x', 'delete from t') as t(a int)"],
    ['postgres', "select public.dblink_exec('dbname=x', 'copy t to program ''id''')"],
    ['postgres', "select query_to_xml('select pg_terminate_backend(1)', true, true, '')"],
    ['postgres', "select set_config('search_path', 'x', false)"],
    ['postgres', "select pg_notify('c', 'm')"],
    ['postgres', "select setval('s', 1)"],
    ['postgres', 'table t where pg_switch_wal() is not null'],
    ['mysql', "select get_lock('x', 0)"],
    ['mysql', "select GET_LOCK('x', 0)"],
    ['mysql', "select `get_lock`('x', 0)"],
    ['mysql', 'select release_all_locks()'],
    ['mysql', "select load_file('/etc/passwd')"],
    ['mysql', "select 1 /*!50000 into outfile '/tmp/x' */"],
    ['mysql', "select 1 /*M! into outfile '/tmp/x' */"],
    ['mysql', "select 1 /*M!100100 into dumpfile '/tmp/x' */"],
    ['mysql', "select * from t into outfile '/tmp/x'"],
    ['mysql', "(select 1) into outfile '/tmp/x'"],
    ['mysql', 'select 1 into @v'],
    ['mysql', 'table t into outfile "/tmp/x"'],
    ['mysql', 'select next value for s'],
    ['mysql', 'select nextval(s)'],
    ['sqlite', "select load_extension('x')"],
    ['sqlite', "select writefile('/tmp/x', 'y')"],
    ['sqlite', 'pragma journal_mode(wal)'],
    ['sqlite', 'pragma main.user_version = 3'],
    // State that would outlive the run on a pooled session.
    ['postgres', 'prepare p as select 1'],
    ['postgres', 'listen channel'],
    ['postgres', 'declare c cursor with hold for select 1'],
    ['mysql', "prepare s from 'select 1'"],
    ['mysql', 'set @x = 1'],
    ['mysql', 'lock tables t read'],
    // Calls split from their parenthesis by an executable comment.
    ['mysql', "select load_file/*!*/('/etc/passwd')"],
    ['mysql', "select get_lock/*M!*/ ('x', 0)"],
    // Relations read by name, SQL text run by a function.
    ['postgres', "select table_to_xml('v_kill', true, false, '')"],
    ['postgres', "select schema_to_xml('public', true, false, '')"],
    ['postgres', "select database_to_xml(true, false, '')"],
    ['postgres', "select * from ts_stat('select v from t')"],
    // Warehouses: calls out, and several statements in one text.
    ['databricks', "select http_request(conn => 'c', method => 'POST', path => '/x')"],
    ['databricks', "select ai_query('endpoint', 'prompt')"],
    ['databricks', 'SELECT 1; DROP TABLE t'],
    ['databricks', 'from t select *; delete from t'],
    ['snowflake', 'select 1; delete from t'],
    ['snowflake', 'select 1; call p()'],
    ['snowflake', 'select system$abort_session(1)'],
    ['snowflake', 'select system$cancel_all_queries(1)'],
    ['postgres', 'select 1; insert into t values (1)'],
  ];
  for (const [dialect, sql] of refused) {
    it(`refuses ${dialect}: ${sql}`, () => {
      const verdict = classifyStatement(sql, dialectOf(dialect));
      assert.equal(verdict.readOnly, false, `let through: ${sql}`);
      assert.ok(verdict.reason && verdict.reason.length > 10);
    });
  }

  const reads: [DialectName, string][] = [
    ['postgres', "select replace(name, 'a', 'b') from t"],
    ['postgres', "with x as (select replace(name, 'a', 'b') r from t) select * from x"],
    ['postgres', 'explain select insert(?), truncate(1.5)'],
    ['postgres', "select trunc(1.5), overlay(name placing 'x' from 1) from t"],
    ['postgres', "select 'pg_terminate_backend(1)' as text_only"],
    ['postgres', 'select "pg_terminate_backend" from t -- a column named so'],
    ['postgres', 'select pg_sleep(1)'],
    ['postgres', 'select * from t tablesample system (10)'],
    ['postgres', 'select 1 -- pg_terminate_backend(1)'],
    ['mysql', "select insert(name, 1, 2, 'x'), replace(name, 'a', 'b') from t"],
    ['mysql', 'select truncate(1.555, 2)'],
    ['mysql', "help 'contents'"],
    ['mysql', 'select 1 --1'],
    ['mysql', 'select 1 /* into outfile */'],
    ['mysql', "select is_free_lock('x'), sleep(0)"],
    ['sqlite', 'pragma table_info(customers)'],
    ['sqlite', "select replace(a, 'x', 'y') from t"],
    ['postgres', 'select lo_get(16400), loread(lo_open(16400, 262144), 10)'],
    ['postgres', 'select 1;'],
    ['postgres', 'select 1; ;'],
    ['databricks', 'FROM t SELECT *'],
    ['databricks', "select ';' as semicolon"],
    ['snowflake', "select system$clustering_information('t')"],
    ['snowflake', 'LS @my_stage'],
    ['snowflake', 'list @my_stage'],
  ];
  for (const [dialect, sql] of reads) {
    it(`lets through ${dialect}: ${sql}`, () => {
      const verdict = classifyStatement(sql, dialectOf(dialect));
      assert.equal(verdict.readOnly, true, verdict.reason);
    });
  }

  it('lexes MySQL executable comments as code and `--` without a space as an operator', () => {
    const names = functionCalls('select 1 /*M!100000 , get_lock(1,2) */ --1\n', dialectOf('mysql')).map((c) => c.name);
    assert.deepEqual(names, ['get_lock']);
    assert.equal(classifyStatement('select 2--1', dialectOf('mysql')).readOnly, true);
  });

  it('refuses several statements in one text for that reason, not another', () => {
    const verdict = classifyStatement('select 1; insert into t select 1', dialectOf('postgres'));
    assert.match(verdict.reason ?? '', /more than one statement/);
  });

  it("lexes MySQL under the session's sql_mode: ANSI_QUOTES quotes names, NO_BACKSLASH_ESCAPES keeps backslashes", () => {
    const ansi = `select 1 as "a\\" into outfile '/tmp/x' -- "`;
    assert.equal(classifyStatement(ansi, dialectOf('mysql')).readOnly, true, 'the default mode reads one string');
    assert.equal(classifyStatement(ansi, dialectOf('mysql'), mysqlLexMode('ANSI_QUOTES')).readOnly, false);
    assert.equal(classifyStatement(ansi, dialectOf('mysql'), mysqlLexMode('REAL_AS_FLOAT,ANSI')).readOnly, false);
    const plain = `select 'a\\' into outfile '/tmp/x' -- '`;
    assert.equal(classifyStatement(plain, dialectOf('mysql')).readOnly, true);
    assert.equal(
      classifyStatement(plain, dialectOf('mysql'), mysqlLexMode('STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES')).readOnly,
      false,
    );
  });

  it('names a qualified, quoted call as the server resolves it', () => {
    const [call] = functionCalls('select "Odd Schema"."MyFn" (1)', dialectOf('postgres'));
    assert.deepEqual(call, { name: 'MyFn', schema: 'Odd Schema', text: '"Odd Schema"."MyFn"' });
    assert.equal(functionCalls('select MyFn(1)', dialectOf('postgres'))[0].name, 'myfn');
  });
});

describe('PostgreSQL guard: which text reaches what', () => {
  it('walks the statement, the one an EXPLAIN plans (with or without ANALYZE: planning folds IMMUTABLE calls), nothing for SHOW', () => {
    assert.equal(guardTarget('SELECT 1'), 'SELECT 1');
    assert.equal(guardTarget('EXPLAIN (ANALYZE, BUFFERS) SELECT f()'), 'SELECT f()');
    assert.equal(guardTarget('explain analyze verbose select 2'), 'select 2');
    assert.equal(guardTarget('EXPLAIN SELECT f()'), 'SELECT f()');
    assert.equal(guardTarget('SHOW search_path'), undefined);
  });

  it('puts the transaction, the verdict and the gate in front of the statement, after the classifier', () => {
    const pipeline = guardPipeline('SELECT f(1)', ['BEGIN TRANSACTION READ ONLY']);
    assert.equal(pipeline.length, 3);
    assert.equal(pipeline[0], 'BEGIN TRANSACTION READ ONLY');
    assert.match(typeof pipeline[1] === 'string' ? '' : pipeline[1].text, /set_config\('planasonix\.guard'/);
    assert.throws(() => guardPipeline('DELETE FROM t', []), /Refused/);
  });
});
