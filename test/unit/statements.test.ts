import * as assert from 'node:assert/strict';
import { dialectOf, type DialectName } from '../support/dialects';
import { classifyStatement } from '../../src/core/sql/readOnly';
import { splitStatements, statementAt } from '../../src/core/sql/statements';

const cursor = '▮';

/** [dialect, text with the cursor marked, the statement that runs (undefined: none)] */
const corpus: [DialectName, string, string | undefined][] = [
  // PostgreSQL
  ['postgres', 'select 1;\nselect ▮2;\nselect 3;', 'select 2'],
  ['postgres', "select 'a;b' as x▮; select 2", "select 'a;b' as x"],
  ['postgres', "select 'it''s; fine'▮; select 2", "select 'it''s; fine'"],
  ['postgres', "select E'it\\'s; fine'▮; select 2", "select E'it\\'s; fine'"],
  ['postgres', "select E'a\\\\'; select ▮2", 'select 2'],
  ['postgres', 'select ▮$$ a; b $$; select 2', 'select $$ a; b $$'],
  ['postgres', 'select $fn$ has $$; inside $fn$▮; select 2', 'select $fn$ has $$; inside $fn$'],
  ['postgres', 'select 1;\n-- a comment; with a semicolon\nselect ▮2;', '-- a comment; with a semicolon\nselect 2'],
  ['postgres', 'select 1 /* a; b */ + 1▮; select 2', 'select 1 /* a; b */ + 1'],
  ['postgres', 'select 1 /* a /* nested; */ still; */ + 1▮; select 2', 'select 1 /* a /* nested; */ still; */ + 1'],
  ['postgres', 'select "odd;name" from t▮; select 2', 'select "odd;name" from t'],
  ['postgres', 'select "a ""quoted;"" b"▮; select 2', 'select "a ""quoted;"" b"'],
  ['postgres', '▮select 1; select 2', 'select 1'],
  ['postgres', 'select 1;\nselect 2▮', 'select 2'],
  ['postgres', 'select 1;▮\nselect 2;', 'select 1'],
  ['postgres', 'select 1;   ▮\nselect 2;', 'select 1'],
  ['postgres', 'select 1;\n▮\nselect 2;', 'select 2'],
  ['postgres', 'select 1;\n-- about the next▮ one\nselect 2;', '-- about the next one\nselect 2'],
  ['postgres', 'select 1;;;\n;select ▮2;', 'select 2'],
  ['postgres', 'select 1;\nselect 2;\n-- the end▮', 'select 2'],
  ['postgres', 'select a,\n       ▮b\nfrom t\nwhere c = 1;', 'select a,\n       b\nfrom t\nwhere c = 1'],
  ['postgres', "select 1::text || ';'▮; select 2", "select 1::text || ';'"],
  ['postgres', "select '-- not a comment;'▮; select 2", "select '-- not a comment;'"],
  ['postgres', "select '/* not a comment;'▮; select 2", "select '/* not a comment;'"],
  [
    'postgres',
    "create function f() returns int as $body$\nbegin\n  raise notice 'x; y';\n  return 1;\nend;\n$body$ language plpgsql;\nselect ▮f();",
    'select f()',
  ],
  ['postgres', 'select "名前", ▮"ünï" from "表"; select 2', 'select "名前", "ünï" from "表"'],
  ['postgres', 'select 1;\r\nselect ▮2;\r\nselect 3;', 'select 2'],
  ['postgres', 'do $$ begin perform 1; end $$;\nselect ▮2;', 'select 2'],
  ['postgres', 'select $1 + ▮1; select 2', 'select $1 + 1'],
  ['postgres', 'select 1 as a$b▮; select 2', 'select 1 as a$b'],
  ['postgres', '-- header\n-- more\nselect ▮1;', '-- header\n-- more\nselect 1'],
  ['postgres', 'select 1 -- trailing; comment\n + 1▮; select 2', 'select 1 -- trailing; comment\n + 1'],
  ['postgres', '   ▮   ', undefined],
  ['postgres', '▮', undefined],
  ['postgres', 'select 1;\n\n\n▮', 'select 1'],
  ['postgres', '▮\n\nselect 1;', 'select 1'],
  ['postgres', 'SELECT 1; SeLeCt ▮2; select 3', 'SeLeCt 2'],
  // MySQL / MariaDB
  ['mysql', 'select `odd;name` from t▮; select 2', 'select `odd;name` from t'],
  [
    'mysql',
    'select 1;\n# a hash comment; with a semicolon\nselect ▮2;',
    '# a hash comment; with a semicolon\nselect 2',
  ],
  ['mysql', 'select 1 # trailing; comment\n + 1▮; select 2', 'select 1 # trailing; comment\n + 1'],
  ['mysql', 'select 1;\n-- a comment; here\nselect ▮2;', '-- a comment; here\nselect 2'],
  ['mysql', "select 'it\\'s; fine'▮; select 2", "select 'it\\'s; fine'"],
  ['mysql', "select 'a\\\\'; select ▮2", 'select 2'],
  ['mysql', 'select "a;b"▮; select 2', 'select "a;b"'],
  ['mysql', "select '#not a comment;'▮; select 2", "select '#not a comment;'"],
  ['mysql', '/*!40101 SET @x = 1 */;\nselect ▮@x;', 'select @x'],
  ['mysql', 'select 1; select ▮2; select 3', 'select 2'],
  ['mysql', 'select 1;\nselect 2;\n# the end▮', 'select 2'],
  [
    'mysql',
    'DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND //\nDELIMITER ;\nselect ▮3;',
    'select 3',
  ],
  // SQLite
  ['sqlite', 'select [odd;name] from t▮; select 2', 'select [odd;name] from t'],
  ['sqlite', 'select `odd;name` from t▮; select 2', 'select `odd;name` from t'],
  ['sqlite', "select 'a''b;'▮; select 2", "select 'a''b;'"],
  ['sqlite', 'select "odd;name" from t▮; select 2', 'select "odd;name" from t'],
  ['sqlite', 'select 1;\n/* block; comment */\nselect ▮2;', '/* block; comment */\nselect 2'],
  // Snowflake
  ['snowflake', 'select ▮$$ a; b $$; select 2', 'select $$ a; b $$'],
  ['snowflake', "select 'it\\'s; fine'▮; select 2", "select 'it\\'s; fine'"],
  ['snowflake', 'select "Odd;Name" from t▮; select 2', 'select "Odd;Name" from t'],
  ['snowflake', 'select $1 from @stage▮; select 2', 'select $1 from @stage'],
  // Databricks SQL
  ['databricks', 'select `odd;name` from t▮; select 2', 'select `odd;name` from t'],
  ['databricks', "select 'it\\'s; fine'▮; select 2", "select 'it\\'s; fine'"],
  ['databricks', 'select "a;b"▮; select 2', 'select "a;b"'],
  ['databricks', 'select 1;\n-- end; here\nselect ▮2', '-- end; here\nselect 2'],
  ['databricks', 'select * from main.`my schema`.t▮; select 2', 'select * from main.`my schema`.t'],
  // A terminator on its own line, or after a trailing comment, belongs to the statement before it.
  ['postgres', 'select 1\n;▮\nselect 2;', 'select 1'],
  ['postgres', 'select 1\n▮;\nselect 2;', 'select 1'],
  ['postgres', 'select 1 -- why\n;▮ \nselect 2;', 'select 1'],
  ['postgres', 'select 1; -- about one▮\nselect 2;', 'select 1'],
  // The Run lens of the second statement in a;b passes b's start: b runs.
  ['postgres', 'select 1;▮select 2', 'select 2'],
  // Leading comments run with the statement: optimizer hints live there.
  ['postgres', 'select 1;\n/*+ SeqScan(t) */ select ▮* from t;', '/*+ SeqScan(t) */ select * from t'],
  [
    'mysql',
    'select 1;\nselect /*+ MAX_EXECUTION_TIME(1000) */ ▮* from t;',
    'select /*+ MAX_EXECUTION_TIME(1000) */ * from t',
  ],
  // PostgreSQL BEGIN ATOMIC bodies (with CASE inside) are one statement.
  [
    'postgres',
    'create function f(x int) returns int language sql\nbegin atomic\n  select case when x > 0 then 1 else 0 end;\n  select 2;\nend;\nselect ▮3;',
    'select 3',
  ],
  [
    'postgres',
    'create procedure p() language sql\nbegin atomic\n  insert into t values (1);▮\n  insert into t values (2);\nend;\nselect 3;',
    'create procedure p() language sql\nbegin atomic\n  insert into t values (1);\n  insert into t values (2);\nend',
  ],
  // SQLite: transactions and names containing begin/end do not make blocks; triggers with CASE do.
  [
    'sqlite',
    'BEGIN;\ninsert into t values (1);\nselect ▮begin_date, end_date from t;\nCOMMIT;',
    'select begin_date, end_date from t',
  ],
  ['sqlite', 'begin transaction;\nselect "end" from t;\nselect ▮2;\nend;', 'select 2'],
  [
    'sqlite',
    'create trigger tr after insert on t begin\n  update t set a = case when new.a > 0 then 1 else 0 end;▮\n  delete from u;\nend;\nselect 2;',
    'create trigger tr after insert on t begin\n  update t set a = case when new.a > 0 then 1 else 0 end;\n  delete from u;\nend',
  ],
  [
    'sqlite',
    "create trigger tr after insert on t begin\n  select case new.a when 1 then 'x' end;\nend;\nselect ▮2;",
    'select 2',
  ],
  // MySQL: -- is a comment only before white space; routines and BEGIN NOT ATOMIC kept whole without DELIMITER.
  ['mysql', 'select 1--1▮;\nselect 2;', 'select 1--1'],
  ['mysql', 'select 1 --1; select ▮2', 'select 2'],
  [
    'mysql',
    'CREATE PROCEDURE p()\nBEGIN\n  DECLARE x INT DEFAULT 0;\n  IF x = 0 THEN\n    SELECT 1;▮\n  END IF;\n  CASE x WHEN 0 THEN SELECT 2; ELSE SELECT 3; END CASE;\nEND;\nselect 4;',
    'CREATE PROCEDURE p()\nBEGIN\n  DECLARE x INT DEFAULT 0;\n  IF x = 0 THEN\n    SELECT 1;\n  END IF;\n  CASE x WHEN 0 THEN SELECT 2; ELSE SELECT 3; END CASE;\nEND',
  ],
  ['mysql', 'BEGIN NOT ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nselect ▮3;', 'select 3'],
  ['mysql', 'BEGIN;\nselect ▮1;\nCOMMIT;', 'select 1'],
  [
    'mysql',
    'DELIMITER $$\nCREATE FUNCTION f() RETURNS INT\nBEGIN\n  RETURN 1;\nEND$$\nSELECT ▮f()$$\nDELIMITER ;\nselect 2;',
    'SELECT f()',
  ],
  // Snowflake: // comments, scripting blocks (with DECLARE) kept whole, BEGIN; is a transaction.
  ['snowflake', 'select 1; // a comment; here\nselect ▮2;', 'select 2'],
  [
    'snowflake',
    'DECLARE\n  n INTEGER DEFAULT 0;\nBEGIN\n  FOR i IN 1 TO 3 DO\n    n := n + i;▮\n  END FOR;\n  RETURN n;\nEND;\nselect 2;',
    'DECLARE\n  n INTEGER DEFAULT 0;\nBEGIN\n  FOR i IN 1 TO 3 DO\n    n := n + i;\n  END FOR;\n  RETURN n;\nEND',
  ],
  ['snowflake', 'BEGIN\n  IF (1 = 1) THEN\n    RETURN 1;\n  END IF;\nEND;\nselect ▮2;', 'select 2'],
  ['snowflake', 'BEGIN;\nselect ▮1;\nCOMMIT;', 'select 1'],
  // Databricks: nested block comments and raw strings.
  [
    'databricks',
    'select 1 /* outer /* inner; */ still; */ + 1▮; select 2',
    'select 1 /* outer /* inner; */ still; */ + 1',
  ],
  ['databricks', "select r'\\d+;\\'▮; select 2", "select r'\\d+;\\'"],
];

describe('statement under the cursor (dialect-aware)', () => {
  it(`covers a corpus of at least 60 cases`, () => assert.ok(corpus.length >= 60, String(corpus.length)));

  for (const [dialect, marked, expected] of corpus) {
    it(`${dialect}: ${JSON.stringify(marked).slice(1, 70)}`, () => {
      const offset = marked.indexOf(cursor);
      const sql = marked.replace(cursor, '');
      const found = statementAt(sql, offset, dialectOf(dialect));
      assert.equal(found?.text, expected);
      if (found) assert.equal(sql.slice(found.start, found.end), found.text, 'offsets point at the text');
    });
  }

  it('splits a file into its statements, dropping empty and comment-only parts', () => {
    const sql = '-- file header\nselect 1;\n;\n/* note */\nselect $$;$$;\nselect 3 -- tail\n';
    assert.deepEqual(
      splitStatements(sql, dialectOf('postgres')).map((s) => s.text),
      ['-- file header\nselect 1', '/* note */\nselect $$;$$', 'select 3'],
    );
  });
});

describe('read-only classifier (a courtesy before the server-side guarantee)', () => {
  const reads: [DialectName, string][] = [
    ['postgres', 'select * from t'],
    ['postgres', '  -- leading comment\n  SELECT 1'],
    ['postgres', '(select 1) union (select 2)'],
    ['postgres', 'with x as (select 1) select * from x'],
    ['postgres', 'values (1), (2)'],
    ['postgres', 'table customers'],
    ['postgres', 'explain select * from t'],
    ['postgres', "select 'delete from t'"],
    ['postgres', 'select 1 /* update t set x = 1 */'],
    ['postgres', 'select last_update, "update" from t'],
    ['mysql', 'show tables'],
    ['mysql', 'describe customers'],
    ['sqlite', 'pragma table_info(customers)'],
    ['databricks', 'select * from main.default.t'],
  ];
  for (const [dialect, sql] of reads) {
    it(`lets through ${dialect}: ${sql.replace(/\n/g, ' ')}`, () =>
      assert.equal(classifyStatement(sql, dialectOf(dialect)).readOnly, true));
  }

  const writes: [DialectName, string, RegExp][] = [
    ['postgres', 'insert into t values (1)', /INSERT can change data/],
    ['postgres', 'UPDATE t SET a = 1', /UPDATE can change data/],
    ['postgres', 'delete from t', /DELETE/],
    ['postgres', 'merge into t using s on true when matched then delete', /MERGE/],
    ['postgres', 'create table t (a int)', /CREATE/],
    ['postgres', 'drop table t', /DROP/],
    ['postgres', 'alter table t add b int', /ALTER/],
    ['postgres', 'truncate t', /TRUNCATE/],
    ['postgres', 'grant all on t to public', /GRANT/],
    ['postgres', 'set search_path = x', /SET/],
    ['postgres', 'begin', /BEGIN/],
    ['postgres', 'commit', /COMMIT/],
    ['postgres', 'call p()', /CALL/],
    ['postgres', 'do $$ begin delete from t; end $$', /DO/],
    ['postgres', 'copy t to stdout', /COPY/],
    ['postgres', 'vacuum t', /VACUUM/],
    ['postgres', 'refresh materialized view v', /REFRESH/],
    ['postgres', 'with gone as (delete from t returning *) select * from gone', /contains DELETE/],
    ['postgres', 'explain analyze delete from t', /contains DELETE/],
    ['postgres', 'select * into new_table from t', /INTO writes/],
    ['postgres', 'select * from t for update', /locks rows/],
    ['postgres', 'select * from t for no key update', /locks rows/],
    ['postgres', "select nextval('s')", /acts outside the transaction/],
    ['mysql', 'select * from t lock in share mode', /locks rows/],
    ['mysql', "select * from t into outfile '/tmp/x'", /INTO writes/],
    ['mysql', 'replace into t values (1)', /REPLACE/],
    ['mysql', '/*!50000 DELETE FROM t */', /DELETE/],
    ['mysql', 'use other_db', /USE/],
    ['sqlite', 'pragma journal_mode = wal', /PRAGMA changes a setting/],
    ['sqlite', "attach database 'x.db' as x", /ATTACH/],
    ['snowflake', 'put file:///tmp/x @stage', /PUT/],
    ['databricks', 'optimize t', /OPTIMIZE/],
    ['postgres', '  ', /no SQL statement/],
  ];
  for (const [dialect, sql, reason] of writes) {
    it(`refuses ${dialect}: ${sql}`, () => {
      const result = classifyStatement(sql, dialectOf(dialect));
      assert.equal(result.readOnly, false);
      assert.match(result.reason ?? '', reason);
    });
  }
});

describe('lexer: backslash escapes found once, not searched for again from every string', () => {
  it('splits the same with escapes near the start, near the end and nowhere', () => {
    const plain = Array.from({ length: 500 }, (_, i) => `select 'v${i}; x'`).join(';\n');
    for (const sql of [`select 'a\\'; b';\n${plain}`, `${plain};\nselect 'a\\'; b'`, plain]) {
      const parts = splitStatements(sql, dialectOf('mysql'));
      assert.equal(parts.length, sql === plain ? 500 : 501, sql.slice(0, 40));
      assert.ok(parts.every((p) => /^select '/.test(p.text)));
    }
  });
});
