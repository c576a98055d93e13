import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { SpacesBeforeQuotes } from './csvDialect';

/** The text encodings a delimited file is read in, by their WHATWG names. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'macintosh';

/** Bytes 0x80–0x9F that are letters in Mac Roman (Ä Å Ç É Ñ Ö Ü á à â ä ã å ç é è ê ë í ì î ï ñ ó ò ô ö õ ú ù û ü). */
const macLetters = (b: number): boolean => b >= 0x80 && b <= 0x9f;
/** Bytes 0xC0–0xFF: letters in Latin-1 and Windows-1252, mostly symbols in Mac Roman. */
const latinLetters = (b: number): boolean => b >= 0xc0;

/**
 * A text file's encoding from its first bytes: a byte order mark; UTF-16 without one by its NUL bytes;
 * UTF-8 when the bytes are valid UTF-8 (a sequence cut by the sample's end allowed); otherwise a
 * single-byte encoding: Mac Roman where its accented letters (0x80–0x9F) outnumber Latin-1's (0xC0–0xFF),
 * Windows-1252 (a superset of Latin-1's printable characters) else.
 */
export function sniffEncoding(bytes: Uint8Array): { encoding: TextEncoding; bom: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const n = Math.min(bytes.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  // ASCII text in UTF-16 has a NUL in every other byte; text in an 8-bit encoding has none.
  if (n >= 4 && oddNul > n / 2 / 2 && evenNul === 0) return { encoding: 'utf-16le', bom: 0 };
  if (n >= 4 && evenNul > n / 2 / 2 && oddNul === 0) return { encoding: 'utf-16be', bom: 0 };
  if (validUtf8(bytes)) return { encoding: 'utf-8', bom: 0 };
  let mac = 0;
  let latin = 0;
  for (const b of bytes) {
    if (macLetters(b)) mac++;
    else if (latinLetters(b)) latin++;
  }
  return { encoding: mac > latin ? 'macintosh' : 'windows-1252', bom: 0 };
}

/** Whether bytes are UTF-8, allowing a sequence that the end of a sample cuts short. */
function validUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, trimCut(bytes)));
    return true;
  } catch {
    return false;
  }
}

/** The length of bytes without a trailing, incomplete UTF-8 sequence. */
function trimCut(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** A sample's text in its encoding (without its byte order mark). */
export function decodeSample(bytes: Uint8Array, encoding: TextEncoding, bom: number): string {
  return new TextDecoder(encoding).decode(
    bytes.subarray(
      bom,
      encoding === 'utf-8' ? trimCut(bytes) : bytes.length & (encoding.startsWith('utf-16') ? ~1 : ~0),
    ),
  );
}

/** A stream stage that turns text in `encoding` into UTF-8 (its byte order mark dropped), chunk by chunk. */
export class ToUtf8 extends Transform {
  private readonly decoder: TextDecoder;

  constructor(encoding: TextEncoding) {
    super();
    this.decoder = new TextDecoder(encoding);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.decode(chunk, { stream: true });
    done(null, text ? Buffer.from(text, 'utf8') : undefined);
  }

  override _flush(done: TransformCallback): void {
    const text = this.decoder.decode();
    done(null, text ? Buffer.from(text, 'utf8') : undefined);
  }
}

/** A stream stage that drops spaces before opening quotes (csvDialect's SpacesBeforeQuotes), on UTF-8 text. */
export function spacesBeforeQuotes(delimiter: string, quote = '"'): Transform {
  const state = new SpacesBeforeQuotes(delimiter, quote);
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(state.push(decoder.write(chunk)), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(state.push(decoder.end()) + state.end(), 'utf8'));
    },
  });
}

/** A stream stage that drops the first `count` lines (a preamble), ended by \n, \r\n or \r. */
export function skipLines(count: number): Transform {
  let left = count;
  let afterCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (left <= 0) return done(null, chunk);
      let i = 0;
      // A \n right after a \r that ended a line belongs to that line end.
      if (afterCr && chunk[0] === 0x0a) i = 1;
      afterCr = false;
      for (; i < chunk.length && left > 0; i++) {
        const b = chunk[i];
        if (b === 0x0a) left--;
        else if (b === 0x0d) {
          left--;
          if (chunk[i + 1] === 0x0a) i++;
          else if (i + 1 === chunk.length) afterCr = true;
        }
      }
      done(null, i < chunk.length ? chunk.subarray(i) : undefined);
    },
  });
}

/** Text without its first `count` lines. */
export function dropLines(text: string, count: number): string {
  let at = 0;
  for (let n = 0; n < count && at < text.length; n++) {
    const m = /\r\n|\n|\r/g;
    m.lastIndex = at;
    const found = m.exec(text);
    if (!found) return '';
    at = found.index + found[0].length;
  }
  return text.slice(at);
}
