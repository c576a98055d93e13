/**
 * Bounds on reading a text object for a preview: bytes downloaded, bytes inflated, the length of one
 * record, and time. A hostile object (a one-line file of hundreds of MiB, a small gzip that inflates to
 * a GiB) ends with a message that names the bound, never with the extension host's memory, and never
 * with an error thrown where no caller can catch it.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ConnectionError } from '../../errors';

export interface TextBounds {
  /** Bytes of the object downloaded (compressed, when gzip). */
  downloadBytes: number;
  /** Bytes of text inflated from a gzip object. */
  inflatedBytes: number;
  /** Bytes of one record (a CSV record, a JSON Lines line). */
  recordBytes: number;
  /** Milliseconds the whole preview may take. */
  timeMs: number;
}

export const textBounds: TextBounds = {
  downloadBytes: 1024 * 1024 * 1024,
  inflatedBytes: 1024 * 1024 * 1024,
  recordBytes: 8 * 1024 * 1024,
  timeMs: 120_000,
};

export const mib = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** Passes bytes through, failing with `message` once more than `limit` have passed. */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly message: () => string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new ConnectionError('unsupported', this.message()));
    else done(null, chunk);
  }
}
