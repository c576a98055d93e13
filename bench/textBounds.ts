/**
 * A hostile text object (`npm run bench -- text`): a gzip JSON Lines file of about 1 MB that inflates to
 * one line of 1 GiB, previewed through the connector against the project's S3 server.
 * - text_preview_oneline_1gib_peak_mb: resident memory above the start at its peak while the preview
 *   runs to its clear refusal (goal ≤ 256);
 * - text_preview_oneline_1gib_ms: how long until that refusal.
 */
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

import { S3Server } from '../test/support/s3/server';
import { openS3Session } from '../test/support/s3/session';

type Bench = (name: string, value: number, unit: string) => void;

async function oneLineGzip(bytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  let left = bytes;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      left -= chunk.length;
      this.push(chunk);
    },
  });
  const out: Buffer[] = [];
  for await (const part of source.pipe(createGzip())) out.push(part as Buffer);
  return Buffer.concat(out);
}

export async function textBoundFigures(bench: Bench): Promise<void> {
  const server = await S3Server.start();
  server.createBucket('lake');
  server.put('lake', 'oneline.jsonl.gz', await oneLineGzip(1024 * 1024 * 1024));
  const session = await openS3Session(server.endpoint);
  const { storage } = session;
  try {
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const started = performance.now();
    const outcome = await storage
      .previewObject({ path: 'oneline.jsonl.gz' }, 100, { start: () => undefined, rows: () => undefined })
      .then(
        () => 'rows',
        (error: unknown) => String(error),
      );
    const ms = performance.now() - started;
    clearInterval(timer);
    if (!/longer than/.test(outcome)) throw new Error(`the preview did not end at its bound: ${outcome}`);
    bench(
      'text_preview_oneline_1gib_peak_mb',
      Math.round((Math.max(peak, process.memoryUsage().rss) - base) / 1024 / 1024),
      'MB',
    );
    bench('text_preview_oneline_1gib_ms', Math.round(ms), 'ms');
  } finally {
    await session.close();
    await server.close();
  }
}
