import type { ColumnInfo } from '../../api/types';
import { ConnectionError, errorMessage } from '../../errors';
import { mib, textBounds } from './bounds';
import { formatByName } from './formats';
import type { CsvDialect } from './csvDialect';
import { inflateStart } from './gzip';
import { csvSchema, jsonLinesColumns } from './textSchema';
import { JsonScanner } from './jsonRecords';
import { decodeSample, sniffEncoding, type TextEncoding } from './textEncoding';

/** The first bytes of a text file read for its columns (and at most four times that, inflated, from gzip). */
export const textSampleBytes = 64 * 1024;

/** How a text object is read: its format, compression, encoding and (delimited) dialect, and its columns. */
export interface TextLayout {
  format: 'csv' | 'tsv' | 'jsonl';
  gzip: boolean;
  encoding: TextEncoding;
  dialect?: CsvDialect;
  columns: ColumnInfo[];
}

const isGzip = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;
const isParquet = (b: Uint8Array): boolean =>
  b[0] === 0x50 && b[1] === 0x41 && b[2] === 0x52 && (b[3] === 0x31 || b[3] === 0x45);

/** What the first bytes are: Parquet (PAR1, or PARE for an encrypted footer), gzip, or text. */
export function formatByBytes(head: Uint8Array): 'parquet' | 'gzip' | 'text' {
  return isParquet(head) ? 'parquet' : isGzip(head) ? 'gzip' : 'text';
}

/** Whether decoded text looks like binary data (control characters other than tab, CR, LF, FF). */
function looksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  let control = 0;
  for (const c of head) {
    const code = c.charCodeAt(0);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) || code === 0xfffd) control++;
  }
  return control > head.length / 20;
}

/**
 * A text object's layout from its first bytes ('parquet' when they are Parquet's): gzip by its magic, the encoding sniffed, JSON Lines when
 * the name says so or the text starts with `{`, delimited text otherwise. The sample grows (four times
 * each time, up to a record's bound) while it holds no whole record.
 */
export async function readTextLayout(
  read: (start: number, end: number) => Promise<Uint8Array>,
  size: number,
  path: string,
  where: string,
): Promise<TextLayout | 'parquet'> {
  if (size === 0) throw new ConnectionError('unsupported', `${where} is empty (0 bytes): it has no schema.`);
  const named = formatByName(path);
  let sampleBytes = textSampleBytes;
  let gzip = false;
  for (;;) {
    const want = Math.min(size, gzip ? 4 * sampleBytes : sampleBytes);
    const raw = Buffer.from(await read(0, want));
    gzip = isGzip(raw);
    // Parquet under another name: read as what it is.
    if (isParquet(raw)) return 'parquet';
    // Inflated: four times the sample at first, never much past a record's bound when looking for one.
    const inflate = Math.min(sampleBytes * 4, Math.max(textSampleBytes * 4, textBounds.recordBytes + textSampleBytes));
    const sample = gzip ? await inflateStart(raw, inflate, where) : { bytes: raw, complete: want === size };
    const complete = gzip ? sample.complete && want === size : sample.complete;
    const { encoding, bom } = sniffEncoding(sample.bytes);
    const text = decodeSample(sample.bytes, encoding, bom);
    if (complete || /[\r\n]/.test(text.slice(0, -1))) {
      if (looksBinary(text))
        throw new ConnectionError(
          'unsupported',
          `${where} holds binary data, not text; previews read Parquet, CSV and JSON Lines.`,
        );
      const columns = textColumns(text, complete, named, path, where);
      // A JSON record spread over more lines than the sample holds: read further.
      if (columns) return { ...columns, gzip, encoding };
    }
    if (sampleBytes >= textBounds.recordBytes) {
      throw new ConnectionError(
        'unsupported',
        `${where}: its first record is longer than ${mib(textBounds.recordBytes)}, the most a schema read takes for one record.`,
      );
    }
    sampleBytes *= 4;
  }
}

/** Columns of a decoded sample, as JSON Lines or delimited text. */
function textColumns(
  text: string,
  complete: boolean,
  named: string | undefined,
  path: string,
  where: string,
): Pick<TextLayout, 'format' | 'dialect' | 'columns'> | undefined {
  // Never a preview of empty rows: a file with text but no columns says so.
  const found = (columns: ColumnInfo[]): ColumnInfo[] => {
    if (columns.length > 0) return columns;
    throw new ConnectionError(
      'unsupported',
      `${where}: no columns in its first ${mib(text.length)} (only empty lines?).`,
    );
  };
  // JSON: one object a line, several, pretty-printed ones, or an array of objects.
  const jsonl = named === 'jsonl' || (named !== 'csv' && named !== 'tsv' && /^\s*[{[]/.test(text));
  if (jsonl) {
    try {
      if (!complete && firstRecordOpen(text, where)) return undefined;
      return {
        format: 'jsonl',
        columns: found(jsonLinesColumns(text, { complete, where, maxChars: textBounds.recordBytes })),
      };
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      throw new ConnectionError('unsupported', `${where} is not JSON Lines: ${errorMessage(error)}.`);
    }
  }
  const hint = named === 'tsv' ? '\t' : /\.ssv(\.(gz|gzip))?$/i.test(path) ? ' ' : undefined;
  let schema: ReturnType<typeof csvSchema>;
  try {
    schema = csvSchema(text, { complete, ...(hint ? { delimiter: hint } : {}) });
  } catch (error) {
    if (ConnectionError.is(error)) throw error;
    throw new ConnectionError('unsupported', `${where}: ${errorMessage(error)}.`);
  }
  const { columns, dialect } = schema;
  return { format: dialect.delimiter === '\t' ? 'tsv' : 'csv', dialect, columns: found(columns) };
}

/** Whether a cut JSON sample ends inside its first record (more must be read), not in whitespace. */
function firstRecordOpen(text: string, where: string): boolean {
  const scanner = new JsonScanner(textBounds.recordBytes, where);
  let records = 0;
  scanner.push(text, () => records++);
  return records === 0 && scanner.open;
}
