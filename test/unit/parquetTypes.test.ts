import * as assert from 'node:assert/strict';
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { parquetColumns } from '../../src/core/connectors/s3/parquet';

const leaf = (element: SchemaElement): SchemaTree => ({ element, children: [], count: 1, path: [element.name] });
const group = (element: SchemaElement, children: SchemaTree[]): SchemaTree => ({
  element,
  children,
  count: 1,
  path: [element.name],
});

describe('Parquet column types as the tree shows them', () => {
  it('prefers the logical type, then the converted type, then the physical type; nested forms by their structure', () => {
    const root = group({ name: 'root' }, [
      leaf({ name: 'id', type: 'INT64', repetition_type: 'REQUIRED' }),
      leaf({
        name: 'amount',
        type: 'FIXED_LEN_BYTE_ARRAY',
        type_length: 16,
        logical_type: { type: 'DECIMAL', precision: 38, scale: 2 },
      }),
      leaf({ name: 'legacy_amount', type: 'INT64', converted_type: 'DECIMAL', precision: 18, scale: 4 }),
      leaf({ name: 'at', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } }),
      leaf({ name: 'old_ts', type: 'INT96' }),
      leaf({ name: 'small', type: 'INT32', converted_type: 'UINT_8' }),
      group({ name: 'tags', logical_type: { type: 'LIST' } }, [
        group({ name: 'list', repetition_type: 'REPEATED' }, [
          leaf({ name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8' }),
        ]),
      ]),
      group({ name: 'attrs', converted_type: 'MAP' }, [
        group({ name: 'key_value', repetition_type: 'REPEATED' }, [
          leaf({ name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8' }),
          leaf({ name: 'value', type: 'INT32' }),
        ]),
      ]),
      group({ name: 'point', repetition_type: 'OPTIONAL' }, [
        leaf({ name: 'x', type: 'DOUBLE' }),
        leaf({ name: 'y', type: 'DOUBLE' }),
      ]),
    ]);
    assert.deepEqual(
      parquetColumns(root).map((c) => `${c.name}:${c.type}:${c.nullable}`),
      [
        'id:INT64:false',
        'amount:DECIMAL(38,2):true',
        'legacy_amount:DECIMAL(18,4):true',
        'at:TIMESTAMP(NANOS):true',
        'old_ts:INT96 (TIMESTAMP):true',
        'small:UINT8:true',
        'tags:LIST<STRING>:true',
        'attrs:MAP<STRING, INT32>:true',
        'point:STRUCT<x: DOUBLE, y: DOUBLE>:true',
      ],
    );
  });
});
