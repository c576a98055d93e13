// hyparquet 1.33.0 reads four kinds of damage without a word (the format's own bad_data suite has each:
// apache/parquet-testing ARROW-RS-GH-6229-LEVELS, ARROW-GH-45185, ARROW-GH-47662, and a dictionary index
// past the end), and loses the day of an INT96 value whose nanoseconds are negative (Spark writes them).
// patches/hyparquet+1.33.0.patch (applied by `npm ci` through patch-package) makes it throw; no upstream
// hyparquet issue exists for these yet, and the patch is the change to propose there. These tests fail
// if the patch is not applied, so a missing postinstall cannot pass silently.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';

const file = (name: string): ArrayBuffer => {
  const b = readFileSync(path.join(__dirname, '..', 'fixtures', 'lake', 'files', 'parquet', name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

describe('hyparquet, patched: damage it used to read as values', () => {
  it('refuses repetition levels that run past their bytes (ARROW-RS-GH-6229-LEVELS)', async () => {
    await assert.rejects(
      parquetReadObjects({ file: file('bad-rep-levels.parquet') }),
      /parquet level data ends before the page's values/,
    );
  });

  it('refuses a page that starts with repetition level 1 (ARROW-GH-45185)', async () => {
    await assert.rejects(
      parquetReadObjects({ file: file('bad-rep-starts-at-1.parquet') }),
      /parquet repetition levels start with 1 where a row must begin with 0/,
    );
  });

  it('refuses a dictionary index past the dictionary', async () => {
    await assert.rejects(
      parquetReadObjects({ file: file('bad-dictionary-index.parquet') }),
      /parquet dictionary index 3 is past the dictionary's 2 values/,
    );
  });

  it('refuses page values that run past the end of the page (ARROW-GH-47662: a REQUIRED column holding levels)', async () => {
    await assert.rejects(
      parquetReadObjects({ file: file('bad-required-with-levels.parquet') }),
      /parquet page values run past the end of the page/,
    );
  });

  it("reads INT96 nanoseconds as Spark does, signed, and keeps the day's bits (apache/parquet-testing int96_from_spark.parquet)", async () => {
    const rows = await parquetReadObjects({
      file: file('handmade-int96-spark-wrapped.parquet'),
      parsers: { timestampFromNanoseconds: (v: bigint) => v },
    });
    // 290000-12-30 23:00 UTC was written wrapped: (day, nanos) both negative; unwrapped by the caller (sparkWrap).
    assert.equal(rows[0].a, -9357363680509551616000n);
    assert.equal(rows[2].a, 1_704_141_296_123_456_000n);
  });

  it('still reads dictionary indices of bit width 0 (ARROW-GH-43605), as pyarrow does', async () => {
    const rows = await parquetReadObjects({ file: file('handmade-dictionary-width-0.parquet') });
    assert.deepEqual(
      rows.map((r) => r.v),
      [7, 7, 7, 7, 7],
    );
  });
});
