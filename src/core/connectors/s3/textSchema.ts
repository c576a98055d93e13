import { parse } from 'csv-parse/sync';
import type { ColumnInfo } from '../../api/types';
import { parseOptions, SpacesBeforeQuotes, sniffLayout, type CsvDialect } from './csvDialect';
import { dropLines } from './textEncoding';
import { jsonTypeName, jsonTypeOf, mergeJsonTypes, type JsonType } from './jsonTypes';
import { jsonRecordsOf } from './jsonRecords';
import { ConnectionError } from '../../errors';

/** The most columns a delimited file's schema read takes. */
export const maxTextColumns = 10_000;

/** The type a column's sample values share, as the tree shows it. */
export function typeOf(values: string[]): string {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'STRING';
  const all = (re: RegExp): boolean => present.every((v) => re.test(v));
  if (all(/^-?\d+$/)) return present.every((v) => BigInt.asIntN(64, BigInt(v)) === BigInt(v)) ? 'INT64' : 'DECIMAL';
  if (all(/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/)) return 'DOUBLE';
  if (all(/^(true|false)$/i)) return 'BOOLEAN';
  if (all(/^\d{4}-\d{2}-\d{2}$/)) return 'DATE';
  if (all(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/)) return 'TIMESTAMP';
  return 'STRING';
}

/** Whether a cell fits a column of a type (an integer fits a DOUBLE column; an empty cell fits any). */
function fits(cell: string, type: string): boolean {
  if (cell === '' || type === 'STRING') return true;
  const own = typeOf([cell]);
  return (
    own === type ||
    (type === 'DOUBLE' && (own === 'INT64' || own === 'DECIMAL')) ||
    (type === 'DECIMAL' && own === 'INT64')
  );
}

/** Column names as DuckDB gives them: the header's cells (empty ones and repeats made unique), or column0, column1… */
function columnNames(first: string[] | undefined, width: number): string[] {
  const digits = String(Math.max(0, width - 1)).length;
  const generated = (i: number): string => `column${String(i).padStart(digits, '0')}`;
  if (!first) return Array.from({ length: width }, (_, i) => generated(i));
  const seen = new Set<string>();
  return Array.from({ length: width }, (_, i) => {
    const cell = first[i]?.trim() ?? '';
    let name = cell || generated(i);
    for (let k = 1; seen.has(name); k++) name = `${cell}_${k}`;
    seen.add(name);
    return name;
  });
}

/**
 * Columns of a delimited file from its first bytes, and how it is written: the delimiter, a preamble,
 * comment lines and spaces before quotes sniffed (csvDialect); a header told apart from data as DuckDB's
 * sniffer does (a first-row cell that does not fit the type of its column below makes it a header; where
 * every column is text, a first row of distinct non-empty cells is one); each column's type from the rows
 * read. The last line is dropped when the sample may have cut it.
 */
export function csvSchema(
  sample: string,
  options: { complete: boolean; delimiter?: string },
): { columns: ColumnInfo[]; dialect: CsvDialect } {
  // A cut sample ends at its last record separator: \n, or \r for files with old Mac line ends.
  const cut = options.complete
    ? sample
    : sample.slice(0, Math.max(0, Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r')) + 1));
  const layout = sniffLayout(cut, options.delimiter);
  const body = dropLines(cut, layout.skipLines);
  const text = layout.spacesBeforeQuotes ? new SpacesBeforeQuotes(layout.delimiter, layout.quote).push(body) : body;
  const rows: string[][] = parse(text, { ...parseOptions(layout), to: 1000 });
  if (rows.length === 0) return { columns: [], dialect: { ...layout, header: false } };
  // Rows longer than the first only by empty last fields (a trailing delimiter) do not add columns.
  const firstWidth = rows[0].length;
  const width = rows.reduce(
    (w, r) => Math.max(w, r.length > firstWidth && r.slice(firstWidth).every((c) => c === '') ? firstWidth : r.length),
    firstWidth,
  );
  // A hostile line of a million delimiters is not typed a million columns times a thousand rows.
  if (width > maxTextColumns) throw new Error(`it has ${width} columns; a preview reads at most ${maxTextColumns}`);
  const [first, ...rest] = rows;
  const column = (i: number, from: string[][]): string[] => from.map((r) => r[i] ?? '');
  const types = Array.from({ length: width }, (_, i) => typeOf(column(i, rest)));
  const distinct = first.every((cell) => cell !== '') && new Set(first).size === first.length;
  const header =
    rest.length === 0
      ? distinct && first.every((cell) => typeOf([cell]) === 'STRING')
      : types.some((t, i) => t !== 'STRING' && !fits(first[i] ?? '', t)) ||
        (types.every((t) => t === 'STRING') && distinct);
  const data = header ? rest : rows;
  const names = columnNames(header ? first : undefined, width);
  return {
    columns: names.map((name, i) => ({
      name,
      type: typeOf(column(i, data)),
      nullable: data.some((r) => (r[i] ?? '') === ''),
    })),
    dialect: { ...layout, header },
  };
}

/** The columns of a delimited sample (csvSchema without the dialect). */
export function csvColumns(sample: string, options: { complete: boolean; delimiter?: string }): ColumnInfo[] {
  return csvSchema(sample, options).columns;
}

/** The top-level members of a JSON object as raw text, in order (a small scanner: no number is parsed). */
export function jsonMembers(line: string): [string, string][] | undefined {
  const s = line.trim();
  if (!s.startsWith('{')) return undefined;
  const out: [string, string][] = [];
  let i = 1;
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const str = (): string => {
    const start = i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    i++;
    return s.slice(start, i);
  };
  for (;;) {
    skip();
    if (s[i] === '}') return out;
    if (s[i] !== '"') return undefined;
    const key = JSON.parse(str()) as string;
    skip();
    if (s[i++] !== ':') return undefined;
    skip();
    const start = i;
    let depth = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '"') {
        str();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    out.push([key, s.slice(start, i).trim()]);
    skip();
    if (s[i] === ',') i++;
  }
}

/**
 * Columns of a JSON Lines file from its first records: every key seen, typed as pyarrow's JSON reader
 * types it (nested lists and structs included), unified across records.
 */
export function jsonLinesColumns(
  sample: string,
  options: { complete: boolean; where?: string; maxChars?: number },
): ColumnInfo[] {
  const where = options.where ?? 'the file';
  const types = new Map<string, JsonType>();
  const counts = new Map<string, number>();
  const nulls = new Set<string>();
  let records = 0;
  for (const { record, line } of jsonRecordsOf(
    sample,
    options.complete,
    where,
    options.maxChars ?? Number.MAX_SAFE_INTEGER,
  ).slice(0, 1000)) {
    checkJson(record, line, where);
    records++;
    for (const [key, value] of jsonMembers(record) ?? []) {
      const type = jsonTypeOf(value);
      if (type.kind === 'NULL') nulls.add(key);
      types.set(key, types.has(key) ? mergeJsonTypes(types.get(key)!, type) : type);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  // Null where a record says null or leaves the key out.
  return [...types].map(([name, type]) => ({
    name,
    type: jsonTypeName(type),
    nullable: nulls.has(name) || (counts.get(name) ?? 0) < records,
  }));
}

/** A record that is not valid JSON ends the read, naming its line. */
export function checkJson(record: string, line: number, where: string): void {
  try {
    JSON.parse(record);
  } catch (error) {
    throw new ConnectionError(
      'unsupported',
      `${where}: line ${line}: the record is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}
