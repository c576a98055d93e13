import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseStream } from 'csv-parse';
import { parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SubColumnData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { CellValue } from '../../api/types';
import { ConnectionError, errorMessage } from '../../errors';
import { ByteLimit, mib, textBounds, type TextBounds } from './bounds';
import { JsonRecordStream } from './jsonRecords';
import { type CappedSink } from '../sql/streaming';
import { readerWords, leafPathsOf, paddedChunks, parquetColumns } from './parquet';
import { cellConverter, civil, instant, readableSchema, sparkWrap } from './parquetValues';
import { asText } from '../../../shared/asText';

const utf8 = new TextDecoder();
import { parseOptions, type CsvDialect } from './csvDialect';
import { checkJson, jsonMembers } from './textSchema';
import { skipLines, spacesBeforeQuotes, ToUtf8, type TextEncoding } from './textEncoding';

/** A row group whose columns would inflate past this is refused before anything is decoded. */
export const maxRowGroupBytes = 512 * 1024 * 1024;

/**
 * Parquet rows, a row group at a time through ranged reads, up to the cap. Sizes in the footer are
 * checked first: a row group that would inflate past maxRowGroupBytes is refused, not decoded.
 * Decimals (stored as integers or bytes), timestamps (INT96 and far-future ones too) and dates are
 * exact text; the codecs real files use (Snappy, gzip, ZSTD, Brotli, LZ4) are read.
 */
export async function previewParquet(
  file: AsyncBuffer,
  metadata: FileMetaData,
  sink: CappedSink,
  where: string,
  partitions: { names: string[]; types: string[]; values: (string | null)[] },
  timeMs = textBounds.timeMs,
): Promise<void> {
  const deadline = Date.now() + timeMs;
  const late = (): ConnectionError =>
    new ConnectionError('timeout', `${where}: the preview took longer than ${timeMs / 1000} s; it stops there.`);
  const tree = parquetSchema(metadata);
  const columns = parquetColumns(tree);
  sink.start(
    [...columns.map((c) => c.name), ...partitions.names],
    [...columns.map((c) => c.type), ...partitions.types],
  );
  const raw: FileMetaData = {
    ...metadata,
    schema: readableSchema(metadata.schema),
    row_groups: paddedChunks(metadata, tree, file.byteLength - 8 - metadata.metadata_length),
  };
  const convert = tree.children.map(cellConverter);
  const names = columns.map((c) => c.name);
  const leafPaths = leafPathsOf(tree);
  let start = 0;
  for (const [g, group] of metadata.row_groups.entries()) {
    if (sink.remaining <= 0) break;
    const inflated = group.columns.reduce((n, c) => n + Number(c.meta_data?.total_uncompressed_size ?? 0n), 0);
    if (inflated > maxRowGroupBytes) {
      throw new ConnectionError(
        'unsupported',
        `${where}: a row group would inflate to ${(inflated / 1024 / 1024).toFixed(0)} MB; not read.`,
      );
    }
    const end = start + Number(group.num_rows);
    const rowEnd = Math.min(end, start + sink.remaining);
    let rows: unknown[][] = [];
    // How far each leaf column's pages reach: the reader pads a column that ends early with nulls.
    const reached = new Map<string, number>();
    if (Date.now() > deadline) throw late();
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = parquetRead({
        file,
        metadata: raw,
        rowStart: start,
        rowEnd,
        compressors,
        // Bytes stay bytes unless an annotation says they are text.
        utf8: false,
        parsers: {
          timestampFromMilliseconds: (v) => instant(BigInt(v), 1000n),
          timestampFromMicroseconds: (v) => instant(BigInt(v), 1_000_000n),
          timestampFromNanoseconds: (v) => instant(sparkWrap(BigInt(v)), 1_000_000_000n),
          dateFromDays: (d) => civil(BigInt(d)),
          // JSON columns as their own text (parsed, their numbers would lose digits).
          jsonFromBytes: (b) => utf8.decode(b),
        },
        onPage: (page: SubColumnData) => {
          const path = page.pathInSchema.join('.');
          reached.set(path, Math.max(reached.get(path) ?? 0, page.rowEnd));
        },
        onComplete: (decoded: unknown[][]) => {
          rows = decoded;
        },
      });
      // The time bound: a row group that does not arrive in time ends the preview (its reads are dropped).
      await Promise.race([
        read,
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(late()), Math.max(0, deadline - Date.now()))),
        ),
      ]);
    } catch (error) {
      throw damaged(error, where, `row group ${g + 1}`);
    } finally {
      clearTimeout(timer);
    }
    // A page that holds fewer values than its row group says is damage, not a shorter table.
    const short = Math.min(rows.length + start, ...leafPaths.map((p) => reached.get(p) ?? start)) - start;
    if (short < rowEnd - start || rows.length !== rowEnd - start || rows.some((r) => r.length !== names.length)) {
      throw new ConnectionError(
        'unsupported',
        `${where}: row group ${g + 1} says it holds ${group.num_rows} rows, but its pages hold ${short < rowEnd - start ? `only ${short}` : 'other'} rows; the file is damaged.`,
      );
    }
    const shaped: CellValue[][] = new Array<CellValue[]>(rows.length);
    const width = convert.length;
    const extra = partitions.values;
    let r = 0;
    try {
      for (; r < rows.length; r++) {
        const row = rows[r];
        const cells = new Array<CellValue>(width + extra.length);
        for (let i = 0; i < width; i++) cells[i] = convert[i](row[i]);
        for (let i = 0; i < extra.length; i++) cells[width + i] = extra[i]!;
        shaped[r] = cells;
      }
    } catch (error) {
      throw damaged(error, where, `row ${start + r + 1}`);
    }
    await sink.rows(shaped);
    start = end;
  }
}

/** The reader's failure on damaged data in words: its own messages kept, its internals never shown. */
export function damaged(error: unknown, where: string, at: string): ConnectionError {
  if (ConnectionError.is(error)) return error;
  const said =
    readerWords(error) ||
    (/snappy|decompress|inflate|zstd|brotli|lz4/i.test(errorMessage(error))
      ? ' (a compressed page cannot be inflated)'
      : '');
  return new ConnectionError(
    'unsupported',
    `${where}: ${at} cannot be decoded${said}; the file is damaged or written in a form this reader does not know.`,
  );
}

/**
 * CSV/TSV or JSON Lines rows, streamed from the object (inflated on the way when gzip), handed to the
 * grid a batch at a time with its back-pressure; reading stops, and the download with it, at the cap.
 * Every read is bounded (bytes downloaded and inflated, one record's length, time: `bounds`), and
 * every failure of any stage (the download, gzip, the parser) ends the preview with a clear message.
 */
export async function previewText(
  body: Readable,
  options: {
    format: 'csv' | 'jsonl';
    gzip: boolean;
    /** The text's encoding, when not UTF-8 (decoded to UTF-8 on the way). */
    encoding?: TextEncoding;
    /** How the delimited text is written (csv). */
    dialect?: CsvDialect;
    names: string[];
    types: string[];
    /** Hive-style partition columns: the same values on every row. */
    partitions: { names: string[]; types: string[]; values: (string | null)[] };
    /** The object, for messages. */
    where: string;
    bounds?: TextBounds;
  },
  sink: CappedSink,
): Promise<void> {
  const bounds = options.bounds ?? textBounds;
  const { where } = options;
  const stages: NodeJS.ReadWriteStream[] = [
    new ByteLimit(
      bounds.downloadBytes,
      () =>
        `${where}: the preview read ${mib(bounds.downloadBytes)} of the object without reaching its rows; it stops there.`,
    ),
  ];
  if (options.gzip) {
    stages.push(
      createGunzip(),
      new ByteLimit(
        bounds.inflatedBytes,
        () =>
          `${where}: the gzip text inflated past ${mib(bounds.inflatedBytes)} before the preview had its rows; it stops there.`,
      ),
    );
  }
  if (options.encoding && options.encoding !== 'utf-8') stages.push(new ToUtf8(options.encoding));
  const dialect: CsvDialect = options.dialect ?? {
    delimiter: ',',
    quote: '"',
    skipLines: 0,
    header: false,
    spacesBeforeQuotes: false,
  };
  if (options.format === 'csv' && dialect.skipLines > 0) stages.push(skipLines(dialect.skipLines));
  if (options.format === 'csv' && dialect.spacesBeforeQuotes)
    stages.push(spacesBeforeQuotes(dialect.delimiter, dialect.quote));
  stages.push(
    options.format === 'csv'
      ? parseStream({ ...parseOptions(dialect), max_record_size: bounds.recordBytes })
      : new JsonRecordStream(bounds.recordBytes, where),
  );
  const records = pipeline([body, ...stages], () => undefined) as unknown as Readable;
  const timer = setTimeout(
    () =>
      records.destroy(
        new ConnectionError(
          'timeout',
          `${where}: the preview took longer than ${bounds.timeMs / 1000} s; it stops there.`,
        ),
      ),
    bounds.timeMs,
  );
  sink.start([...options.names, ...options.partitions.names], [...options.types, ...options.partitions.types]);
  const extra = options.partitions.values;
  const index = new Map(options.names.map((n, i) => [n, i]));
  // A JSON-typed key (its records disagree on the kind) shows each value as its JSON text.
  const raw = options.types.map((t) => t === 'JSON');
  let batch: CellValue[][] = [];
  let skipHeader = options.format === 'csv' && dialect.header;
  try {
    for await (const record of records) {
      if (options.format === 'csv') {
        if (skipHeader) {
          skipHeader = false;
          continue;
        }
        const cells = record as string[];
        batch.push([...options.names.map((_, i) => cells[i] ?? null), ...extra]);
      } else {
        const { record: text, line } = record as { record: string; line: number };
        checkJson(text, line, where);
        const row: CellValue[] = options.names.map(() => null);
        for (const [key, value] of jsonMembers(text) ?? []) {
          const at = index.get(key);
          if (at !== undefined) row[at] = raw[at] ? (value === 'null' ? null : value) : jsonCell(value);
        }
        batch.push([...row, ...extra]);
      }
      if (batch.length >= 1000) {
        await sink.rows(batch);
        batch = [];
        if (sink.remaining <= 0) break;
      }
    }
    if (batch.length && sink.remaining > 0) await sink.rows(batch);
  } catch (error) {
    throw textError(error, where, bounds);
  } finally {
    clearTimeout(timer);
    records.destroy();
    body.destroy();
  }
}

/** A parser's or inflater's failure in words; ours (the bounds) as they are. */
function textError(error: unknown, where: string, bounds: TextBounds): ConnectionError {
  if (ConnectionError.is(error)) return error;
  const e = error as { code?: unknown; message?: unknown; lines?: unknown };
  const code = asText(e.code);
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return new ConnectionError(
      'unsupported',
      `${where}: a record${typeof e.lines === 'number' ? ` at line ${e.lines}` : ''} is longer than ${mib(bounds.recordBytes)}, the most a preview reads for one record; nothing after it is shown.`,
    );
  }
  if (code.startsWith('Z_') || /incorrect header check|unexpected end of file/i.test(String(e.message))) {
    return new ConnectionError(
      'unsupported',
      `${where}: the gzip data is damaged (${String(e.message)}); rows before the damage are not shown as a whole file.`,
    );
  }
  if (code.startsWith('CSV_'))
    return new ConnectionError('unsupported', `${where}: the CSV text cannot be read here (${String(e.message)}).`);
  return new ConnectionError('unsupported', `${where}: its rows could not be read (${errorMessage(error)}).`);
}

/** A JSON value as a cell: strings unquoted, numbers and nested values as their own text (exact). */
function jsonCell(text: string): CellValue {
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  return text;
}
