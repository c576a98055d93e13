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

/**
 * JSON Lines records as Buffers, one per line (`\n`, a `\r` before it dropped), without building a
 * string longer than a record may be: a line longer than `limit` bytes fails naming its number.
 */
export class LineSplitter extends Transform {
  private parts: Buffer[] = [];
  private length = 0;
  private line = 0;

  constructor(
    private readonly limit: number,
    private readonly where: string,
  ) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let from = 0;
    for (;;) {
      if (this.length === 0) {
        // Runs of empty lines between records: skipped byte by byte, not line by line.
        while (from < chunk.length && (chunk[from] === 0x0a || chunk[from] === 0x0d)) {
          if (chunk[from] === 0x0a) this.line++;
          from++;
        }
        if (from >= chunk.length) break;
      }
      const end = chunk.indexOf(0x0a, from);
      const piece = chunk.subarray(from, end < 0 ? chunk.length : end);
      if (this.length + piece.length > this.limit) {
        done(this.tooLong());
        return;
      }
      if (piece.length) {
        this.parts.push(piece);
        this.length += piece.length;
      }
      if (end < 0) break;
      this.emitLine();
      from = end + 1;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.length > 0) this.emitLine();
    done();
  }

  private emitLine(): void {
    this.line++;
    // An empty line is no record: skipped here, not handed on (a GiB of them would be a billion pushes).
    if (this.length === 0 || (this.length === 1 && this.parts[0]![0] === 0x0d)) {
      this.parts = [];
      this.length = 0;
      return;
    }
    let line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    if (line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    this.parts = [];
    this.length = 0;
    this.push(line);
  }

  private tooLong(): ConnectionError {
    return new ConnectionError(
      'unsupported',
      `${this.where}: line ${this.line + 1} is longer than ${mib(this.limit)}, the most a preview reads for one record; nothing after it is shown.`,
    );
  }
}
