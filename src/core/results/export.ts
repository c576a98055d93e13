import { createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import type { CellValue } from '../api/types';
import { ConnectionError, errorMessage } from '../errors';
import type { ColumnKind } from '../../shared/protocol/results';
import { cellText, columnKind } from './cells';
import { asJsonNumber, isJsonText } from './jsonText';
import type { ResultSet } from './resultSet';

export type ExportFormat = 'csv' | 'json';

/** NULL is an empty field; the empty string is "" so the two stay apart. */
const csvOptions = { cast: { string: (v: string) => (v === '' ? { value: '', quoted_empty: true } : v) } };

/**
 * Spreadsheet formula injection: a field starting with = + - @ (or a tab or carriage return) is run
 * as a formula by spreadsheet programs. Exports are exact by default (a CSV must equal the data);
 * with this option, such text fields (never numbers) get a leading apostrophe, as OWASP recommends.
 */
export interface ExportOptions {
  escapeFormulas?: boolean;
}

const formulaStart = /^[=+\-@\t\r]/;

/** A CSV field: the value's text, with a leading apostrophe on formula-like text when asked. */
export function csvField(value: CellValue, isNumber: boolean, options: ExportOptions): string | null {
  if (value === null) return null;
  const text = cellText(value);
  return options.escapeFormulas && !isNumber && typeof value !== 'number' && formulaStart.test(text)
    ? `'${text}`
    : text;
}

export interface ExportProgress {
  rows: number;
  total: number;
}

/** Column names made unique for JSON keys: a second "id" becomes "id_2" (or the next free suffix). */
export function uniqueKeys(columns: readonly string[]): string[] {
  const used = new Set<string>();
  return columns.map((c) => {
    let key = c;
    for (let n = 2; used.has(key); n++) key = `${c}_${n}`;
    used.add(key);
    return key;
  });
}

function jsonValue(value: CellValue): unknown {
  if (value instanceof Uint8Array) return cellText(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

const trueTexts = new Set(['t', 'true', '1']);
const falseTexts = new Set(['f', 'false', '0']);

/**
 * One value as JSON text. Servers send numbers, booleans and JSON as text (exactly as written): a
 * number column's value goes out as the same digits (a JSON number of any size, never rounded through
 * a double), a boolean as true/false, a json/jsonb value as its own JSON text (big numbers, key order
 * and duplicate keys kept). What JSON cannot carry as such (NaN, Infinity) stays a string.
 */
export function jsonField(value: CellValue, kind: ColumnKind, type: string): string {
  if (typeof value === 'string') {
    if (kind === 'number') return asJsonNumber(value) ?? JSON.stringify(value);
    if (kind === 'boolean' && trueTexts.has(value.toLowerCase())) return 'true';
    if (kind === 'boolean' && falseTexts.has(value.toLowerCase())) return 'false';
    if (kind === 'json' && !/^_|\[\]$/.test(type.trim()) && isJsonText(value)) return value.replace(/\s*\n\s*/g, ' ');
    return JSON.stringify(value);
  }
  return JSON.stringify(jsonValue(value));
}

/**
 * Writes a whole result to a file, batch by batch from the spool: CSV (RFC 4180, a header line,
 * NULL as an empty field and the empty string as "") or JSON (an array of objects). The file is
 * written next to the target and renamed into place at the end, so a failed or cancelled export
 * never leaves half a file where the user asked for one.
 */
export async function exportResult(
  result: ResultSet,
  format: ExportFormat,
  target: string,
  onProgress: (p: ExportProgress) => void,
  signal?: AbortSignal,
  options: ExportOptions = {},
): Promise<number> {
  const temp = `${target}.planasonix-${process.pid}.part`;
  const out = createWriteStream(temp, { flags: 'w', mode: 0o600 });
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    await once(out, 'open');
    const total = result.rowCount;
    const keys = uniqueKeys(result.columns);
    const kinds = result.columns.map((_, c) => columnKind(result.columnTypes[c] ?? ''));
    const numeric = kinds.map((k) => k === 'number');
    if (format === 'csv') {
      await write(stringify([result.columns.map((c) => csvField(c, false, options))], csvOptions));
    } else {
      await write('[');
    }
    for await (const batch of result.batches()) {
      if (signal?.aborted) throw new ConnectionError('cancelled', 'The export was cancelled.');
      if (format === 'csv') {
        await write(
          stringify(
            batch.map((r) => r.map((v, c) => csvField(v, numeric[c] === true, options))),
            csvOptions,
          ),
        );
      } else {
        const parts = batch.map((r, i) => {
          const fields = keys.map(
            (k, c) =>
              `${JSON.stringify(k)}:${jsonField(r[c] ?? null, kinds[c] ?? 'text', result.columnTypes[c] ?? '')}`,
          );
          return `${rows + i === 0 ? '' : ','}\n  {${fields.join(',')}}`;
        });
        await write(parts.join(''));
      }
      rows += batch.length;
      onProgress({ rows, total });
    }
    if (format === 'json') await write(rows === 0 ? ']\n' : '\n]\n');
    out.end();
    await once(out, 'finish');
    await fs.rename(temp, target);
    return rows;
  } catch (error) {
    out.destroy();
    await fs.rm(temp, { force: true }).catch(() => undefined);
    if (ConnectionError.is(error)) throw error;
    throw new ConnectionError('internal', `Could not write ${target}: ${errorMessage(error)}`);
  }
}
