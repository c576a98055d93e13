// The S3 connector (issue 14, not yet offered in the form) through the real @aws-sdk/client-s3 against
// the project's S3 server (AWS's documented listing, ranges and errors), with Parquet files written by
// hyparquet-writer.
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import * as A from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ConnectionError } from '../../src/core/errors';

import { footerFetchBytes } from '../../src/core/connectors/s3/driver';
import { textSampleBytes } from '../../src/core/connectors/s3/textObject';
import type { ConnectorSession, StorageFacet } from '../../src/core/connectors/types';
import { makeHarness } from '../support/harness';
import { S3Server } from '../support/s3/server';
import { openS3Session, testKeys } from '../support/s3/session';

/** parquet-wasm: parquet-rs compiled to WebAssembly (no types for this module resolution). */
const parquetWasm = createRequire(__filename)('parquet-wasm') as {
  Table: { fromIPCStream(ipc: Uint8Array): unknown };
  WriterPropertiesBuilder: new () => { setCompression(codec: number): { build(): unknown } };
  Compression: Record<string, number>;
  writeParquet(table: unknown, properties: unknown): Uint8Array;
};

/** An unscaled 128-bit decimal as Arrow's builder takes it: four little-endian 32-bit words. */
function decimal128(value: bigint): Uint32Array {
  const out = new Uint32Array(4);
  let x = BigInt.asUintN(128, value);
  for (let i = 0; i < 4; i++) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

describe('S3 connector (driver) against the project S3 server', function () {
  this.timeout(120_000);
  let server: S3Server;
  const sessions: ConnectorSession[] = [];
  const parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: BigInt64Array.from([1n, 2n, 9007199254740993n]), type: 'INT64', nullable: false },
        { name: 'name', data: ['a', null, 'c'], type: 'STRING' },
        { name: 'price', data: [1.5, 2.25, null], type: 'DOUBLE' },
        { name: 'active', data: [true, false, true], type: 'BOOLEAN' },
        {
          name: 'at',
          data: [new Date('2025-03-27T06:00:00Z'), null, new Date('2025-03-28T00:00:00Z')],
          type: 'TIMESTAMP',
        },
      ],
    }),
  );

  before(async () => {
    server = await S3Server.start();
    server.createBucket('lake');
    for (let i = 0; i < 2500; i++) server.put('lake', `raw/events/part-${String(i).padStart(5, '0')}.json`, '{}');
    server.put('lake', 'raw/events/year=2025/month=03/part-0.parquet', parquet);
    server.put('lake', 'raw/readme.txt', 'hello');
    server.put('lake', 'raw/blob.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
    server.put('lake', 'curated/orders.parquet', parquet);
    server.put('lake', 'curated/orders.csv.parquet', 'id,name\n1,a\n');
    server.put('lake', 'curated/empty.parquet', '');
    server.createBucket('other');
    server.createBucket('far-away', 'eu-west-1');
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await server?.close();
  });

  async function open(
    config: Record<string, string | boolean> = {},
    secrets: Record<string, string> = { secretAccessKey: 'test-secret-key' },
  ): Promise<ConnectorSession & { storage: StorageFacet }> {
    const session = await openS3Session(server.endpoint, config, {
      accessKeyId: String(config.accessKeyId ?? testKeys.accessKeyId),
      secretAccessKey: secrets.secretAccessKey ?? '',
    });
    sessions.push(session);
    return session;
  }

  it('tests by listing the bucket or the buckets, and says in words what failed, without the secret', async () => {
    assert.deepEqual(await (await open()).test(), { ok: true, message: 'Listed the bucket lake.' });
    assert.deepEqual(await (await open({ bucket: '' })).test(), { ok: true, message: 'Listed 3 buckets.' });
    assert.match((await (await open({ accessKeyId: 'AKIANOPE' })).test()).message, /does not know this access key ID/);
    const wrong = await (await open({}, { secretAccessKey: 'not-the-secret-123' })).test();
    assert.match(wrong.message, /refused the secret access key/);
    assert.ok(!wrong.message.includes('not-the-secret-123'));
    assert.match((await (await open({ bucket: 'nope' })).test()).message, /There is no bucket s3:\/\/nope/);
    assert.match(
      (await (await open({ bucket: 'far-away' })).test()).message,
      /in another region: eu-west-1\. Set the connection's region to eu-west-1/,
    );
    server.keys.set('AKIADENIED', 'denied-secret');
    server.denied.add('AKIADENIED');
    assert.match(
      (await (await open({ accessKeyId: 'AKIADENIED' }, { secretAccessKey: 'denied-secret' })).test()).message,
      /may not do this on s3:\/\/lake \(AccessDenied\)/,
    );
    assert.match((await (await open({ endpoint: 'http://127.0.0.1:1' })).test()).message, /could not be reached/);
  });

  it('lists buckets, then folders and files a page at a time on continuation tokens, and finds a key by prefix', async () => {
    const all = await open({ bucket: '' });
    assert.deepEqual(
      (await all.storage.catalogs!()).map((b) => b.name),
      ['far-away', 'lake', 'other'],
    );
    const s = await open();
    const top = await s.storage.listObjects({ prefix: '', delimiter: '/' });
    assert.deepEqual(top.commonPrefixes, ['curated/', 'raw/']);
    const first = await s.storage.listObjects({ prefix: 'raw/events/', delimiter: '/' });
    assert.equal(first.objects.length + first.commonPrefixes.length, 1000);
    assert.ok(first.nextPageToken);
    let seen = first.objects.length + first.commonPrefixes.length;
    let token: string | undefined = first.nextPageToken;
    const prefixes = [...first.commonPrefixes];
    while (token !== undefined) {
      const page = await s.storage.listObjects({ prefix: 'raw/events/', delimiter: '/', pageToken: token });
      seen += page.objects.length + page.commonPrefixes.length;
      prefixes.push(...page.commonPrefixes);
      token = page.nextPageToken;
    }
    assert.equal(seen, 2501, 'every key and the one folder, once');
    assert.deepEqual(prefixes, ['raw/events/year=2025/']);
    const found = await s.storage.listObjects({ prefix: 'raw/events/part-0123', delimiter: '/' });
    assert.deepEqual(
      found.objects.map((o) => o.key),
      Array.from({ length: 10 }, (_, i) => `raw/events/part-0123${i}.json`),
    );
    assert.deepEqual(found.objects[0], {
      key: 'raw/events/part-01230.json',
      size: 2,
      lastModified: '2025-03-27T06:00:00.000Z',
    });
  });

  it("reads a Parquet file's columns from one ranged read of its end, without downloading it", async () => {
    const s = await open();
    const before = server.log.length;
    const schema = await s.storage.fileSchema({ path: 'curated/orders.parquet', size: parquet.length });
    assert.deepEqual(schema.columns, [
      { name: 'id', type: 'INT64', nullable: false },
      { name: 'name', type: 'STRING', nullable: true },
      { name: 'price', type: 'DOUBLE', nullable: true },
      { name: 'active', type: 'BOOLEAN', nullable: true },
      { name: 'at', type: 'TIMESTAMP(MILLIS, UTC)', nullable: true },
    ]);
    const reads = server.log.slice(before);
    assert.equal(reads.length, 1, reads.map((r) => `${r.method} ${r.range}`).join(', '));
    assert.ok(reads[0].bytes <= footerFetchBytes);
    assert.match(reads[0].range ?? '', /^bytes=\d+-\d+$/, 'an explicit range (suffix ranges are wrong on some stores)');
    // Without the size from a listing, a HEAD comes first.
    const again = server.log.length;
    await s.storage.fileSchema({ path: 'curated/orders.parquet' });
    assert.deepEqual(
      server.log.slice(again).map((r) => r.method),
      ['HEAD', 'GET'],
    );
  });

  it('reads CSV, TSV and JSON Lines columns from their first bytes (gzip inflated as a stream, bounded), with partition folders as columns', async () => {
    const s = await open();
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i};"name ${i}; with ""quotes"""`).join('\n');
    server.put('lake', 'csv/semi.csv', `id;label\n${rows}\n`);
    server.put('lake', 'csv/data.tsv.gz', gzipSync(`a\tb\n1\t2.5\n`));
    // A bomb: a few hundred kilobytes that inflate to 200 MB; only the start is inflated.
    server.put(
      'lake',
      'csv/bomb.csv.gz',
      gzipSync(Buffer.concat([Buffer.from('x,y\n'), Buffer.alloc(200 * 1024 * 1024, 0x31)])),
    );
    server.put(
      'lake',
      'events/year=2025/month=03/part-0.jsonl',
      '{"id": 9007199254740993, "user": {"n": 1}}\n{"id": 2, "note": null}\n',
    );
    const shape = (cols: { name: string; type: string }[]): string[] => cols.map((c) => `${c.name}:${c.type}`);
    const before = server.log.length;
    const semi = await s.storage.fileSchema({ path: 'csv/semi.csv' });
    assert.deepEqual(shape(semi.columns), ['id:INT64', 'label:STRING']);
    const read = server.log.slice(before).filter((r) => r.method === 'GET');
    assert.equal(read.length, 1);
    assert.ok(read[0].bytes <= textSampleBytes, `${read[0].bytes} bytes read of ${semi.path}`);
    assert.deepEqual(shape((await s.storage.fileSchema({ path: 'csv/data.tsv.gz' })).columns), ['a:INT64', 'b:DOUBLE']);
    const started = Date.now();
    assert.deepEqual(shape((await s.storage.fileSchema({ path: 'csv/bomb.csv.gz' })).columns), [
      'x:STRING',
      'y:STRING',
    ]);
    assert.ok(Date.now() - started < 5000, 'the bomb was inflated');
    const events = await s.storage.fileSchema({ path: 'events/year=2025/month=03/part-0.jsonl' });
    assert.deepEqual(shape(events.columns), [
      'id:INT64',
      'user:STRUCT<n: INT64>',
      'note:NULL',
      'year:INT64 (partition)',
      'month:INT64 (partition)',
    ]);
    const parquetInPartition = await s.storage.fileSchema({ path: 'raw/events/year=2025/month=03/part-0.parquet' });
    assert.deepEqual(parquetInPartition.columns.slice(-2), [
      { name: 'year', type: 'INT64 (partition)', nullable: false },
      { name: 'month', type: 'INT64 (partition)', nullable: false },
    ]);
  });

  it('previews a Parquet file a row group at a time, capped, with exact values; and a CSV file from its start', async () => {
    const s = await open();
    const rows: unknown[][] = [];
    let columns: string[] = [];
    const sink = { start: (c: string[]) => (columns = c), rows: (b: unknown[][]) => void rows.push(...b) };
    const summary = await s.storage.previewObject({ path: 'curated/orders.parquet', size: parquet.length }, 2, sink);
    assert.deepEqual(columns, ['id', 'name', 'price', 'active', 'at']);
    assert.deepEqual(rows, [
      ['1', 'a', 1.5, true, '2025-03-27 06:00:00.000'],
      ['2', null, 2.25, false, null],
    ]);
    assert.equal(summary.truncated, true);
    const csv: unknown[][] = [];
    server.put('lake', 'csv/people.csv', 'name;note\n"Lovelace; Ada";"said ""hi"""\nTuring;\n');
    const csvSummary = await s.storage.previewObject({ path: 'csv/people.csv' }, 10, {
      start: () => undefined,
      rows: (b) => void csv.push(...b),
    });
    assert.deepEqual(csv, [
      ['Lovelace; Ada', 'said "hi"'],
      ['Turing', ''],
    ]);
    assert.equal(csvSummary.truncated, false);
    await assert.rejects(s.storage.previewObject({ path: 'raw/blob.bin' }, 10, sink), /holds binary data, not text/);
  });

  it('streams CSV (gzip too) and JSON Lines rows, with partition values, reading no further than the cap', async () => {
    const s = await open();
    const collect = async (
      path: string,
      limit: number,
    ): Promise<{ columns: string[]; rows: unknown[][]; truncated: boolean }> => {
      const rows: unknown[][] = [];
      let columns: string[] = [];
      const summary = await s.storage.previewObject({ path }, limit, {
        start: (c) => (columns = c),
        rows: (b) => void rows.push(...b),
      });
      return { columns, rows, truncated: summary.truncated };
    };
    server.put('lake', 'gz/year=2025/people.csv.gz', gzipSync('name;note\n"Lovelace; Ada";"said ""hi"""\nTuring;\n'));
    assert.deepEqual(await collect('gz/year=2025/people.csv.gz', 10), {
      columns: ['name', 'note', 'year'],
      rows: [
        ['Lovelace; Ada', 'said "hi"', '2025'],
        ['Turing', '', '2025'],
      ],
      truncated: false,
    });
    const events = await collect('events/year=2025/month=03/part-0.jsonl', 10);
    assert.deepEqual(events.columns, ['id', 'user', 'note', 'year', 'month']);
    assert.deepEqual(events.rows, [
      ['9007199254740993', '{"n": 1}', null, '2025', '03'],
      ['2', null, null, '2025', '03'],
    ]);
    // 20,000 rows, a cap of 100: the rows stop there, and the stream is closed.
    const big = await collect('csv/semi.csv', 100);
    assert.equal(big.rows.length, 100);
    assert.equal(big.truncated, true);
    assert.deepEqual(big.rows[0], ['0', 'name 0; with "quotes"']);
  });

  it('previews a folder of Parquet part files (partition folders included) as one table', async () => {
    const s = await open();
    const part = (ids: bigint[]): Buffer =>
      Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'id', data: BigInt64Array.from(ids), type: 'INT64' }] }));
    server.put('lake', 'table/region=eu/part-00000.parquet', part([1n, 2n]));
    server.put('lake', 'table/region=eu/part-00001.parquet', part([3n]));
    server.put('lake', 'table/region=us/part-00000.parquet', part([4n, 5n]));
    server.put('lake', 'table/_SUCCESS', '');
    const rows: unknown[][] = [];
    let columns: string[] = [];
    const summary = await s.storage.previewObject({ path: 'table/' }, 4, {
      start: (c) => (columns = c),
      rows: (b) => void rows.push(...b),
    });
    assert.deepEqual(columns, ['id', 'region']);
    assert.deepEqual(rows, [
      ['1', 'eu'],
      ['2', 'eu'],
      ['3', 'eu'],
      ['4', 'us'],
    ]);
    assert.equal(summary.truncated, true);
    server.put('lake', 'mixed/a.parquet', part([1n]));
    server.put('lake', 'mixed/b.parquet', parquet);
    // Parts with other columns merge by name: a column a part lacks is NULL there.
    const mixed: unknown[][] = [];
    await s.storage.previewObject({ path: 'mixed/' }, 10, {
      start: (c) => (columns = c),
      rows: (b) => void mixed.push(...b),
    });
    assert.deepEqual(columns, ['id', 'name', 'price', 'active', 'at']);
    assert.deepEqual(mixed[0], ['1', null, null, null, null]);
    assert.deepEqual(mixed[1].slice(0, 2), ['1', 'a']);
    // A folder of CSV files is a table too.
    server.put('lake', 'people/part-0.csv', 'name;note\n"Lovelace; Ada";"said ""hi"""\n');
    server.put('lake', 'people/part-1.csv', 'name;note\nTuring;\n');
    const csvRows: unknown[][] = [];
    await s.storage.previewObject({ path: 'people/' }, 10, {
      start: (c) => (columns = c),
      rows: (b) => void csvRows.push(...b),
    });
    assert.deepEqual(columns, ['name', 'note']);
    assert.deepEqual(csvRows, [
      ['Lovelace; Ada', 'said "hi"'],
      ['Turing', ''],
    ]);
  });

  it('lists a bucket of 100,000 keys a page at a time and finds one key by prefix without listing the rest', async () => {
    const s = await open();
    for (let i = 0; i < 100_000; i++) server.put('lake', `many/key-${String(i).padStart(6, '0')}`, 'x');
    const first = await s.storage.listObjects({ prefix: 'many/', delimiter: '/' });
    assert.equal(first.objects.length, 1000);
    assert.ok(first.nextPageToken);
    const before = server.log.length;
    const found = await s.storage.listObjects({ prefix: 'many/key-076543', delimiter: '/' });
    assert.deepEqual(
      found.objects.map((o) => o.key),
      ['many/key-076543'],
    );
    assert.equal(server.log.length - before, 1, 'one request');
  });

  it('reads files parquet-rs wrote (through parquet-wasm): ZSTD and gzip pages, nested and logical types', async () => {
    const s = await open();
    const struct = new A.Struct([new A.Field('x', new A.Float64(), true), new A.Field('y', new A.Float64(), true)]);
    const vectors: [string, A.Vector][] = [
      ['id', A.vectorFromArray([1, 2, 3], new A.Int32())],
      ['city', A.vectorFromArray(['Oslo', null, 'Lima'], new A.Utf8())],
      ['tags', A.vectorFromArray([['a'], [], ['b', 'c']], new A.List(new A.Field('item', new A.Utf8(), true)))],
      ['point', A.vectorFromArray([{ x: 1, y: 2 }, null, { x: 3, y: 4 }], struct)],
      ['day', A.vectorFromArray([new Date('2025-03-27'), null, new Date('1969-12-31')], new A.DateDay())],
      [
        'amount',
        A.vectorFromArray(
          [decimal128(1234567890123456789012345678901234567n), decimal128(-5n), null],
          new A.Decimal(2, 38, 128),
        ),
      ],
      [
        'money',
        A.vectorFromArray(
          [{ price: decimal128(1999n) }, { price: null }, null],
          new A.Struct([new A.Field('price', new A.Decimal(4, 20, 128), true)]),
        ),
      ],
      ['ids', A.vectorFromArray([[9007199254740993n], [], null], new A.List(new A.Field('item', new A.Int64(), true)))],
    ];
    const schema = new A.Schema(vectors.map(([name, v]) => new A.Field(name, v.type as A.DataType, true)));
    const data = A.makeData({
      type: new A.Struct(schema.fields),
      length: 3,
      nullCount: 0,
      children: vectors.map(([, v]) => v.data[0]),
    });
    const table = new A.Table(new A.RecordBatch(schema, data));
    for (const codec of ['ZSTD', 'GZIP'] as const) {
      const bytes = Buffer.from(
        parquetWasm.writeParquet(
          parquetWasm.Table.fromIPCStream(A.tableToIPC(table, 'stream')),
          new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression[codec]).build(),
        ),
      );
      server.put('lake', `rs/${codec}.parquet`, bytes);
      const read = await s.storage.fileSchema({ path: `rs/${codec}.parquet` });
      assert.deepEqual(
        read.columns.map((c) => `${c.name}:${c.type}`),
        [
          'id:INT32',
          'city:STRING',
          'tags:LIST<STRING>',
          'point:STRUCT<x: DOUBLE, y: DOUBLE>',
          'day:DATE',
          'amount:DECIMAL(38,2)',
          'money:STRUCT<price: DECIMAL(20,4)>',
          'ids:LIST<INT64>',
        ],
      );
      const rows: unknown[][] = [];
      await s.storage.previewObject({ path: `rs/${codec}.parquet` }, 10, {
        start: () => undefined,
        rows: (b) => void rows.push(...b),
      });
      assert.deepEqual(
        rows,
        [
          [
            1,
            'Oslo',
            '["a"]',
            '{"x":1,"y":2}',
            '2025-03-27',
            '12345678901234567890123456789012345.67',
            '{"price":0.1999}',
            '[9007199254740993]',
          ],
          [2, null, '[]', null, null, '-0.05', '{"price":null}', '[]'],
          [3, 'Lima', '["b","c"]', '{"x":3,"y":4}', '1969-12-31', null, null, null],
        ],
        codec,
      );
    }
  });

  it('reads the start of an object for the editor through the local API: its bytes and its whole size', async () => {
    const h = await makeHarness();
    try {
      const c = await h.save(
        {
          name: 'Lake',
          type: 's3',
          config: {
            endpoint: server.endpoint,
            forcePathStyle: true,
            authType: 'keys',
            accessKeyId: 'AKIATESTKEY',
            bucket: 'lake',
          },
        },
        { secretAccessKey: 'test-secret-key' },
      );
      const read = await h.api.readObject(c.id, { path: 'raw/readme.txt', maxBytes: 3 });
      assert.deepEqual([Buffer.from(read.bytes).toString('utf8'), read.size], ['hel', 5]);
      const empty = await h.api.readObject(c.id, { path: 'curated/empty.parquet', maxBytes: 10 });
      assert.deepEqual([read.size > 0, empty.bytes.length, empty.size], [true, 0, 0]);
      await assert.rejects(h.api.readObject(c.id, { path: 'nope.txt', maxBytes: 10 }), (e: unknown) =>
        ConnectionError.is(e, 'not_found'),
      );
    } finally {
      await h.api.dispose();
    }
  });

  it('handles keys with spaces, plus signs, percent signs, #, ? and non-ASCII letters', async () => {
    const s = await open();
    const key = 'odd/naïve file+name %20 #1?.csv';
    server.put('lake', key, 'a,b\n1,2\n');
    const listed = await s.storage.listObjects({ prefix: 'odd/', delimiter: '/' });
    assert.deepEqual(
      listed.objects.map((o) => o.key),
      [key],
    );
    assert.deepEqual(
      (await s.storage.fileSchema({ path: key })).columns.map((c) => c.name),
      ['a', 'b'],
    );
    const rows: unknown[][] = [];
    await s.storage.previewObject({ path: key }, 10, { start: () => undefined, rows: (b) => void rows.push(...b) });
    assert.deepEqual(rows, [['1', '2']]);
  });

  it('says why a file has no schema it can read, instead of guessing', async () => {
    const s = await open();
    const why = async (path: string): Promise<string> => {
      try {
        await s.storage.fileSchema({ path });
        return 'read';
      } catch (error) {
        assert.ok(ConnectionError.is(error), String(error));
        return error.message;
      }
    };
    assert.match(await why('curated/empty.parquet'), /is empty \(0 bytes\)/);
    assert.match(
      await why('curated/orders.csv.parquet'),
      /not a Parquet file: it does not end with PAR1\. It looks like text/,
    );
    assert.match(await why('curated/missing.parquet'), /no such object/);
    assert.match(await why('raw/blob.bin'), /holds binary data, not text/);
    // The bytes decide, the name is a hint: Parquet named .csv is read as Parquet.
    server.put('lake', 'curated/really-parquet.csv', parquet);
    assert.equal(await why('curated/really-parquet.csv'), 'read');
    assert.deepEqual(
      (await s.storage.fileSchema({ path: 'curated/really-parquet.csv' })).columns.map((c) => c.name),
      ['id', 'name', 'price', 'active', 'at'],
    );
    const encrypted = Buffer.concat([parquet.subarray(0, parquet.length - 4), Buffer.from('PARE')]);
    server.put('lake', 'curated/secret.parquet', encrypted);
    assert.match(await why('curated/secret.parquet'), /encrypted Parquet file \(PARE\)/);
    const corrupt = Buffer.from(parquet);
    corrupt.writeUInt32LE(0x7fffffff, corrupt.length - 8);
    server.put('lake', 'curated/corrupt.parquet', corrupt);
    assert.match(
      await why('curated/corrupt.parquet'),
      /footer says \d+ bytes, more than the file; the file is corrupt/,
    );
  });
});
