import { createGunzip } from 'node:zlib';
import { ConnectionError } from '../../errors';

/**
 * The start of a gzip stream (its bytes), inflated as far as the bytes read allow and never past `limit` (a small
 * compressed file can inflate to gigabytes): the text, and whether the stream ended inside it.
 */
export function inflateStart(
  compressed: Buffer,
  limit: number,
  where: string,
): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let length = 0;
    let settled = false;
    const gunzip = createGunzip();
    const done = (complete: boolean): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve({ bytes: Buffer.concat(out).subarray(0, limit), complete });
    };
    gunzip.on('data', (chunk: Buffer) => {
      out.push(chunk);
      length += chunk.length;
      if (length >= limit) done(false);
    });
    gunzip.on('end', () => done(true));
    gunzip.on('error', (error: NodeJS.ErrnoException) => {
      // The read stopped inside the stream: what was inflated is the sample.
      if (error.code === 'Z_BUF_ERROR' && length > 0) return done(false);
      if (settled) return;
      settled = true;
      reject(new ConnectionError('unsupported', `${where} is not a gzip file that can be read: ${error.message}`));
    });
    gunzip.end(compressed);
  });
}
