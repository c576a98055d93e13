/**
 * S3 through the extension core vs the raw SDK and hyparquet, against the project's S3 server:
 * - parquet_schema_bytes_read / parquet_schema_requests: a Parquet file of at least 200 MB with dozens of
 *   columns, its schema read as the tree reads it (size known from the listing) (goal: ≤ 65,536 bytes in 1 request);
 * - s3_list_first_page_ms and s3_list_ratio: the first page of a 100,000-key bucket through the connector vs
 *   ListObjectsV2 through the raw SDK (goal ≤ 1.2);
 * - parquet_preview_1000x20_ratio: a 1,000 × 20 preview through the connector vs hyparquet reading the same
 *   rows directly over the same ranged reads (goal ≤ 1.2).
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { CellValue } from '../src/core/api/types';
import { s3Spec } from '../src/core/connectors/s3/spec';

import { S3Server } from '../test/support/s3/server';
import { silentLogger } from '../test/support/doubles';

type Bench = (name: string, value: number, unit: string) => void;
type SideBySide = (
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
) => Promise<{ a: number; b: number; ratio: number }>;

export async function s3Figures(bench: Bench, sideBySide: SideBySide): Promise<void> {
  const server = await S3Server.start();
  server.createBucket('lake');
  // 40 columns of 700,000 doubles that do not compress: about 224 MB.
  const rows = 700_000;
  const columns = Array.from({ length: 40 }, (_, c) => {
    const data = new Float64Array(rows);
    for (let i = 0; i < rows; i++) data[i] = Math.sin(i * (c + 1.37)) * 1e6 + i / 7;
    return { name: `metric_${String(c + 1).padStart(2, '0')}`, data, type: 'DOUBLE' as const };
  });
  const big = Buffer.from(parquetWriteBuffer({ columnData: columns, rowGroupSize: 100_000 }));
  server.put('lake', 'big/wide.parquet', big);
  const wide = Buffer.from(
    parquetWriteBuffer({
      columnData: Array.from({ length: 20 }, (_, c) => ({
        name: `c${c}`,
        data: Array.from({ length: 1000 }, (_, i) => `value ${i}-${c}`),
        type: 'STRING' as const,
      })),
    }),
  );
  server.put('lake', 'small/wide_1000x20.parquet', wide);
  for (let i = 0; i < 100_000; i++) server.put('lake', `keys/part-${String(i).padStart(6, '0')}.json`, '{}');

  const driver = await s3Spec.load();
  const session = driver.openSession({
    config: {
      endpoint: server.endpoint,
      forcePathStyle: true,
      authType: 'keys',
      accessKeyId: 'AKIATESTKEY',
      bucket: 'lake',
    },
    secrets: { secretAccessKey: 'test-secret-key' },
    logger: silentLogger,
  });
  const raw = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIATESTKEY', secretAccessKey: 'test-secret-key' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    bench('parquet_file_mb', Math.round((big.length / 1024 / 1024) * 10) / 10, 'MB');
    const before = server.log.length;
    const schema = await session.storage!.fileSchema({ bucket: 'lake', path: 'big/wide.parquet', size: big.length });
    if (schema.columns.length !== 40) throw new Error(`read ${schema.columns.length} columns`);
    const reads = server.log.slice(before);
    bench(
      'parquet_schema_bytes_read',
      reads.reduce((n, r) => n + r.bytes, 0),
      'bytes',
    );
    bench('parquet_schema_requests', reads.length, 'requests');

    const core = (): Promise<unknown> => session.storage!.listObjects({ bucket: 'lake', prefix: '', delimiter: '/' });
    const keys = (): Promise<unknown> =>
      session.storage!.listObjects({ bucket: 'lake', prefix: 'keys/', delimiter: '/' });
    const bare = (): Promise<unknown> =>
      raw.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'keys/', Delimiter: '/', MaxKeys: 1000 }));
    await core();
    const list = await sideBySide(21, keys, bare);
    bench('s3_list_first_page_ms', Number(list.a.toFixed(1)), 'ms');
    bench('s3_list_ratio', list.ratio, 'x');

    const file: AsyncBuffer = {
      byteLength: wide.length,
      slice: async (start, end = wide.length) => {
        const answer = await raw.send(
          new GetObjectCommand({
            Bucket: 'lake',
            Key: 'small/wide_1000x20.parquet',
            Range: `bytes=${start}-${end - 1}`,
          }),
        );
        const bytes = await answer.Body!.transformToByteArray();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    };
    const viaCore = async (): Promise<number> => {
      let n = 0;
      await session.storage!.previewObject(
        { bucket: 'lake', path: 'small/wide_1000x20.parquet', size: wide.length },
        1000,
        {
          start: () => undefined,
          rows: (b: CellValue[][]) => void (n += b.length),
        },
      );
      return n;
    };
    const direct = async (): Promise<number> => (await parquetReadObjects({ file, compressors, rowEnd: 1001 })).length;
    if ((await viaCore()) !== 1000 || (await direct()) !== 1000) throw new Error('the preview did not read 1,000 rows');
    const preview = await sideBySide(31, viaCore, direct);
    bench('parquet_preview_1000x20_ms', Number(preview.a.toFixed(1)), 'ms');
    bench('parquet_preview_1000x20_ratio', preview.ratio, 'x');
  } finally {
    raw.destroy();
    await session.close();
    await server.close();
  }
}
