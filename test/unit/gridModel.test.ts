import * as assert from 'node:assert/strict';
import {
  columnEdges,
  display,
  groupDigits,
  maxCachedWindows,
  maxScrollPx,
  cellChrome,
  moveFocus,
  needsClip,
  rowHeight,
  scrollHeight,
  scrollTopFor,
  visibleColumns,
  visibleRows,
  WindowCache,
  windowRows,
} from '../../src/webview/results/gridModel';
import { statusText } from '../../src/webview/results/status';

describe('grid windowing', () => {
  it('shows the rows under a scroll position, with the first one cut by the remainder', () => {
    assert.deepEqual(visibleRows(0, 220, 1000), { first: 0, end: 11, shift: 0 });
    assert.deepEqual(visibleRows(rowHeight * 10 + 5, 220, 1000), { first: 10, end: 21, shift: 5 });
    assert.deepEqual(visibleRows(0, 220, 3), { first: 0, end: 3, shift: 0 });
    assert.deepEqual(visibleRows(0, 220, 0), { first: 0, end: 0, shift: 0 });
  });

  it('keeps a million rows within what a browser can draw, and still reaches the first and the last row', () => {
    const rows = 1_000_000;
    const viewport = 600;
    assert.equal(scrollHeight(rows), maxScrollPx);
    assert.ok(rows * rowHeight > maxScrollPx);
    const top = visibleRows(0, viewport, rows);
    assert.equal(top.first, 0);
    const bottom = visibleRows(maxScrollPx - viewport, viewport, rows);
    assert.equal(bottom.end, rows, 'the last row is on screen at the bottom of the scroll range');
    assert.ok(bottom.first > rows - viewport / rowHeight - 2);
    const middle = visibleRows((maxScrollPx - viewport) / 2, viewport, rows);
    assert.ok(Math.abs(middle.first - rows / 2) < 50, `middle shows row ${middle.first}`);
  });

  it('finds the scroll position for a row in both plain and scaled mode', () => {
    assert.equal(scrollTopFor(100, 600, 1000), 100 * rowHeight);
    const rows = 1_000_000;
    for (const row of [0, 1234, 500_000, 999_000]) {
      const span = visibleRows(scrollTopFor(row, 600, rows), 600, rows);
      assert.ok(Math.abs(span.first - row) <= 1, `row ${row} -> ${span.first}`);
    }
  });

  it('draws only the columns in view', () => {
    const edges = columnEdges([100, 100, 100, 100, 100]);
    assert.deepEqual(edges, [0, 100, 200, 300, 400, 500]);
    assert.deepEqual(visibleColumns(edges, 0, 150), { first: 0, end: 2 });
    assert.deepEqual(visibleColumns(edges, 250, 100), { first: 2, end: 4 });
    assert.deepEqual(visibleColumns(edges, 450, 1000), { first: 4, end: 5 });
  });
});

describe('grid row windows', () => {
  const rows = (offset: number, n: number) => Array.from({ length: n }, (_, i) => [offset + i]);

  it('asks once for each missing window, and not again while it is on its way', () => {
    const cache = new WindowCache();
    const first = cache.missing({ first: 150, end: 260 }, 1000, 1);
    assert.deepEqual(
      first.map((w) => w.offset),
      [0, 200],
    );
    assert.deepEqual(cache.missing({ first: 150, end: 260 }, 1000, 2), []);
    cache.put(0, rows(0, windowRows), 1);
    assert.deepEqual(cache.row(150), [150]);
    assert.equal(cache.row(250), undefined);
  });

  it('drops an answer to a request that was superseded', () => {
    const cache = new WindowCache();
    cache.missing({ first: 0, end: 10 }, 1000, 1);
    cache.put(0, rows(0, windowRows), 99);
    assert.equal(cache.row(0), undefined);
  });

  it('asks again for a window that was short while the result was still arriving', () => {
    const cache = new WindowCache();
    cache.missing({ first: 0, end: 50 }, 50, 1);
    cache.put(0, rows(0, 50), 1);
    assert.deepEqual(cache.missing({ first: 0, end: 50 }, 50, 2), []);
    assert.deepEqual(
      cache.missing({ first: 0, end: 120 }, 120, 3).map((w) => w.offset),
      [0],
    );
  });

  it('forgets the least recently used windows, so scrolling a million rows holds a fixed number', () => {
    const cache = new WindowCache();
    for (let w = 0; w < 5000; w++) {
      const span = { first: w * windowRows, end: w * windowRows + 30 };
      for (const m of cache.missing(span, 1_000_000, w)) cache.put(m.offset, rows(m.offset, windowRows), w);
      assert.ok(cache.size <= maxCachedWindows);
    }
    assert.equal(cache.size, maxCachedWindows);
  });
});

describe('grid cell display', () => {
  it('shows NULL apart from the empty string and the string "NULL"', () => {
    assert.deepEqual(display(null, 'text'), { text: 'NULL', className: 'null' });
    assert.equal(display('', 'text').className, 'empty');
    assert.equal(display('NULL', 'text').className, 'text');
  });

  it('right-aligns numbers, also those the server sends as text', () => {
    assert.equal(display(42, 'number').className, 'num');
    assert.equal(display('12345678901234567890.5', 'number').className, 'num');
  });

  it('marks cut values and keeps line breaks on one line', () => {
    assert.equal(display({ t: 'long', text: 'abc', length: 9000 }, 'text').text, 'abc…');
    assert.equal(display({ t: 'json', text: '{"a":1}', length: 7 }, 'json').text, '{"a":1}');
    assert.equal(display({ t: 'bin', size: 2, hex: 'cafe' }, 'binary').text, '0xcafe (2 B)');
    assert.equal(
      display({ t: 'bin', size: 100, hex: 'ab'.repeat(16) }, 'binary').text,
      `0x${'ab'.repeat(16)}… (100 B)`,
    );
    assert.equal(display('two\nlines', 'text').text, 'two↵lines');
  });
});

describe('grid cell clipping', () => {
  const advance = 7.8;
  const width = 160;
  const fits = Math.floor((width - cellChrome - 1) / advance);
  it('leaves ASCII text that fits the cell at the widest advance unclipped, and clips one character more', () => {
    assert.equal(needsClip('x'.repeat(fits), width, advance), false);
    assert.equal(needsClip('x'.repeat(fits + 1), width, advance), true);
    assert.equal(needsClip('', width, advance), false);
    assert.equal(needsClip('NULL', 48, advance), false);
  });
  it('clips anything outside printable ASCII, however short: wide characters, emoji, tabs, marks', () => {
    for (const text of ['日本', '😀', 'a\tb', 'e\u0301', '↵', '…'])
      assert.equal(needsClip(text, width, advance), true, JSON.stringify(text));
  });
  it('clips more as the font grows', () => {
    assert.equal(needsClip('x'.repeat(fits), width, advance * 1.5), true);
  });
});

describe('grid keyboard navigation', () => {
  const at = { r: 5, c: 2 };
  const move = (key: string, mod = false, from = at) => moveFocus(key, mod, from, 10, 100, 4);
  it('moves by one, by a page, and to the edges with Ctrl', () => {
    assert.deepEqual(move('ArrowDown'), { r: 6, c: 2 });
    assert.deepEqual(move('ArrowLeft'), { r: 5, c: 1 });
    assert.deepEqual(move('PageDown'), { r: 15, c: 2 });
    assert.deepEqual(move('ArrowDown', true), { r: 99, c: 2 });
    assert.deepEqual(move('ArrowRight', true), { r: 5, c: 3 });
    assert.deepEqual(move('Home'), { r: 5, c: 0 });
    assert.deepEqual(move('End', true), { r: 99, c: 3 });
    assert.deepEqual(move('Home', true), { r: 0, c: 0 });
  });
  it('stays inside the result, and ignores other keys', () => {
    assert.deepEqual(move('PageUp'), { r: 0, c: 2 });
    assert.deepEqual(move('ArrowRight', false, { r: 5, c: 3 }), { r: 5, c: 3 });
    assert.deepEqual(move('PageDown', false, { r: 95, c: 0 }), { r: 99, c: 0 });
    assert.equal(move('a'), undefined);
    assert.equal(move('toString'), undefined);
  });
});

describe('grid number labels', () => {
  it('groups digits by thousands without the locale machinery', () => {
    assert.deepEqual([0, 999, 1000, 1234567, -1234567.5].map(groupDigits), [
      '0',
      '999',
      '1,000',
      '1,234,567',
      '-1,234,567.5',
    ]);
  });
});

describe('results status line', () => {
  const base = { type: 'progress' as const, generation: 1, columns: [], truncated: false };
  it('says rows, limit and truncation, time, or how a run ended', () => {
    assert.equal(statusText(undefined, 100), 'Starting…');
    assert.equal(
      statusText({ ...base, phase: 'done', rowCount: 1000, truncated: true, executionMs: 1234 }, 1000),
      '1,000 rows · truncated at the limit of 1,000 · 1,234 ms',
    );
    assert.equal(statusText({ ...base, phase: 'done', rowCount: 1, executionMs: 3 }, 100), '1 row · limit 100 · 3 ms');
    assert.equal(
      statusText({ ...base, phase: 'done', rowCount: 2, executionMs: 820, rowsScanned: 450_000 }, 100),
      '2 rows · limit 100 · 820 ms · 450,000 rows scanned',
    );
    assert.equal(statusText({ ...base, phase: 'cancelled', rowCount: 5000 }, 100), 'Cancelled after 5,000 rows');
    // A statement the guard refused never ran; a server error after rows is a failure.
    const refused = { code: 'read_only', message: 'Refused: DELETE can change data' };
    assert.equal(statusText({ ...base, phase: 'failed', rowCount: 0, error: refused }, 100), 'Refused: nothing ran');
    assert.equal(
      statusText({ ...base, phase: 'failed', rowCount: 3, error: { code: 'query_failed', message: 'x' } }, 100),
      'Failed after 3 rows',
    );
    // A folder preview that skipped part files says so, naming the first.
    assert.equal(
      statusText(
        {
          ...base,
          phase: 'done',
          rowCount: 2,
          executionMs: 5,
          notes: ['Skipped s3://b/t/part-1.csv: damaged.', 'Skipped s3://b/t/part-2.csv: x.'],
        },
        100,
      ),
      '2 rows · limit 100 · 5 ms · 2 files skipped (Skipped s3://b/t/part-1.csv: damaged. …)',
    );
  });
});
