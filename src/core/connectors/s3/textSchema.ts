import { parse } from 'csv-parse/sync';
import type { ColumnInfo } from '../../api/types';

/** The type a column's sample values share, as the tree shows it. */
function typeOf(values: string[]): string {
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

/** The delimiter that splits the first lines into the same, largest number of fields (outside quotes). */
export function sniffDelimiter(text: string, hint?: string): string {
  if (hint) return hint;
  const lines = text
    .split(/\r\n|\n|\r/)
    .slice(0, 20)
    .filter((l) => l.length > 0);
  let best = ',';
  let bestScore = -1;
  for (const d of [',', '\t', ';', '|']) {
    const counts = lines.map((line) => {
      let n = 0;
      let quoted = false;
      for (const c of line) {
        if (c === '"') quoted = !quoted;
        else if (c === d && !quoted) n++;
      }
      return n;
    });
    const first = counts[0] ?? 0;
    const consistent = counts.filter((n) => n === first).length;
    const score = first === 0 ? 0 : consistent * 1000 + first;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Columns of a CSV or TSV file from its first bytes: the delimiter and quoting sniffed, a header row
 * told apart from data (a header's cells are not all of the type the rows below have), and each
 * column's type from the rows read. The last line is dropped when the sample may have cut it.
 */
export function csvColumns(sample: string, options: { complete: boolean; delimiter?: string }): ColumnInfo[] {
  // A cut sample ends at its last record separator: \n, or \r for files with old Mac line ends.
  const text = options.complete ? sample : sample.slice(0, Math.max(0, Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r')) + 1));
  const delimiter = sniffDelimiter(text, options.delimiter);
  const rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true, to: 1000 }) as string[][];
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.length));
  const [first, ...rest] = rows;
  const column = (i: number, from: string[][]): string[] => from.map((r) => r[i] ?? '');
  const names = first!.every((cell) => cell !== '') && new Set(first).size === first!.length;
  // A header row: distinct non-empty cells that differ in type from the rows below (or, alone in the
  // sample, cells that are all words).
  const header =
    names &&
    (rest.length > 0
      ? Array.from({ length: width }, (_, i) => i).some((i) => typeOf([first![i] ?? '']) !== typeOf(column(i, rest)) || typeOf(column(i, rest)) === 'STRING')
      : first!.every((cell) => typeOf([cell]) === 'STRING'));
  const data = header ? rest : rows;
  return Array.from({ length: width }, (_, i) => ({
    name: header ? (first![i] ?? `column_${i + 1}`) : `column_${i + 1}`,
    type: typeOf(column(i, data)),
    nullable: data.some((r) => (r[i] ?? '') === ''),
  }));
}

type JsonKind = 'INT64' | 'DECIMAL' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'STRUCT' | 'ARRAY' | 'NULL';

/** A JSON value's kind, reading numbers from their text so integers past 2^53 stay integers. */
function jsonKind(text: string): JsonKind {
  const t = text.trim();
  if (t === 'null') return 'NULL';
  if (t === 'true' || t === 'false') return 'BOOLEAN';
  if (t.startsWith('"')) return 'STRING';
  if (t.startsWith('{')) return 'STRUCT';
  if (t.startsWith('[')) return 'ARRAY';
  if (/^-?\d+$/.test(t)) return BigInt.asIntN(64, BigInt(t)) === BigInt(t) ? 'INT64' : 'DECIMAL';
  return 'DOUBLE';
}

/** The top-level members of a JSON object as raw text, in order (a small scanner: no number is parsed). */
export function jsonMembers(line: string): [string, string][] | undefined {
  const s = line.trim();
  if (!s.startsWith('{')) return undefined;
  const out: [string, string][] = [];
  let i = 1;
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
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
      const c = s[i]!;
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

/** Columns of a JSON Lines file from its first records: every key seen, with the kind its values share. */
export function jsonLinesColumns(sample: string, options: { complete: boolean }): ColumnInfo[] {
  const lines = sample.split('\n');
  if (!options.complete) lines.pop();
  const kinds = new Map<string, Set<JsonKind>>();
  const counts = new Map<string, number>();
  let records = 0;
  for (const line of lines.slice(0, 1000)) {
    if (!line.trim()) continue;
    const found = jsonMembers(line);
    if (!found) throw new Error(`line ${records + 1} is not a JSON object`);
    records++;
    for (const [key, value] of found) {
      if (!kinds.has(key)) kinds.set(key, new Set());
      kinds.get(key)!.add(jsonKind(value));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...kinds].map(([name, seen]) => {
    const present = [...seen].filter((k) => k !== 'NULL');
    const type =
      present.length === 0
        ? 'STRING'
        : present.length === 1
          ? present[0]!
          : present.every((k) => k === 'INT64' || k === 'DOUBLE' || k === 'DECIMAL')
            ? 'DOUBLE'
            : 'STRING';
    // Null where a record says null or leaves the key out.
    return { name, type, nullable: seen.has('NULL') || (counts.get(name) ?? 0) < records };
  });
}

/** The values of a key's Hive-style partition folders, in order (as text). */
export function partitionValues(key: string): string[] {
  return key
    .split('/')
    .slice(0, -1)
    .flatMap((part) => {
      const m = /^[^=]+=(.*)$/.exec(part);
      if (!m) return [];
      try {
        return [decodeURIComponent(m[1]!)];
      } catch {
        return [m[1]!];
      }
    });
}

/** Hive-style partition folders in a key (year=2025/month=03/) as columns, typed by their values. */
export function partitionColumns(key: string): ColumnInfo[] {
  const out: ColumnInfo[] = [];
  for (const part of key.split('/').slice(0, -1)) {
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m) continue;
    let value: string;
    try {
      value = decodeURIComponent(m[2]!);
    } catch {
      value = m[2]!;
    }
    out.push({ name: m[1]!, type: `${value === '__HIVE_DEFAULT_PARTITION__' ? 'STRING' : typeOf([value])} (partition)`, nullable: false });
  }
  return out;
}
