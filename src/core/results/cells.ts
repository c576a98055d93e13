import type { CellValue } from '../api/types';
import type { ColumnKind, GridCell } from '../../shared/protocol/results';

/** Characters of text a cell carries to the page; the full value is asked for on demand. */
export const maxCellChars = 500;
/** Bytes of binary shown as hex. */
export const hexPrefixBytes = 16;

const numberTypes =
  /^(int|integer|int2|int4|int8|smallint|bigint|mediumint|tinyint|serial|bigserial|smallserial|numeric|decimal|real|double|double precision|float|float4|float8|money|oid|year|number)\b/i;
const booleanTypes = /^(bool|boolean|bit\(1\))$/i;
const dateTypes =
  /^(date|time|timetz|timestamp|timestamptz|timestamp_ntz|timestamp_ltz|timestamp_tz|datetime|interval)\b/i;
const jsonTypes = /^(json|jsonb|variant|object|array|struct|map)\b/i;
const binaryTypes = /^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary|geometry)\b/i;

/** The kind of a column from the type name the server gave. */
export function columnKind(type: string): ColumnKind {
  const t = type.trim().replace(/^_/, '');
  if (type.startsWith('_') || type.endsWith('[]')) return 'json';
  if (booleanTypes.test(t)) return 'boolean';
  if (numberTypes.test(t) || /unsigned$/i.test(t)) return 'number';
  if (dateTypes.test(t)) return 'date';
  if (jsonTypes.test(t)) return 'json';
  if (binaryTypes.test(t)) return 'binary';
  return 'text';
}

function hex(bytes: Uint8Array, max: number): string {
  let out = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

/** Compact JSON of a structured value; binary inside it as \x-hex text. */
export function compactJson(value: CellValue): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? `\\x${hex(raw, raw.length)}` : v;
  });
}

/** One value as the page shows it: shortened where long, with what is needed to say so. */
export function toGridCell(value: CellValue): GridCell {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    return value.length > maxCellChars
      ? { t: 'long', text: value.slice(0, maxCellChars), length: value.length }
      : value;
  }
  if (value instanceof Uint8Array) return { t: 'bin', size: value.length, hex: hex(value, hexPrefixBytes) };
  const text = compactJson(value);
  return { t: 'json', text: text.length > maxCellChars ? text.slice(0, maxCellChars) : text, length: text.length };
}

/** The whole value as text, for copying, CSV and the full-value view. NULL is the empty string here. */
export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `\\x${hex(value, value.length)}`;
  return compactJson(value);
}

/** Cells as tab-separated lines; tabs and line breaks inside a value become spaces so the grid shape holds. */
export function toTsv(rows: CellValue[][], headers?: string[]): string {
  const line = (cells: string[]): string => cells.map((c) => c.replace(/[\t\r\n]+/g, ' ')).join('\t');
  const lines = rows.map((r) => line(r.map(cellText)));
  if (headers) lines.unshift(line(headers));
  return lines.join('\n');
}
