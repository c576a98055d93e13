import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { previewParquet, previewText } from '../../src/core/connectors/s3/filePreview';
import type { ConnectorSession, StorageFacet } from '../../src/core/connectors/types';
import { CappedSink } from '../../src/core/connectors/sql/streaming';
import { ConnectionError } from '../../src/core/errors';

import { collecting } from '../support/collectingSink';
import { S3Server } from '../support/s3/server';
import { openS3Session } from '../support/s3/session';

/** gzip of `total` bytes made of `line` repeated (streamed: the text itself is never in memory). */
async function gzipOf(total: number, fill: string): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024, fill);
  let left = total;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
  const out: Buffer[] = [];
  for await (const part of source.pipe(createGzip({ level: 6 }))) out.push(part as Buffer);
  return Buffer.concat(out);
}

/**
 * Hostile text objects end with a message that names the bound they hit, within it: a one-line 1 GiB
 * gzip JSON Lines file, a one-line CSV, gzip that inflates to nothing but empty lines, damaged gzip,
 * a body that never ends; and no error escapes to the process.
 */
describe('S3 text previews are bounded on hostile objects', function () {
  this.timeout(120_000);
  let server: S3Server;
  let session: ConnectorSession & { storage: StorageFacet };
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  before(async () => {
    server = await S3Server.start();
    server.createBucket('lake');
    server.put('lake', 'hostile/oneline-1gib.jsonl.gz', await gzipOf(1024 * 1024 * 1024, 'a'));
    server.put('lake', 'hostile/oneline.csv', Buffer.alloc(40 * 1024 * 1024, 'b'));
    server.put('lake', 'hostile/empty-lines.jsonl.gz', await gzipOf(1100 * 1024 * 1024, '\n'));
    const damaged = gzipSync(Buffer.from('{"a": 1}\n'.repeat(20_000)));
    // Past the 64 KiB sample: lines ended by \r alone (old Mac files, the W3C CSVW manifest), and a
    // JSON Lines file whose first record is longer than the sample.
    server.put(
      'lake',
      'text/cr-only.csv',
      'id,name\r' + Array.from({ length: 8000 }, (_, i) => `${i},name ${i}`).join('\r') + '\r',
    );
    server.put(
      'lake',
      'text/long-first.jsonl',
      JSON.stringify({ id: 1, blob: 'x'.repeat(200 * 1024) }) + '\n{"id": 2, "blob": "y"}\n',
    );
    server.put('lake', 'text/only-blank.jsonl', '\n'.repeat(100 * 1024));
    server.put(
      'lake',
      'hostile/damaged.jsonl.gz',
      Buffer.concat([damaged.subarray(0, damaged.length / 2), Buffer.from('garbage')]),
    );
    session = await openS3Session(server.endpoint);
    process.on('uncaughtException', onUncaught);
  });

  after(async () => {
    process.off('uncaughtException', onUncaught);
    await session?.close();
    await server?.close();
  });

  const preview = (path: string) => session.storage.previewObject({ path }, 100, collecting());
  /** Peak resident memory above the start while `work` runs, in MiB. */
  async function peakMib(work: () => Promise<unknown>): Promise<number> {
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      await work().catch(() => undefined);
    } finally {
      clearInterval(timer);
    }
    return (Math.max(peak, process.memoryUsage().rss) - base) / 1024 / 1024;
  }

  it('ends a one-line 1 GiB gzip JSON Lines file at the record bound, in bounded memory', async () => {
    await assert.rejects(preview('hostile/oneline-1gib.jsonl.gz'), (e: unknown) => {
      assert.ok(ConnectionError.is(e), String(e));
      assert.match(e.message, /(line 1|first record) is longer than 8 MiB/);
      return true;
    });
    const peak = await peakMib(() => preview('hostile/oneline-1gib.jsonl.gz'));
    assert.ok(peak < 256, `peak ${peak.toFixed(0)} MiB`);
  });

  it('ends a one-line CSV at the record bound', async () => {
    await assert.rejects(
      preview('hostile/oneline.csv'),
      (e: unknown) => ConnectionError.is(e) && /longer than 8 MiB/.test(e.message),
    );
  });

  it('ends gzip that inflates to nothing but empty lines: no columns, and at the inflation bound when streamed', async () => {
    await assert.rejects(
      preview('hostile/empty-lines.jsonl.gz'),
      (e: unknown) => ConnectionError.is(e) && /no columns in its first/.test(e.message),
    );
    const sink = new CappedSink(collecting(), 100);
    const body = Readable.from([await gzipOf(20 * 1024 * 1024, '\n')]);
    const options = {
      format: 'jsonl' as const,
      gzip: true,
      names: ['a'],
      types: ['BIGINT'],
      partitions: { names: [], types: [], values: [] },
      where: 's3://lake/blank.jsonl.gz',
      bounds: { downloadBytes: 1e9, inflatedBytes: 4 * 1024 * 1024, recordBytes: 1e6, timeMs: 60_000 },
    };
    await assert.rejects(
      previewText(body, options, sink),
      (e: unknown) => ConnectionError.is(e) && /inflated past 4 MiB/.test(e.message),
    );
  });

  it('says damaged gzip is damaged', async () => {
    await assert.rejects(
      preview('hostile/damaged.jsonl.gz'),
      (e: unknown) =>
        ConnectionError.is(e) &&
        /gzip data is damaged|not a gzip file that can be read: incorrect data check/.test(e.message),
    );
  });

  it('finds columns in a CR-only CSV and a JSON Lines file whose first record is longer than the sample, and previews them', async () => {
    const csv = await session.storage.fileSchema({ path: 'text/cr-only.csv' });
    assert.deepEqual(
      csv.columns.map((c) => [c.name, c.type]),
      [
        ['id', 'INT64'],
        ['name', 'STRING'],
      ],
    );
    const rows = collecting();
    await session.storage.previewObject({ path: 'text/cr-only.csv' }, 3, rows);
    assert.deepEqual(rows.got, [
      ['0', 'name 0'],
      ['1', 'name 1'],
      ['2', 'name 2'],
    ]);
    const jsonl = await session.storage.fileSchema({ path: 'text/long-first.jsonl' });
    assert.deepEqual(
      jsonl.columns.map((c) => c.name),
      ['id', 'blob'],
    );
    const json = collecting();
    await session.storage.previewObject({ path: 'text/long-first.jsonl' }, 5, json);
    assert.equal(json.got.length, 2);
    assert.equal(json.got[1][1], 'y');
  });

  it('says a text file with no columns has none, instead of previewing empty rows', async () => {
    await assert.rejects(
      session.storage.fileSchema({ path: 'text/only-blank.jsonl' }),
      (e: unknown) => ConnectionError.is(e) && /no columns in its first/.test(e.message),
    );
  });

  it('ends a body that never ends at the time bound, and one that fails mid-way with its error', async () => {
    const never = new Readable({ read() {} });
    never.push('{"a": 1}\n');
    const sink = new CappedSink(collecting(), 100);
    const options = {
      format: 'jsonl' as const,
      gzip: false,
      names: ['a'],
      types: ['BIGINT'],
      partitions: { names: [], types: [], values: [] },
      where: 's3://lake/slow.jsonl',
      bounds: { downloadBytes: 1e9, inflatedBytes: 1e9, recordBytes: 1e6, timeMs: 300 },
    };
    const started = Date.now();
    await assert.rejects(
      previewText(never, options, sink),
      (e: unknown) => ConnectionError.is(e, 'timeout') && /longer than 0\.3 s/.test(e.message),
    );
    assert.ok(Date.now() - started < 2000);
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await assert.rejects(
      previewText(
        failing,
        { ...options, bounds: { ...options.bounds, timeMs: 10_000 } },
        new CappedSink(collecting(), 100),
      ),
      /socket hang up/,
    );
    assert.deepEqual(uncaught, []);
  });

  it('ends a Parquet preview whose row group does not arrive in time, at the time bound', async () => {
    const bytes = parquetWriteBuffer({ columnData: [{ name: 'id', data: Int32Array.from([1, 2, 3]), type: 'INT32' }] });
    const metadata = parquetMetadata(bytes);
    const footerStart = bytes.byteLength - 8 - new DataView(bytes).getUint32(bytes.byteLength - 8, true);
    // The footer is at hand; the column data never comes.
    const file = {
      byteLength: bytes.byteLength,
      slice: (start: number, end?: number) =>
        start >= footerStart ? bytes.slice(start, end) : new Promise<ArrayBuffer>(() => undefined),
    };
    const started = Date.now();
    await assert.rejects(
      previewParquet(
        file,
        metadata,
        new CappedSink(collecting(), 10),
        's3://lake/slow.parquet',
        { names: [], types: [], values: [] },
        300,
      ),
      (e: unknown) =>
        ConnectionError.is(e, 'timeout') && /slow\.parquet: the preview took longer than 0\.3 s/.test(e.message),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it('stops a folder preview after 20 part files that cannot be read, instead of trying every one', async () => {
    for (let i = 0; i < 40; i++)
      server.put('lake', `junk/part-${String(i).padStart(2, '0')}.parquet`, 'not parquet at all, just text');
    const before = server.log.length;
    await assert.rejects(
      session.storage.previewObject({ path: 'junk/' }, 100, collecting()),
      (e: unknown) => ConnectionError.is(e) && /junk\/part-00\.parquet/.test(e.message),
    );
    const reads = server.log
      .slice(before)
      .filter((r) => r.method === 'GET' && (r.key ?? '').startsWith('junk/part-')).length;
    assert.ok(reads <= 20, `${reads} parts read`);
  });
});
