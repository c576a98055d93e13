// hyparquet 1.33.0 reads three kinds of damage without a word (the format's own bad_data suite has each:
// apache/parquet-testing ARROW-RS-GH-6229-LEVELS, ARROW-GH-45185, and a dictionary index past the end).
// patches/hyparquet+1.33.0.patch (applied by `npm ci` through patch-package) makes it throw; no upstream
// hyparquet issue exists for these yet, and the patch is the change to propose there. These tests fail
// if the patch is not applied, so a missing postinstall cannot pass silently.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';

const file = (name: string): ArrayBuffer => {
  const b = readFileSync(path.join(__dirname, '..', 'fixtures', 'lake', 'files', 'parquet', name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('hyparquet, patched: damage it used to read as values', () => {
  it('refuses repetition levels that run past their bytes (ARROW-RS-GH-6229-LEVELS)', async () => {
    await assert.rejects(parquetReadObjects({ file: file('bad-rep-levels.parquet') }), /parquet level data ends before the page's values/);
  });

  it('refuses a page that starts with repetition level 1 (ARROW-GH-45185)', async () => {
    await assert.rejects(
      parquetReadObjects({ file: file('bad-rep-starts-at-1.parquet') }),
      /parquet repetition levels start with 1 where a row must begin with 0/,
    );
  });

  it('refuses a dictionary index past the dictionary', async () => {
    await assert.rejects(parquetReadObjects({ file: file('bad-dictionary-index.parquet') }), /parquet dictionary index 3 is past the dictionary's 2 values/);
  });

  it('still reads dictionary indices of bit width 0 (ARROW-GH-43605), as pyarrow does', async () => {
    const rows = await parquetReadObjects({ file: file('handmade-dictionary-width-0.parquet') });
    assert.deepEqual(
      rows.map((r) => r.v),
      [7, 7, 7, 7, 7],
    );
  });
});
