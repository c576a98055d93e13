import type { CellValue } from '../../api/types';
import { asText } from '../../../shared/asText';

/** Turns driver values into plain cell values: dates as ISO text, buffers as bytes, bigint as text. */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value instanceof Uint8Array) return value;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      if (Array.isArray(value)) return value.map(toCell);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCell(v)]));
    case 'symbol':
    case 'function':
    case 'undefined':
      break;
  }
  return asText(value);
}

/** Converts a driver's row to cells in place (the driver made the array and does not keep it). */
export function toCellsInPlace(row: unknown[]): CellValue[] {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v !== null && typeof v === 'object' ? !(v instanceof Uint8Array) : typeof v === 'bigint' || v === undefined)
      row[i] = toCell(v);
  }
  return row as CellValue[];
}
