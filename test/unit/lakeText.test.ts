import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { SpacesBeforeQuotes, sniffLayout } from '../../src/core/connectors/s3/csvDialect';
import { partitionsOf, widen, widenValue } from '../../src/core/connectors/s3/hive';
import { formatByBytes } from '../../src/core/connectors/s3/textObject';
import { formatByName, previewableFile } from '../../src/core/connectors/s3/formats';
import { deltaLiveFiles } from '../../src/core/connectors/s3/tableFormats';
import { dropLines, skipLines, sniffEncoding, ToUtf8 } from '../../src/core/connectors/s3/textEncoding';
import { checkJson, csvSchema } from '../../src/core/connectors/s3/textSchema';
import { jsonRecordsOf } from '../../src/core/connectors/s3/jsonRecords';
import { jsonTypeName, jsonTypeOf, mergeJsonTypes } from '../../src/core/connectors/s3/jsonTypes';

async function through(stage: NodeJS.ReadWriteStream, chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(stage)) out.push(c as Buffer);
  return Buffer.concat(out).toString('utf8');
}

describe('lake text: encodings', () => {
  it('tells encodings from a byte order mark, from NUL bytes, and from the bytes of accented letters', () => {
    const text = 'name,city\nJosé,Zürich\n';
    assert.deepEqual(sniffEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), {
      encoding: 'utf-8',
      bom: 3,
    });
    assert.deepEqual(sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), {
      encoding: 'utf-16le',
      bom: 2,
    });
    assert.deepEqual(sniffEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])), {
      encoding: 'utf-16be',
      bom: 2,
    });
    assert.equal(sniffEncoding(Buffer.from(text, 'utf16le')).encoding, 'utf-16le');
    assert.equal(sniffEncoding(Buffer.from(text, 'utf16le').swap16()).encoding, 'utf-16be');
    assert.equal(sniffEncoding(Buffer.from(text, 'latin1')).encoding, 'windows-1252');
    // Mac Roman: é is 0x8E, ü is 0x9F (C1 controls in Latin-1).
    assert.equal(
      sniffEncoding(Buffer.from([0x4a, 0x6f, 0x73, 0x8e, 0x2c, 0x5a, 0x9f, 0x72, 0x69, 0x63, 0x68])).encoding,
      'macintosh',
    );
    // UTF-8 cut inside a character by the end of a sample is still UTF-8.
    const cut = Buffer.from('ab😀');
    assert.equal(sniffEncoding(cut.subarray(0, cut.length - 2)).encoding, 'utf-8');
  });

  it('decodes a stream to UTF-8 across chunks that split a character', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Zoë,Kraków😀\n', 'utf16le')]);
    const chunks = [utf16.subarray(0, 3), utf16.subarray(3, 9), utf16.subarray(9)];
    assert.equal(await through(new ToUtf8('utf-16le'), chunks), 'Zoë,Kraków😀\n');
    const mac = Buffer.from([0x5a, 0x6f, 0x91, 0x0a]);
    assert.equal(await through(new ToUtf8('macintosh'), [mac]), 'Zoë\n');
  });
});

describe('lake text: the delimited dialect', () => {
  it('finds the delimiter that splits records evenly, preferring the comma on a tie', () => {
    assert.equal(sniffLayout('a^b^c\n1^2^3\n').delimiter, '^');
    assert.equal(sniffLayout('user:shell\nroot:/bin/sh\n').delimiter, ':');
    assert.equal(sniffLayout('a~b\n1~2\n').delimiter, '~');
    // A space only where the name says so (.ssv): a file of words is one column.
    assert.deepEqual(
      csvSchema('a b c\n1 2 3\n', { complete: true }).columns.map((c) => c.name),
      ['a b c'],
    );
    assert.equal(sniffLayout('a b c\n1 2 3\n', ' ').delimiter, ' ');
    // A title line before a colon-split table is not a preamble (timestamps hold colons).
    assert.deepEqual(
      csvSchema('ts\n2020-01-01 01:02:03\n', { complete: true }).columns.map((c) => [c.name, c.type]),
      [['ts', 'TIMESTAMP']],
    );
    // Rows of different lengths are one column, as DuckDB reads them (without its null_padding option).
    assert.deepEqual(
      csvSchema('a,b,c\n1,2\n3,4,5\n', { complete: true }).columns.map((c) => c.name),
      ['a,b,c'],
    );
    // Times hold colons, every record the same number: the comma still wins.
    assert.equal(sniffLayout('id,at\n1,12:30:00\n2,13:45:10\n').delimiter, ',');
    // A semicolon file with decimal commas.
    assert.equal(sniffLayout('id;price\n1;1,50\n2;2,75\n').delimiter, ';');
    // A quoted delimiter does not count.
    assert.equal(sniffLayout('"x;y",b\n"1;2",3\n').delimiter, ',');
  });

  it('skips a preamble and comment lines, and counts a quoted line break as one record', () => {
    assert.deepEqual(sniffLayout('Report 2024\nSource: billing\n\nid,name\n1,x\n2,y\n'), {
      delimiter: ',',
      quote: '"',
      skipLines: 3,
      spacesBeforeQuotes: false,
    });
    assert.deepEqual(sniffLayout('# tool\nid,name\n1,x\n# note\n2,y\n'), {
      delimiter: ',',
      quote: '"',
      skipLines: 1,
      comment: '#',
      spacesBeforeQuotes: false,
    });
    assert.equal(sniffLayout('a,b\n1,"x\ny"\n2,z\n').skipLines, 0);
    assert.equal(sniffLayout('id, name\n1, "a, b"\n').spacesBeforeQuotes, true);
  });

  it('takes the first row as a header only where a cell does not fit its column below, or every column is text', () => {
    const names = (text: string): string[] => csvSchema(text, { complete: true }).columns.map((c) => c.name);
    assert.deepEqual(names('alice,3\nbob,4\n'), ['column0', 'column1']);
    assert.deepEqual(names('1,2.5\n4,5.5\n'), ['column0', 'column1']);
    assert.deepEqual(names('id,v\n1,2.5\n'), ['id', 'v']);
    assert.deepEqual(names('city,country\nOslo,Norway\n'), ['city', 'country']);
    // An integer in a DOUBLE column fits: no header.
    assert.deepEqual(names('1,2\n3,4.5\n'), ['column0', 'column1']);
    // Header cells trimmed, empty ones named, repeats made unique.
    assert.deepEqual(names('id, a,,a\n1,x,y,z\n'), ['id', 'a', 'column2', 'a_1']);
    assert.deepEqual(
      names(Array.from({ length: 11 }, (_, i) => i).join(',') + '\n'),
      Array.from({ length: 11 }, (_, i) => `column${String(i).padStart(2, '0')}`),
    );
  });

  it('drops spaces before an opening quote across chunks, and keeps other spaces (csv-parse cannot: adaltas/node-csv-parse#138)', () => {
    const s = new SpacesBeforeQuotes(',');
    assert.equal(s.push('1,  ') + s.push('"a, b", plain\n') + s.push(' "c""d"') + s.end(), '1,"a, b", plain\n"c""d"');
    const t = new SpacesBeforeQuotes(',');
    assert.equal(t.push('x,  ') + t.end(), 'x,  ');
  });

  it('skips preamble lines across chunks, whatever the line ends', async () => {
    assert.equal(await through(skipLines(2), [Buffer.from('a\r'), Buffer.from('\nb\rc\nd')]), 'c\nd');
    assert.equal(await through(skipLines(1), [Buffer.from('x'), Buffer.from('y\nz')]), 'z');
    assert.equal(dropLines('a\r\nb\rc\nd', 3), 'd');
    assert.equal(dropLines('a\nb', 5), '');
  });
});

describe('lake text: formats and JSON Lines records', () => {
  it('knows formats from bytes first and names second', () => {
    assert.equal(formatByBytes(Buffer.from('PAR1xxxx')), 'parquet');
    assert.equal(formatByBytes(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
    assert.equal(formatByBytes(Buffer.from('id,name')), 'text');
    assert.equal(formatByName('a/b.parquet.encrypted'), 'parquet');
    assert.equal(formatByName('a/b.psv.gz'), 'csv');
    assert.equal(formatByName('a/b.tab'), 'tsv');
    assert.equal(formatByName('a/b.ndjson'), 'jsonl');
    assert.equal(formatByName('a/b.bin'), undefined);
    // The tree offers what the names say, and names without an extension, from the same table.
    for (const key of [
      'a/b.parquet',
      'a/b.parquet.encrypted',
      'a/b.psv.gz',
      'a/b.TAB',
      'a/b.ndjson',
      'a/part-00000',
      'part-1',
    ])
      assert.ok(previewableFile.test(key), key);
    for (const key of ['a/b.png', 'a/.hidden', 'a/b.parquet.bak', 'a/b.csvx'])
      assert.ok(!previewableFile.test(key), key);
  });

  it('reads records however they are laid out: several on a line, pretty-printed, an array of them; refuses anything else', () => {
    const records = (text: string): string[] => jsonRecordsOf(text, true, 's3://b/k', 1_000_000).map((r) => r.record);
    assert.deepEqual(records('{"a": 1} {"a": "}{"}\t{"b": [1, {"c": 2}]}'), [
      '{"a": 1}',
      '{"a": "}{"}',
      '{"b": [1, {"c": 2}]}',
    ]);
    assert.deepEqual(records('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n{"a": 3}\n'), [
      '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}',
      '{"a": 3}',
    ]);
    assert.deepEqual(records('[\n {"a": 1},\n {"a": 2}\n]\n'), ['{"a": 1}', '{"a": 2}']);
    assert.deepEqual(records('\ufeff   \n'), []);
    assert.throws(() => records('{"a": 1}x'), /line 1: text after the JSON object \("x"\)/);
    assert.throws(() => records('{"a": 1}\n[1, 2]'), /line 2: text after the JSON object/);
    assert.throws(() => records('[1, 2]'), /line 1: it is not a JSON object/);
    assert.throws(() => records('{"a": 1}\n{"a": 31,\n'), /line 2: the JSON object is not closed/);
    // An unfinished last record of a cut sample is left out, not an error.
    assert.deepEqual(
      jsonRecordsOf('{"a": 1}\n{"a": 31,', false, 's3://b/k', 100).map((r) => r.line),
      [1],
    );
    assert.throws(
      () => jsonRecordsOf('{"a": "' + 'x'.repeat(200) + '"}', true, 's3://b/k', 100),
      /a record at line 1 is longer than/,
    );
    assert.throws(() => checkJson('{"a": tru}', 3, 's3://b/k'), /line 3: the record is not valid JSON/);
  });
});

describe('lake folders: partitions and unified columns', () => {
  it('reads partition folders, the default partition as NULL, and leaves a key that is a file column to the file', () => {
    const p = partitionsOf(
      't/region=__HIVE_DEFAULT_PARTITION__/year=2025/country=NO/part-0.parquet',
      ['country'],
      't/',
    );
    assert.deepEqual(
      p.columns.map((c) => [c.name, c.type, c.nullable]),
      [
        ['region', 'STRING (partition)', true],
        ['year', 'INT64 (partition)', false],
      ],
    );
    assert.deepEqual(p.values, [null, '2025']);
  });

  it('widens as pyarrow promotes: integers, decimals to the most integer digits and scale, numbers to DOUBLE', () => {
    assert.equal(widen('INT32', 'INT64', false), 'INT64');
    assert.equal(widen('UINT32', 'INT32', false), 'INT64');
    assert.equal(widen('UINT8', 'UINT16', false), 'UINT16');
    assert.equal(widen('DECIMAL(5,2)', 'DECIMAL(10,3)', false), 'DECIMAL(10,3)');
    assert.equal(widen('INT32', 'DECIMAL(5,2)', false), 'DECIMAL(12,2)');
    assert.equal(widen('DECIMAL(38,10)', 'DECIMAL(38,0)', false), 'DECIMAL(38,10)');
    assert.equal(widen('INT64', 'DOUBLE', false), 'DOUBLE');
    assert.equal(widen('STRING', 'INT64', false), undefined);
    assert.equal(widen('STRING', 'INT64', true), 'STRING');
    assert.equal(widen('INT64 (partition)', 'INT32 (partition)', false), 'INT64 (partition)');
    assert.equal(widenValue('1.5', 'DECIMAL(5,1)', 'DECIMAL(10,3)'), '1.500');
    assert.equal(widenValue('-7', 'INT32', 'DECIMAL(12,2)'), '-7.00');
    assert.equal(widenValue(null, 'INT32', 'DECIMAL(12,2)'), null);
  });
});

describe('lake text: JSON Lines types', () => {
  const name = (text: string): string => jsonTypeName(jsonTypeOf(text));
  it('types nested values as pyarrow does, numbers from their digits', () => {
    assert.equal(name('9223372036854775807'), 'INT64');
    assert.equal(name('9223372036854775808'), 'DECIMAL');
    assert.equal(name('1e3'), 'DOUBLE');
    assert.equal(name('[1, null, 2]'), 'LIST<INT64>');
    assert.equal(name('[]'), 'LIST<NULL>');
    assert.equal(name('{"a": [true], "b": {"c": "x"}}'), 'STRUCT<a: LIST<BOOLEAN>, b: STRUCT<c: STRING>>');
  });

  it('unifies records: NULL gives way, numbers widen, lists and structs merge inside, anything else is text', () => {
    const merged = (...texts: string[]): string => jsonTypeName(texts.map(jsonTypeOf).reduce(mergeJsonTypes));
    assert.equal(merged('null', '1'), 'INT64');
    assert.equal(merged('1', '2.5'), 'DOUBLE');
    assert.equal(merged('[]', '[true]'), 'LIST<BOOLEAN>');
    assert.equal(merged('{"a": 1}', '{"b": "x"}', '{"a": 2.5}'), 'STRUCT<a: DOUBLE, b: STRING>');
    assert.equal(merged('1', '"x"'), 'JSON');
    assert.equal(merged('[1]', '{"a": 1}'), 'JSON');
  });

  it('types a value nested past 64 levels as text instead of walking it (a hostile line cannot overflow the stack)', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    assert.equal(name(deep), 'JSON');
    assert.equal(name('['.repeat(64) + ']'.repeat(64)).startsWith('LIST<'), true);
  });
});

describe('lake text: quotes and trailing delimiters, as DuckDB sniffs them', () => {
  const read = (text: string): { names: string[]; quote: string } => {
    const s = csvSchema(text, { complete: true });
    return { names: s.columns.map((c) => c.name), quote: s.dialect.quote };
  };
  it('finds a single-quote quote, and quotes read as text where they do not pair', () => {
    assert.deepEqual(read("title,year\n'Doc, the',1\n'It''s',2\n"), { names: ['title', 'year'], quote: "'" });
    assert.deepEqual(read('a|b\n"hello|world\nx|y"\n'), { names: ['a', 'b'], quote: '' });
  });
  it('reads whole quoted lines as one column, and a table under a title block as a table', () => {
    assert.deepEqual(read('"Dec 8, 2022"\n"Sep 26, 2022"\n"Aug 31, 2022"\n').names, ['Dec 8, 2022']);
    const titled =
      'some text\ndescription\n\nJohn,Doe,"120 ""Main"" st.",NJ\nJack,Roe,"9th, at plc",PA\nJill,Poe,x,NY\n';
    assert.deepEqual(read(titled).names, ['John', 'Doe', '120 "Main" st.', 'NJ']);
    // A quoted line break does not make a one-column reading look longer.
    assert.deepEqual(read('a,b\n1,"ha\n""ha""\nha"\n3,4\n').names, ['a', 'b']);
  });

  it('reads a trailing delimiter on data rows as no column', () => {
    assert.deepEqual(read('c1,c2\n1,2,\n3,4,\n').names, ['c1', 'c2']);
  });
});

describe('lake text: bounds on hostile shapes', () => {
  it('refuses a line of a million delimiters instead of typing a million columns', () => {
    const started = Date.now();
    assert.throws(
      () => csvSchema('a' + ','.repeat(1_000_000) + '\n1' + ','.repeat(1_000_000) + '\n', { complete: true }),
      /1000001 columns; a preview reads at most 10000/,
    );
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
  });
});

describe('lake folders: Delta Lake logs', () => {
  const log =
    (...actions: object[]): ((k: string) => Promise<string>) =>
    async () =>
      actions.map((a) => JSON.stringify(a)).join('\n');
  const keys = ['_delta_log/00000000000000000000.json', 'a.parquet', 'b.parquet'];
  it('replays adds and removes to the live files (paths percent-decoded)', async () => {
    const live = await deltaLiveFiles(
      keys,
      log({ add: { path: 'a.parquet' } }, { add: { path: 'b%20c.parquet' } }, { remove: { path: 'a.parquet' } }),
      's3://b/t/',
    );
    assert.deepEqual([...live], ['b c.parquet']);
  });
  it('refuses what would show other rows or names than the table: column mapping, deletion vectors, unknown reader features', async () => {
    await assert.rejects(
      deltaLiveFiles(keys, log({ metaData: { configuration: { 'delta.columnMapping.mode': 'id' } } }), 's3://b/t/'),
      /column mapping/,
    );
    await assert.rejects(
      deltaLiveFiles(keys, log({ add: { path: 'a.parquet', deletionVector: { storageType: 'u' } } }), 's3://b/t/'),
      /deletion vectors/,
    );
    await assert.rejects(
      deltaLiveFiles(keys, log({ protocol: { minReaderVersion: 3, readerFeatures: ['typeWidening'] } }), 's3://b/t/'),
      /reader features previews do not know \(typeWidening\)/,
    );
    await assert.rejects(
      deltaLiveFiles(['_delta_log/00000000000000000010.json'], log(), 's3://b/t/'),
      /begins at version 10/,
    );
  });
});
