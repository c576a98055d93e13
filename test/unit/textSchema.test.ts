import * as assert from 'node:assert/strict';
import { sniffLayout } from '../../src/core/connectors/s3/csvDialect';
import { partitionsOf } from '../../src/core/connectors/s3/hive';
import { csvColumns, jsonLinesColumns } from '../../src/core/connectors/s3/textSchema';

const sniffDelimiter = (text: string): string => sniffLayout(text).delimiter;
const partitionColumns = (key: string) => partitionsOf(key).columns;

const shape = (cols: { name: string; type: string; nullable: boolean }[]): string[] =>
  cols.map((c) => `${c.name}:${c.type}${c.nullable ? '?' : ''}`);

describe('columns of text files from their first bytes', () => {
  it('reads a CSV header and types, with quoted delimiters and newlines inside quotes', () => {
    const csv =
      'id,name,amount,when,ok\n1,"Lovelace, Ada",1.5,2025-03-27,true\n2,"multi\nline",,2025-03-28T06:00:00Z,false\n';
    assert.deepEqual(shape(csvColumns(csv, { complete: true })), [
      'id:INT64',
      'name:STRING',
      'amount:DOUBLE?',
      'when:STRING',
      'ok:BOOLEAN',
    ]);
  });

  it('sniffs semicolons and tabs, and tells a file without a header from one with', () => {
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n'), ';');
    assert.equal(sniffDelimiter('a\tb\n1\t2\n'), '\t');
    assert.equal(sniffDelimiter('"x;y",b\n"1;2",3\n'), ',');
    assert.deepEqual(shape(csvColumns('1;2024-01-01\n2;2024-01-02\n', { complete: true })), [
      'column0:INT64',
      'column1:DATE',
    ]);
    assert.deepEqual(shape(csvColumns('name;city\nada;london\nalan;wilmslow\n', { complete: true })), [
      'name:STRING',
      'city:STRING',
    ]);
  });

  it('drops a line the sample may have cut, and keeps integers past 2^63 out of INT64', () => {
    assert.deepEqual(shape(csvColumns('id,v\n1,2\n3,4\n5,"unterminat', { complete: false })), ['id:INT64', 'v:INT64']);
    assert.deepEqual(shape(csvColumns('n\n99999999999999999999\n', { complete: true })), ['n:DECIMAL']);
  });

  it('reads JSON Lines keys and kinds without parsing numbers into doubles', () => {
    const jsonl = [
      '{"id": 9007199254740993, "tags": ["a"], "user": {"n": 1}, "x": 1}',
      '{"id": 2, "x": 2.5, "note": null}',
      '{"id": 3, "x": 3, "s": "a,b}\\"c"}',
      '{"id": 4',
    ].join('\n');
    assert.deepEqual(shape(jsonLinesColumns(jsonl, { complete: false })), [
      'id:INT64',
      'tags:LIST<STRING>?',
      'user:STRUCT<n: INT64>?',
      'x:DOUBLE',
      'note:NULL?',
      's:STRING?',
    ]);
    assert.throws(() => jsonLinesColumns('[1,2]\n', { complete: true }), /line 1: it is not a JSON object/);
  });

  it('turns Hive-style partition folders into columns', () => {
    assert.deepEqual(shape(partitionColumns('events/year=2025/month=03/region=eu%2Dwest/part-0.parquet')), [
      'year:INT64 (partition)',
      'month:INT64 (partition)',
      'region:STRING (partition)',
    ]);
    assert.deepEqual(partitionColumns('plain/path/file.csv'), []);
  });
});
