import * as assert from 'node:assert/strict';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { damaged } from '../../src/core/connectors/s3/filePreview';
import { footerFault, parquetType } from '../../src/core/connectors/s3/parquet';
import { cellConverter, civil, clock, decimalText, instant } from '../../src/core/connectors/s3/parquetValues';

describe('Parquet values as exact text', () => {
  it('writes instants to the digit, before 1970 and past the year 9999 too', () => {
    assert.equal(instant(1_743_055_200_123_456n, 1_000_000n), '2025-03-27 06:00:00.123456');
    assert.equal(instant(-1n, 1000n), '1969-12-31 23:59:59.999');
    assert.equal(instant(1_743_055_200_000_000_001n, 1_000_000_000n), '2025-03-27 06:00:00.000000001');
    // 9999-12-31 is day 2932896; a day later is year 10000, past what Date can print as ISO.
    assert.equal(instant(2_932_897n * 86_400_000n, 1000n), '10000-01-01 00:00:00.000');
    assert.equal(civil(-719_528n), '0000-01-01');
  });

  it("writes decimals stored as integers or two's-complement bytes with their scale", () => {
    assert.equal(decimalText(12345n, 2), '123.45');
    assert.equal(decimalText(-5, 3), '-0.005');
    assert.equal(decimalText(Uint8Array.from([0xff, 0xfe]), 1), '-0.2');
    assert.equal(decimalText(Uint8Array.from([0x01, 0x00]), 0), '256');
    assert.equal(decimalText(123456789012345678901234567890n, 10), '12345678901234567890.1234567890');
  });
});

type Tree = { element: SchemaElement; children: Tree[]; count: number; path: string[] };
const leaf = (name: string, type: SchemaElement['type'], more: Partial<SchemaElement> = {}): Tree => ({
  element: { name, type, repetition_type: 'REQUIRED', ...more },
  children: [],
  count: 1,
  path: [name],
});
const group = (name: string, children: Tree[], more: Partial<SchemaElement> = {}): Tree => ({
  element: { name, repetition_type: 'OPTIONAL', num_children: children.length, ...more },
  children,
  count: 1,
  path: [name],
});

describe('Parquet types and values by the format’s backward-compatibility rules', () => {
  it('names legacy lists, repeated fields, maps without values and unknown logical types as readers do', () => {
    const rep = (t: Tree): Tree => ({ ...t, element: { ...t.element, repetition_type: 'REPEATED' } });
    const list = (children: Tree[], name = 'xs'): Tree => group(name, children, { converted_type: 'LIST' });
    assert.equal(parquetType(list([rep(leaf('element', 'INT32'))])), 'LIST<INT32>');
    assert.equal(
      parquetType(list([rep(group('array', [leaf('a', 'INT32'), leaf('b', 'INT64')]))])),
      'LIST<STRUCT<a: INT32, b: INT64>>',
    );
    assert.equal(parquetType(list([rep(group('array', [leaf('a', 'INT32')]))])), 'LIST<STRUCT<a: INT32>>');
    assert.equal(parquetType(list([rep(group('xs_tuple', [leaf('v', 'INT64')]))])), 'LIST<STRUCT<v: INT64>>');
    assert.equal(parquetType(list([rep(group('list', [leaf('element', 'INT32')]))])), 'LIST<INT32>');
    assert.equal(parquetType(rep(leaf('xs', 'INT32'))), 'LIST<INT32>');
    const keysOnly = group('m', [rep(group('key_value', [leaf('key', 'BYTE_ARRAY', { converted_type: 'UTF8' })]))], {
      converted_type: 'MAP',
    });
    assert.equal(parquetType(keysOnly), 'LIST<STRING>');
    const unknown = leaf('u', 'BYTE_ARRAY', {
      converted_type: 'UTF8',
      logical_type: { field_31: {} } as unknown as SchemaElement['logical_type'],
    });
    assert.equal(parquetType(unknown), 'BYTE_ARRAY');
  });

  it('shows lists of tuples as the structs they are, keys-only maps as lists, and times of day as clock text', () => {
    const rep = (t: Tree): Tree => ({ ...t, element: { ...t.element, repetition_type: 'REPEATED' } });
    const tuple = group('xs', [rep(group('xs_tuple', [leaf('v', 'INT64')]))], { converted_type: 'LIST' });
    assert.equal(cellConverter(tuple)([7n, 8n]), '[{"v":7},{"v":8}]');
    const keysOnly = group('m', [rep(group('key_value', [leaf('key', 'BYTE_ARRAY', { converted_type: 'UTF8' })]))], {
      converted_type: 'MAP',
    });
    assert.equal(cellConverter(keysOnly)({ key_value: [{ key: 'a' }, { key: 'b' }] }), '["a","b"]');
    const time = leaf('t', 'INT64', { logical_type: { type: 'TIME', unit: 'MICROS', isAdjustedToUTC: false } });
    assert.equal(cellConverter(time)(45_296_789_000n), '12:34:56.789000');
    assert.equal(clock(86_399_999n, 'MILLIS'), '23:59:59.999');
    const raw = leaf('b', 'BYTE_ARRAY');
    assert.deepEqual(
      cellConverter(raw)(Uint8Array.from([0xff, 0xfe, 0, 0x80])),
      Uint8Array.from([0xff, 0xfe, 0, 0x80]),
    );
  });

  it('finds what is wrong with a damaged footer', () => {
    const base = {
      version: 1,
      schema: [
        { name: 'schema', num_children: 1 },
        { name: 'v', type: 'INT32' },
      ],
      num_rows: 3n,
      row_groups: [
        {
          num_rows: 3n,
          total_byte_size: 10n,
          columns: [
            { file_offset: 4n, meta_data: { path_in_schema: ['v'], data_page_offset: 4n, total_compressed_size: 20n } },
          ],
        },
      ],
    } as unknown as FileMetaData;
    assert.equal(footerFault(base, 1, 100), undefined);
    // A total that disagrees with the row groups (0 in some writers' files) is read by the row groups, as pyarrow does.
    assert.equal(footerFault({ ...base, num_rows: 0n }, 1, 100), undefined);
    // A dictionary page offset of 0 means none (some writers write 0).
    assert.equal(
      footerFault(
        {
          ...base,
          row_groups: [
            {
              ...base.row_groups[0],
              columns: [
                {
                  file_offset: 4n,
                  meta_data: { ...base.row_groups[0].columns[0].meta_data!, dictionary_page_offset: 0n },
                },
              ],
            },
          ],
        },
        1,
        100,
      ),
      undefined,
    );
    assert.match(footerFault({ ...base, row_groups: undefined } as unknown as FileMetaData, 1, 100)!, /no row groups/);
    assert.match(footerFault(base, 1, 20)!, /points outside the file's data/);
    assert.match(footerFault(base, 2, 100)!, /1 column chunks for 2 columns/);
    assert.match(
      damaged(new TypeError("Cannot read properties of undefined (reading 'x')"), 's3://b/k', 'row group 1').message,
      /^s3:\/\/b\/k: row group 1 cannot be decoded; the file is damaged/,
    );
    assert.match(
      damaged(new Error('parquet unsupported page type: 7'), 's3://b/k', 'row group 1').message,
      /\(unsupported page type: 7\)/,
    );
  });
});
