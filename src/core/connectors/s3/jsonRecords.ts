import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { ConnectionError } from '../../errors';
import { mib } from './bounds';

/**
 * JSON records from text, however they are laid out, as DuckDB's read_json and pyarrow read them: one
 * object per line (JSON Lines), several on a line, one spread over many lines (pretty-printed), or the
 * objects of one top-level array. Anything else at the top level (text after an object, a bare value) is
 * an error naming the line. A record longer than `maxBytes` ends the read with the bound in the message;
 * nothing is held but the record being read.
 */
export class JsonScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inArray = false;
  private arrayDone = false;
  private parts: string[] = [];
  private length = 0;
  /** 1-based line of the text being scanned, and where the current record began. */
  private line = 1;
  private recordLine = 1;
  private records = 0;

  constructor(
    private readonly maxChars: number,
    private readonly where: string,
  ) {}

  /** The records completed by this text (each the object's own text). */
  push(text: string, out: (record: string, line: number) => void): void {
    let start = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n') this.line++;
      if (this.depth > 0) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
          continue;
        }
        if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth++;
        else if (c === '}' || c === ']') {
          this.depth--;
          if (this.depth === 0) {
            this.take(text.slice(start < 0 ? 0 : start, i + 1));
            start = -1;
            out(this.parts.join(''), this.recordLine);
            this.records++;
            this.parts = [];
            this.length = 0;
          }
        }
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') continue;
      if (c === '{' && !this.arrayDone) {
        this.depth = 1;
        start = i;
        this.recordLine = this.line;
        continue;
      }
      if (c === '[' && !this.inArray && this.records === 0 && !this.arrayDone) {
        this.inArray = true;
        continue;
      }
      if (c === ',' && this.inArray) continue;
      if (c === ']' && this.inArray) {
        this.inArray = false;
        this.arrayDone = true;
        continue;
      }
      const what =
        this.records > 0 || this.arrayDone
          ? `text after the JSON ${this.arrayDone ? 'array' : 'object'}`
          : 'it is not a JSON object';
      throw new ConnectionError(
        'unsupported',
        `${this.where}: line ${this.line}: ${what} (${snippet(text.slice(i))}).`,
      );
    }
    if (this.depth > 0) this.take(text.slice(start < 0 ? 0 : start));
  }

  /** The end of the text: an object left open is an error. */
  end(): void {
    if (this.depth > 0)
      throw new ConnectionError(
        'unsupported',
        `${this.where}: line ${this.recordLine}: the JSON object is not closed at the end of the text.`,
      );
  }

  /** Whether a record is being read (its end not yet seen). */
  get open(): boolean {
    return this.depth > 0;
  }

  private take(piece: string): void {
    this.length += piece.length;
    if (this.length > this.maxChars) {
      throw new ConnectionError(
        'unsupported',
        `${this.where}: a record at line ${this.recordLine} is longer than ${mib(this.maxChars)}, the most a preview reads for one record; nothing after it is shown.`,
      );
    }
    this.parts.push(piece);
  }
}

const snippet = (text: string): string => JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);

/** Every record of a sample; an incomplete sample's unfinished last record is left out. */
export function jsonRecordsOf(
  text: string,
  complete: boolean,
  where: string,
  maxChars: number,
): { record: string; line: number }[] {
  const scanner = new JsonScanner(maxChars, where);
  const out: { record: string; line: number }[] = [];
  scanner.push(text, (record, line) => out.push({ record, line }));
  if (complete) scanner.end();
  return out;
}

/** A stream stage: UTF-8 bytes in, one record's text out at a time (object mode), bounded per record. */
export class JsonRecordStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private readonly scanner: JsonScanner;

  constructor(maxBytes: number, where: string) {
    super({ readableObjectMode: true });
    this.scanner = new JsonScanner(maxBytes, where);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.scanner.push(this.decoder.write(chunk), (record, line) => this.push({ record, line }));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.scanner.push(this.decoder.end(), (record, line) => this.push({ record, line }));
      this.scanner.end();
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}
