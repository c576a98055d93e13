import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CellValue } from '../../src/core/api/types';
import { ConnectionError } from '../../src/core/errors';
import { cellText, columnKind, maxCellChars, toGridCell, toTsv } from '../../src/core/results/cells';
import { exportResult, uniqueKeys } from '../../src/core/results/export';
import { feed } from '../../src/core/results/feed';
import { ResultSet, sweepStaleSpoolFolders } from '../../src/core/results/resultSet';
import { errorInfo } from '../../src/host/webviews/results/errorInfo';
import { isResultsState, isResultsToHost } from '../../src/shared/protocol/results';

const rowOf = (i: number): CellValue[] => [
  i,
  `name ${i}`,
  i % 7 === 0 ? null : { n: i, tags: ['a', 'b'] },
  new Uint8Array([i % 256, 1, 2]),
];

async function filled(rows: number, options: ConstructorParameters<typeof ResultSet>[0] = {}): Promise<ResultSet> {
  const set = new ResultSet(options);
  set.start(['id', 'name', 'doc', 'bytes'], ['int4', 'text', 'jsonb', 'bytea']);
  for (let i = 0; i < rows; i += 333) {
    await set.rows(Array.from({ length: Math.min(333, rows - i) }, (_, k) => rowOf(i + k)));
  }
  return set;
}

describe('result set (spooled rows, read by window)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'planasonix-rs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a small result in memory and touches no disk', async () => {
    const set = await filled(100, { dir, memoryRows: 500 });
    assert.equal(set.rowCount, 100);
    assert.equal(set.spooled, false);
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(await set.window(98, 10), [rowOf(98), rowOf(99)]);
  });

  it('moves a large result to disk and reads any window back exactly, bytes and nested values included', async () => {
    const set = await filled(10_000, { dir, memoryRows: 1000, blockRows: 64, cacheBlocks: 4 });
    assert.equal(set.spooled, true);
    assert.equal(readdirSync(dir).length, 1);
    for (const [offset, count] of [
      [0, 5],
      [63, 3],
      [4990, 200],
      [9995, 50],
      [777, 1],
    ] as const) {
      const got = await set.window(offset, count);
      const want = Array.from({ length: Math.min(count, 10_000 - offset) }, (_, k) => rowOf(offset + k));
      assert.deepEqual(got, want, `window ${offset}+${count}`);
    }
    assert.ok((await set.window(9999, 1))[0][3] instanceof Uint8Array);
    assert.deepEqual(await set.window(10_000, 5), []);
    await set.dispose();
  });

  it('serves windows while rows are still arriving, never past what has arrived', async () => {
    const set = new ResultSet({ dir, memoryRows: 10, blockRows: 16 });
    set.start(['i'], ['int4']);
    const writes: Promise<void>[] = [];
    const reads: Promise<CellValue[][]>[] = [];
    for (let b = 0; b < 50; b++) {
      writes.push(set.rows(Array.from({ length: 7 }, (_, k) => [b * 7 + k])));
      reads.push(set.window(Math.max(0, b * 7 - 20), 30));
    }
    await Promise.all(writes);
    for (const got of await Promise.all(reads)) {
      got.forEach((row, k) => assert.equal(typeof row[0], 'number', `row ${k}`));
      for (let k = 1; k < got.length; k++) assert.equal(got[k][0], (got[k - 1][0] as number) + 1);
    }
    assert.deepEqual(
      (await set.window(340, 100)).map((r) => r[0]),
      [340, 341, 342, 343, 344, 345, 346, 347, 348, 349],
    );
    await set.dispose();
  });

  it('records how a stream ended: done with stats, failed, or cancelled', async () => {
    const ok = new ResultSet({ dir });
    await ok.track(Promise.resolve({ executionMs: 5, rowsReturned: 0, truncated: true, limit: 1 }));
    assert.equal(ok.phase, 'done');
    assert.equal(ok.stats?.truncated, true);
    const failed = new ResultSet({ dir });
    await failed.track(Promise.reject(new ConnectionError('query_failed', 'syntax error')));
    assert.equal(failed.phase, 'failed');
    const cancelled = new ResultSet({ dir });
    await cancelled.track(Promise.reject(new ConnectionError('cancelled', 'stopped')));
    assert.equal(cancelled.phase, 'cancelled');
  });

  it('takes a whole response from a back end that cannot stream, with its rowsScanned', async () => {
    const set = new ResultSet({ dir });
    const response = {
      columns: ['id', 'name'],
      columnTypes: ['int4', 'text'],
      rows: [
        [1, 'a'],
        [2, null],
      ],
      truncated: true,
      stats: { executionMs: 820, rowsScanned: 450_000 },
    };
    await set.track(feed(set, response, 2));
    assert.equal(set.phase, 'done');
    assert.deepEqual(set.columnTypes, ['int4', 'text']);
    assert.deepEqual(await set.window(0, 10), [
      [1, 'a'],
      [2, null],
    ]);
    assert.deepEqual(set.stats, { executionMs: 820, rowsScanned: 450_000, rowsReturned: 2, truncated: true, limit: 2 });
    await set.dispose();
  });

  it('removes its spool file on dispose and refuses rows afterwards', async () => {
    const set = await filled(3000, { dir, memoryRows: 100 });
    assert.equal(readdirSync(dir).length, 1);
    await set.dispose();
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(set.rows([rowOf(1)]), (e: unknown) => ConnectionError.is(e, 'cancelled'));
  });

  it('sweeps spool folders left by a crashed window, and only old ones', async () => {
    const { utimesSync, mkdirSync } = await import('node:fs');
    const old = path.join(dir, 'planasonix-results-old');
    const fresh = path.join(dir, 'planasonix-results-fresh');
    const other = path.join(dir, 'someone-else');
    for (const d of [old, fresh, other]) mkdirSync(d);
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(old, weekAgo, weekAgo);
    utimesSync(other, weekAgo, weekAgo);
    assert.equal(await sweepStaleSpoolFolders(7 * 24 * 3600_000, dir), 1);
    assert.deepEqual(readdirSync(dir).sort(), ['planasonix-results-fresh', 'someone-else']);
  });

  it('keeps the decoded-block cache bounded however far one reads', async () => {
    const set = await filled(20_000, { dir, memoryRows: 100, blockRows: 100, cacheBlocks: 3 });
    for (let o = 0; o < 20_000; o += 100) await set.window(o, 100);
    const cache = (set as unknown as { cache: Map<number, unknown> }).cache;
    assert.ok(cache.size <= 3, `cache holds ${cache.size} blocks`);
    await set.dispose();
  });
});

describe('grid cells', () => {
  it('keeps NULL, the empty string and the string "NULL" apart', () => {
    assert.deepEqual([null, '', 'NULL'].map(toGridCell), [null, '', 'NULL']);
  });

  it('cuts long text and JSON, and says how long the whole value is', () => {
    const long = 'x'.repeat(maxCellChars + 10);
    assert.deepEqual(toGridCell(long), { t: 'long', text: 'x'.repeat(maxCellChars), length: maxCellChars + 10 });
    const json = toGridCell({ a: [1, 'two', null], b: { c: true } });
    assert.deepEqual(json, { t: 'json', text: '{"a":[1,"two",null],"b":{"c":true}}', length: 35 });
  });

  it('shows binary as size and a hex prefix', () => {
    assert.deepEqual(toGridCell(new Uint8Array([0xde, 0xad, 0xbe, 0xef])), { t: 'bin', size: 4, hex: 'deadbeef' });
    const big = toGridCell(new Uint8Array(1000).fill(0xab));
    assert.deepEqual(big, { t: 'bin', size: 1000, hex: 'ab'.repeat(16) });
  });

  it('tells numbers, booleans, dates, JSON and binary from the server type name', () => {
    const cases: [string, string][] = [
      ['int4', 'number'],
      ['numeric', 'number'],
      ['bigint unsigned', 'number'],
      ['DECIMAL', 'number'],
      ['double precision', 'number'],
      ['bool', 'boolean'],
      ['timestamptz', 'date'],
      ['DATETIME', 'date'],
      ['jsonb', 'json'],
      ['_int4', 'json'],
      ['bytea', 'binary'],
      ['BLOB', 'binary'],
      ['text', 'text'],
      ['varchar(20)', 'text'],
      ['', 'text'],
    ];
    for (const [type, kind] of cases) assert.equal(columnKind(type), kind, type);
  });

  it('copies cells as TSV with line breaks and tabs flattened, NULL as empty', () => {
    const tsv = toTsv(
      [
        [1, 'a\tb', null],
        [2, 'two\nlines', new Uint8Array([1, 255])],
      ],
      ['id', 'text', 'x'],
    );
    assert.equal(tsv, 'id\ttext\tx\n1\ta b\t\n2\ttwo lines\t\\x01ff');
  });

  it('gives the whole value as text for copy, CSV and the full-value view', () => {
    assert.equal(cellText({ k: new Uint8Array([0x0f]) }), '{"k":"\\\\x0f"}');
    assert.equal(cellText(12.5), '12.5');
    assert.equal(cellText(false), 'false');
  });
});

describe('export', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'planasonix-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes RFC 4180 CSV that parses back to the same values, NULL and "" kept apart', async () => {
    const set = new ResultSet({ dir, memoryRows: 10 });
    set.start(['id', 'text', 'note'], ['int4', 'text', 'text']);
    const rows: CellValue[][] = [
      [1, 'plain', null],
      [2, 'comma, "quote"\nand newline', ''],
      [3, '=1+1', 'NULL'],
      ...Array.from({ length: 50 }, (_, i): CellValue[] => [i + 4, `r${i}`, 'x']),
    ];
    await set.rows(rows);
    const target = path.join(dir, 'out.csv');
    const progress: number[] = [];
    assert.equal(await exportResult(set, 'csv', target, (p) => progress.push(p.rows)), rows.length);
    const text = readFileSync(target, 'utf8');
    assert.ok(
      text.startsWith('id,text,note\n1,plain,\n2,"comma, ""quote""\nand newline",""\n3,=1+1,NULL\n'),
      text.slice(0, 120),
    );
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(parsed.length, rows.length);
    assert.equal(parsed[1].text, 'comma, "quote"\nand newline');
    assert.equal(progress[progress.length - 1], rows.length);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.part')),
      [],
    );
    await set.dispose();
  });

  it('escapes spreadsheet formulas in text (and header) fields only when asked, never in numbers', async () => {
    const set = new ResultSet({ dir });
    set.start(['n', 't', '=HYPERLINK("x")'], ['numeric', 'text', 'text']);
    await set.rows([
      ['-1.5', "=cmd|' /C calc'!A0", '@SUM(1)'],
      [-2, '+1', '\tx'],
      [3, 'plain', '-'],
    ]);
    const exact = path.join(dir, 'exact.csv');
    await exportResult(set, 'csv', exact, () => undefined);
    const plain = parse(readFileSync(exact, 'utf8')) as string[][];
    assert.deepEqual(plain[1], ['-1.5', "=cmd|' /C calc'!A0", '@SUM(1)'], 'exact by default');
    const guarded = path.join(dir, 'guarded.csv');
    await exportResult(set, 'csv', guarded, () => undefined, undefined, { escapeFormulas: true });
    const rows = parse(readFileSync(guarded, 'utf8')) as string[][];
    assert.deepEqual(rows[0], ['n', 't', `'=HYPERLINK("x")`]);
    assert.deepEqual(rows[1], ['-1.5', "'=cmd|' /C calc'!A0", "'@SUM(1)"]);
    assert.deepEqual(rows[2], ['-2', "'+1", "'\tx"]);
    assert.deepEqual(rows[3], ['3', 'plain', "'-"]);
    await set.dispose();
  });

  it('writes JSON objects with unique keys, binary as hex and nested values intact', async () => {
    const set = new ResultSet({ dir });
    set.start(['id', 'id', 'doc', 'b'], ['int4', 'int4', 'jsonb', 'bytea']);
    await set.rows([[1, 2, { a: [1, null] }, new Uint8Array([0xca, 0xfe])]]);
    const target = path.join(dir, 'out.json');
    await exportResult(set, 'json', target, () => undefined);
    assert.deepEqual(JSON.parse(readFileSync(target, 'utf8')), [
      { id: 1, id_2: 2, doc: { a: [1, null] }, b: '\\xcafe' },
    ]);
    assert.deepEqual(uniqueKeys(['a', 'a', 'a_2', 'b']), ['a', 'a_2', 'a_2_2', 'b']);
  });

  it('leaves no file behind when cancelled', async () => {
    const set = new ResultSet({ dir: path.join(dir), memoryRows: 10 });
    set.start(['i'], ['int4']);
    await set.rows(Array.from({ length: 5000 }, (_, i) => [i]));
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(
      exportResult(set, 'csv', path.join(dir, 'x.csv'), () => undefined, abort.signal),
      (e: unknown) => ConnectionError.is(e, 'cancelled'),
    );
    assert.equal(existsSync(path.join(dir, 'x.csv')), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('x.csv')),
      [],
    );
    await set.dispose();
  });
});

describe('results panel protocol', () => {
  it('accepts the messages the grid sends', () => {
    const ok = [
      { type: 'ready' },
      { type: 'window', generation: 1, requestId: 3, offset: 0, count: 200 },
      { type: 'sort', sort: { column: 'id', direction: 'desc' } },
      { type: 'sort', sort: null },
      { type: 'setLimit', limit: 1_000_000 },
      { type: 'export', format: 'json' },
      { type: 'copy', generation: 1, range: { r0: 0, r1: 5, c0: 1, c1: 1 }, headers: true },
      { type: 'showValue', generation: 1, row: 5, column: 0 },
    ];
    for (const m of ok) assert.ok(isResultsToHost(m), JSON.stringify(m));
  });

  it('drops malformed or out-of-range messages', () => {
    const bad = [
      null,
      { type: 'window', generation: 1, requestId: 1, offset: -1, count: 10 },
      { type: 'window', generation: 1, requestId: 1, offset: 0, count: 100_000 },
      { type: 'window', generation: 1, requestId: 1, offset: 0, count: 0 },
      { type: 'sort', sort: { column: 'id', direction: 'sideways' } },
      { type: 'setLimit', limit: 0 },
      { type: 'setLimit', limit: 1_000_001 },
      { type: 'setLimit', limit: 2.5 },
      { type: 'export', format: 'xlsx' },
      { type: 'copy', generation: 1, range: { r0: 5, r1: 1, c0: 0, c1: 0 }, headers: false },
      { type: 'eval', code: 'alert(1)' },
    ];
    for (const m of bad) assert.equal(isResultsToHost(m), false, JSON.stringify(m));
  });

  it('trusts a saved state only when it names a connection and what to show', () => {
    assert.ok(
      isResultsState({ source: { kind: 'preview', connectionId: 'c', connectionName: 'n', table: 't' }, limit: 100 }),
    );
    assert.ok(!isResultsState({ source: { kind: 'preview', connectionId: 'c', connectionName: 'n' }, limit: 100 }));
    assert.ok(
      !isResultsState({ source: { kind: 'query', connectionId: 'c', connectionName: 'n', sql: 'x' }, limit: -1 }),
    );
  });

  it('points at the line and column of a server-reported error position', () => {
    const sql = 'SELECT 1\nFROM nowhere\nWHERE x';
    const info = errorInfo(
      new ConnectionError('query_failed', 'relation "nowhere" does not exist', { sqlState: '42P01', position: 15 }),
      sql,
    );
    assert.deepEqual(
      { line: info.line, column: info.column, excerpt: info.excerpt, sqlState: info.sqlState },
      { line: 2, column: 6, excerpt: 'FROM nowhere', sqlState: '42P01' },
    );
  });
});

describe('a statement without a result set', () => {
  it('feeds a whole response with no rows or columns as an empty result, not a crash', async () => {
    const { feed } = await import('../../src/core/results/feed');
    const { CollectingSink } = await import('../support/whole');
    const sink = new CollectingSink();
    const stats = await feed(
      sink,
      { columns: undefined, rows: { affectedRows: 0 } } as unknown as Parameters<typeof feed>[1],
      100,
    );
    assert.deepEqual([sink.columns, sink.collected, stats.rowsReturned], [[], [], 0]);
  });

  it('drops a driver status object (MySQL OK packet) handed over as a row', async () => {
    const { CappedSink } = await import('../../src/core/connectors/sql/streaming');
    const { CollectingSink } = await import('../support/whole');
    const sink = new CollectingSink();
    const capped = new CappedSink(sink, 10);
    capped.start([], []);
    await capped.rows([{ fieldCount: 0, affectedRows: 0 } as unknown as unknown[], ['1']]);
    assert.deepEqual(sink.collected, [['1']]);
  });
});
