import type { CellValue } from '../api/types';

const maxCellWidth = 60;

/** One cell as text: NULL, empty string and the string "NULL" all look different. */
export function cellText(value: CellValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') {
    if (value === '') return "''";
    if (value === 'NULL') return "'NULL'";
    return value.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.subarray(0, 16)).toString('hex');
    return `<${value.length} bytes${value.length ? `: ${hex}${value.length > 16 ? '…' : ''}` : ''}>`;
  }
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
}

function cut(text: string): string {
  return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
}

/** A fixed-width text table, numbers right-aligned, for the read-only preview document. */
export function formatTextTable(columns: string[], columnTypes: string[] | undefined, rows: CellValue[][]): string {
  const header = columns.map((c, i) => cut(columnTypes?.[i] ? `${c} (${columnTypes[i]})` : c));
  const body = rows.map((r) => r.map((v) => cut(cellText(v))));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}
