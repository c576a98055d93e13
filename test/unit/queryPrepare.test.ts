import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { maxEntriesPerConnection, QueryHistory } from '../../src/core/query/history';
import { prepareStatement } from '../../src/core/query/prepare';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { silentLogger } from '../support/doubles';
import { dialectOf } from '../support/dialects';
import { standardDialect } from '../../src/core/sql/dialect';

describe('what Run Selection runs', () => {
  const text = 'SELECT 1 AS first;\nSELECT 2 AS second; -- the middle one\nSELECT 3 AS third;';

  it('runs the statement under the cursor when nothing is selected', () => {
    const cursor = text.indexOf('2 AS');
    const p = prepareStatement(text, { start: cursor, end: cursor }, dialectOf('postgres'));
    assert.deepEqual(p, {
      ok: true,
      sql: 'SELECT 2 AS second',
      start: text.indexOf('SELECT 2'),
      end: text.indexOf('; -- the'),
    });
  });

  it('runs exactly the selection when it is one statement', () => {
    const start = text.indexOf('SELECT 3');
    const p = prepareStatement(text, { start, end: text.length }, dialectOf('postgres'));
    assert.equal(p.ok && p.sql, 'SELECT 3 AS third');
  });

  it('refuses a selection of several statements', () => {
    const p = prepareStatement(text, { start: 0, end: text.length }, dialectOf('postgres'));
    assert.equal(p.ok, false);
    assert.match(!p.ok ? p.reason : '', /3 statements/);
  });

  it('refuses writes before they reach a server, naming the statement kind', () => {
    const sql = "SELECT 1;\nDELETE FROM orders WHERE note = 'a;b';\nSELECT 2;";
    const cursor = sql.indexOf('DELETE') + 3;
    const p = prepareStatement(sql, { start: cursor, end: cursor }, dialectOf('postgres'));
    assert.equal(p.ok, false);
    assert.match(!p.ok ? p.reason : '', /^Refused: DELETE/);
    assert.equal(!p.ok && p.sql, "DELETE FROM orders WHERE note = 'a;b'");
  });

  it('says so when there is nothing to run', () => {
    assert.equal(prepareStatement('   -- only a comment\n', { start: 3, end: 3 }, dialectOf('postgres')).ok, false);
    assert.equal(prepareStatement('-- c\n', { start: 0, end: 5 }, dialectOf('mysql')).ok, false);
  });

  it('picks the dialect from the connector spec, standard SQL for a type this version does not know', () => {
    const registry = new ConnectorRegistry();
    assert.deepEqual(
      ['postgres', 'mysql', 'sqlite', 'other'].map((t) => registry.dialect(t).name),
      ['PostgreSQL', 'MySQL', 'SQLite', standardDialect.name],
    );
    assert.equal(registry.dialect('other').folding, 'none');
  });
});

describe('query history', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'planasonix-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const entry = (connectionId: string, sql: string) => ({
    connectionId,
    connectionName: connectionId,
    sql,
    at: new Date().toISOString(),
    durationMs: 3,
    rows: 1,
    status: 'ok' as const,
  });

  it('keeps runs per connection, most recent first, across restarts', async () => {
    const file = path.join(dir, 'history.json');
    const h = new QueryHistory(file, silentLogger);
    await h.add(entry('a', 'select 1'));
    await h.add(entry('b', 'select 2'));
    await h.add(entry('a', 'select 3'));
    const again = new QueryHistory(file, silentLogger);
    assert.deepEqual(
      (await again.list('a')).map((e) => e.sql),
      ['select 3', 'select 1'],
    );
    assert.deepEqual(
      (await again.list()).map((e) => e.sql),
      ['select 3', 'select 2', 'select 1'],
    );
  });

  it('keeps at most the newest entries of a connection, and never touches the others', async () => {
    const h = new QueryHistory(path.join(dir, 'history.json'), silentLogger);
    await h.add(entry('other', 'keep me'));
    for (let i = 0; i < maxEntriesPerConnection + 5; i++) await h.add(entry('busy', `select ${i}`));
    const busy = await h.list('busy');
    assert.equal(busy.length, maxEntriesPerConnection);
    assert.equal(busy[0].sql, `select ${maxEntriesPerConnection + 4}`);
    assert.deepEqual(
      (await h.list('other')).map((e) => e.sql),
      ['keep me'],
    );
  });

  it('moves a damaged file aside and starts again instead of failing', async () => {
    const file = path.join(dir, 'history.json');
    writeFileSync(file, '{ not json');
    const h = new QueryHistory(file, silentLogger);
    assert.deepEqual(await h.list(), []);
    await h.add(entry('a', 'select 1'));
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }).entries.length, 1);
  });

  it('does not lose an entry when a first read overlaps the first write', async () => {
    // Reads started at every step of the first write: none may put back the empty list it read.
    for (let round = 0; round < 20; round++) {
      const h = new QueryHistory(path.join(dir, `history-${round}.json`), silentLogger);
      const reads: Promise<unknown>[] = [];
      const adding = h.add(entry('a', 'select 1'));
      for (let i = 0; i < 30; i++) {
        reads.push(h.list());
        await new Promise((r) => (i % 2 ? setImmediate(r) : process.nextTick(r)));
      }
      await Promise.all([adding, ...reads]);
      assert.deepEqual(
        (await h.list('a')).map((e) => e.sql),
        ['select 1'],
        `round ${round}`,
      );
    }
  });

  it('clears one connection', async () => {
    const h = new QueryHistory(path.join(dir, 'history.json'), silentLogger);
    await h.add(entry('a', 'select 1'));
    await h.add(entry('b', 'select 2'));
    await h.clear('a');
    assert.deepEqual(
      (await h.list()).map((e) => e.connectionId),
      ['b'],
    );
  });
});
