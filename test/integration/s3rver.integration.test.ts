// The S3 connector against s3rver, a maintained third-party S3 implementation, through the real
// @aws-sdk/client-s3: what it implements correctly (shared/reference/driver-protocols.md §3 lists what it
// does not; those cases run against the project's own server in s3.integration.test.ts).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ConnectionError } from '../../src/core/errors';

import { s3Spec } from '../../src/core/connectors/s3/spec';
import type { ConnectorSession, StorageFacet } from '../../src/core/connectors/types';
import { silentLogger } from '../support/doubles';

interface S3rver {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
const S3rverClass = createRequire(__filename)('s3rver') as new (options: Record<string, unknown>) => S3rver;

describe('S3 connector against s3rver (third-party S3 server)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-s3rver-'));
  let server: S3rver;
  let endpoint: string;
  let session: ConnectorSession & { storage: StorageFacet };
  const parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: BigInt64Array.from([1n, 2n]), type: 'INT64' },
        { name: 'city', data: ['Oslo', 'Lima'], type: 'STRING' },
      ],
    }),
  );

  before(async () => {
    server = new S3rverClass({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'lake' }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const writer = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    for (const [key, body] of [
      ['curated/orders.parquet', parquet],
      ['curated/readme.txt', 'hello'],
      ['top.csv', 'a,b\n1,2\n'],
      ['curated/people.tsv.gz', gzipSync('name\tnote\nAda\t"multi\nline"\nAlan\t\n')],
      ['events/year=2025/part-0.jsonl', '{"id": 9007199254740993}\n{"id": 2}\n'],
    ] as const) {
      await writer.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));
    }
    writer.destroy();
    const driver = await s3Spec.load();
    session = driver.openSession({
      config: {
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        authType: 'keys',
        accessKeyId: 'S3RVER',
        bucket: 'lake',
      },
      secrets: { secretAccessKey: 'S3RVER' },
      logger: silentLogger,
    }) as ConnectorSession & { storage: StorageFacet };
  });
  after(async () => {
    await session?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails a truncated listing (its fault 3: DES continuation tokens under Node's OpenSSL 3), which the connector reports as the server's error", async () => {
    // test() lists one key (MaxKeys 1), so the listing is truncated; the project's server covers test().
    const tested = await session.test();
    assert.deepEqual(tested, { ok: false, message: 'We encountered an internal error. Please try again.' });
  });

  it('lists folders and files one level at a time, and reads a Parquet schema by explicit ranges', async () => {
    const top = await session.storage.listObjects({ prefix: '', delimiter: '/' });
    // Its fault 6: events/ (whose keys sit two levels down) is missing; S3 lists it (the project's server covers that).
    assert.deepEqual(top.commonPrefixes, ['curated/']);
    assert.deepEqual(
      top.objects.map((o) => `${o.key}:${o.size}`),
      ['top.csv:8'],
    );
    const curated = await session.storage.listObjects({ prefix: 'curated/', delimiter: '/' });
    assert.deepEqual(
      curated.objects.map((o) => o.key),
      ['curated/orders.parquet', 'curated/people.tsv.gz', 'curated/readme.txt'],
    );
    const schema = await session.storage.fileSchema({ path: 'curated/orders.parquet', size: curated.objects[0].size });
    assert.deepEqual(
      schema.columns.map((c) => `${c.name}:${c.type}`),
      ['id:INT64', 'city:STRING'],
    );
    await assert.rejects(session.storage.fileSchema({ path: 'curated/missing.parquet' }), (e: unknown) =>
      ConnectionError.is(e, 'not_found'),
    );
  });

  it('reads TSV.gz and JSON Lines columns, and previews Parquet, TSV.gz (quoted newline) and JSON Lines exactly', async () => {
    const shape = (cols: { name: string; type: string }[]): string[] => cols.map((c) => `${c.name}:${c.type}`);
    assert.deepEqual(shape((await session.storage.fileSchema({ path: 'curated/people.tsv.gz' })).columns), [
      'name:STRING',
      'note:STRING',
    ]);
    assert.deepEqual(shape((await session.storage.fileSchema({ path: 'events/year=2025/part-0.jsonl' })).columns), [
      'id:INT64',
      'year:INT64 (partition)',
    ]);
    const rows = async (path: string): Promise<unknown[][]> => {
      const got: unknown[][] = [];
      await session.storage.previewObject({ path }, 10, { start: () => undefined, rows: (b) => void got.push(...b) });
      return got;
    };
    assert.deepEqual(await rows('curated/orders.parquet'), [
      ['1', 'Oslo'],
      ['2', 'Lima'],
    ]);
    assert.deepEqual(await rows('curated/people.tsv.gz'), [
      ['Ada', 'multi\nline'],
      ['Alan', ''],
    ]);
    assert.deepEqual(await rows('events/year=2025/part-0.jsonl'), [
      ['9007199254740993', '2025'],
      ['2', '2025'],
    ]);
  });
});
