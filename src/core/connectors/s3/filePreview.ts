import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseStream } from 'csv-parse';
import { parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaElement, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { CellValue } from '../../api/types';
import { ConnectionError, errorMessage } from '../../errors';
import { ByteLimit, LineSplitter, mib, textBounds, type TextBounds } from './bounds';
import { type CappedSink } from '../sql/streaming';
import { parquetColumns } from './parquet';
import { jsonMembers } from './textSchema';

/** A row group whose columns would inflate past this is refused before anything is decoded. */
export const maxRowGroupBytes = 512 * 1024 * 1024;

const day = 86_400_000n;

/** A UTC instant from a count of `unit`s since the epoch, to the digit (far-future and nanosecond ones too). */
export function instant(count: bigint, perSecond: bigint): string {
  const perMs = perSecond / 1000n || 1n;
  const ms = perSecond >= 1000n ? count / perMs - (count % perMs < 0n ? 1n : 0n) : count * 1000n;
  const rest = perSecond >= 1000n ? count - ms * perMs : 0n;
  const days = ms / day - (ms % day < 0n ? 1n : 0n);
  const date = civil(days);
  const inDay = ms - days * day;
  const hh = inDay / 3_600_000n;
  const mm = (inDay / 60_000n) % 60n;
  const ss = (inDay / 1000n) % 60n;
  const frac = `${String(inDay % 1000n).padStart(3, '0')}${perSecond > 1000n ? String(rest).padStart(String(perSecond / 1000n).length - 1, '0') : ''}`;
  const two = (n: bigint): string => String(n).padStart(2, '0');
  return `${date} ${two(hh)}:${two(mm)}:${two(ss)}.${frac}`;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (any year, no Date range limit). */
export function civil(days: bigint): string {
  // Howard Hinnant's days_from_civil, inverted.
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  const y = yoe + era * 400n + (m <= 2n ? 1n : 0n);
  const year = y < 0n ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Exact text of an unscaled decimal (an integer, or two's-complement big-endian bytes). */
export function decimalText(raw: unknown, scale: number): string {
  let v: bigint;
  if (raw instanceof Uint8Array) {
    v = 0n;
    for (const b of raw) v = (v << 8n) | BigInt(b);
    if (raw.length > 0 && raw[0]! & 0x80) v -= 1n << BigInt(raw.length * 8);
  } else v = BigInt(raw as number | bigint);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** A decimal's exact text, written into nested JSON as a number (unquoted). */
class Exact {
  constructor(readonly text: string) {}
}

/** JSON for a nested value, every number as its exact text: bigint and decimals unquoted, bytes as base64. */
function toJson(v: unknown): string {
  if (v instanceof Exact) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${toJson(x)}`).join(',')}}`;
  if (typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A decimal leaf's scale, from its own (original) annotations. */
function scaleOf(e: SchemaElement): number | undefined {
  return e.logical_type?.type === 'DECIMAL' ? e.logical_type.scale : e.converted_type === 'DECIMAL' ? (e.scale ?? 0) : undefined;
}

/** A decoded value with its decimals (read raw) made exact, walking the column's schema. */
function exactValue(value: unknown, node: SchemaTree): unknown {
  if (value === null || value === undefined) return null;
  const e = node.element;
  if (node.children.length === 0) {
    const scale = scaleOf(e);
    return scale === undefined ? value : new Exact(decimalText(value, scale));
  }
  const kind = e.logical_type?.type ?? e.converted_type;
  if (kind === 'LIST' && Array.isArray(value) && node.children.length === 1) {
    const repeated = node.children[0]!;
    const element = repeated.children.length === 1 ? repeated.children[0]! : repeated;
    return value.map((x) => exactValue(x, element));
  }
  if ((kind === 'MAP' || kind === 'MAP_KEY_VALUE') && node.children[0]?.children.length === 2) {
    const valueNode = node.children[0].children[1]!;
    if (value instanceof Map) return new Map([...value].map(([k, x]) => [k, exactValue(x, valueNode)]));
    if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, exactValue(x, valueNode)]));
    return value;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(node.children.map((c) => [c.element.name, exactValue(record[c.element.name], c)]));
  }
  return value;
}

/** A plain leaf's value as a cell. */
function plainCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Uint8Array) return v;
  if (typeof v === 'bigint') return v.toString();
  return toJson(v);
}

/** Turns a decoded value into a cell: bigint as text, decimals exact, nested values as exact JSON text. */
function cell(value: unknown, node: SchemaTree): CellValue {
  const v = exactValue(value, node);
  if (v === null || v === undefined) return null;
  if (v instanceof Exact) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return v;
  return toJson(v);
}

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
  partitions: { names: string[]; types: string[]; values: string[] },
): Promise<void> {
  const columns = parquetColumns(parquetSchema(metadata));
  sink.start([...columns.map((c) => c.name), ...partitions.names], [...columns.map((c) => c.type), ...partitions.types]);
  // Decimal columns, nested ones too, are read raw and written exactly here (the reader makes them doubles).
  const tree = parquetSchema(metadata);
  const schema: SchemaElement[] = metadata.schema.map((e) => {
    if (scaleOf(e) === undefined || e.num_children) return e;
    const plain: SchemaElement = { ...e };
    delete plain.logical_type;
    delete plain.converted_type;
    return plain;
  });
  const raw: FileMetaData = { ...metadata, schema };
  // One converter per column, chosen once: a plain leaf needs no walk of its schema.
  const convert = tree.children.map((node): ((v: unknown) => CellValue) =>
    node.children.length === 0 && scaleOf(node.element) === undefined ? plainCell : (v) => cell(v, node),
  );
  let start = 0;
  for (const group of metadata.row_groups) {
    if (sink.remaining <= 0) break;
    const inflated = group.columns.reduce((n, c) => n + Number(c.meta_data?.total_uncompressed_size ?? 0n), 0);
    if (inflated > maxRowGroupBytes) {
      throw new ConnectionError('unsupported', `${where}: a row group would inflate to ${(inflated / 1024 / 1024).toFixed(0)} MB; not read.`);
    }
    const end = start + Number(group.num_rows);
    const rowEnd = Math.min(end, start + sink.remaining);
    let rows: unknown[][] = [];
    await parquetRead({
      file,
      metadata: raw,
      rowStart: start,
      rowEnd,
      compressors,
      parsers: {
        timestampFromMilliseconds: (v) => instant(v, 1000n),
        timestampFromMicroseconds: (v) => instant(v, 1_000_000n),
        timestampFromNanoseconds: (v) => instant(v, 1_000_000_000n),
        dateFromDays: (d) => civil(BigInt(d)),
      },
      onComplete: (decoded: unknown[][]) => {
        rows = decoded;
      },
    });
    await sink.rows(rows.map((row) => [...row.map((v, i) => convert[i]!(v)), ...partitions.values]));
    start = end;
  }
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
    delimiter: string;
    header: boolean;
    names: string[];
    types: string[];
    /** Hive-style partition columns: the same values on every row. */
    partitions: { names: string[]; types: string[]; values: string[] };
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
      () => `${where}: the preview read ${mib(bounds.downloadBytes)} of the object without reaching its rows; it stops there.`,
    ),
  ];
  if (options.gzip) {
    stages.push(
      createGunzip(),
      new ByteLimit(
        bounds.inflatedBytes,
        () => `${where}: the gzip text inflated past ${mib(bounds.inflatedBytes)} before the preview had its rows; it stops there.`,
      ),
    );
  }
  stages.push(
    options.format === 'csv'
      ? parseStream({
          delimiter: options.delimiter,
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          bom: true,
          from_line: options.header ? 2 : 1,
          max_record_size: bounds.recordBytes,
        })
      : new LineSplitter(bounds.recordBytes, where),
  );
  const records = pipeline([body, ...stages], () => undefined) as unknown as Readable;
  const timer = setTimeout(
    () => records.destroy(new ConnectionError('timeout', `${where}: the preview took longer than ${bounds.timeMs / 1000} s; it stops there.`)),
    bounds.timeMs,
  );
  sink.start([...options.names, ...options.partitions.names], [...options.types, ...options.partitions.types]);
  const extra = options.partitions.values;
  const index = new Map(options.names.map((n, i) => [n, i]));
  let batch: CellValue[][] = [];
  try {
    for await (const record of records) {
      if (options.format === 'csv') {
        const cells = record as string[];
        batch.push([...options.names.map((_, i) => cells[i] ?? null), ...extra]);
      } else {
        const line = (record as Buffer).toString('utf8');
        if (!line.trim()) continue;
        const row: CellValue[] = options.names.map(() => null);
        for (const [key, text] of jsonMembers(line) ?? []) {
          const at = index.get(key);
          if (at !== undefined) row[at] = jsonCell(text);
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
  const code = String(e.code ?? '');
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
  if (code.startsWith('CSV_')) return new ConnectionError('unsupported', `${where}: the CSV text cannot be read here (${String(e.message)}).`);
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
