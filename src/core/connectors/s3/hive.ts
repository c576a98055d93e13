import type { CellValue, ColumnInfo } from '../../api/types';
import { typeOf } from './textSchema';

/** The value Hive, Spark and pyarrow write for a NULL partition key. */
export const hiveDefaultPartition = '__HIVE_DEFAULT_PARTITION__';

/** Hive-style partition columns of a key, with their values (null for the default partition). */
export interface Partitions {
  columns: ColumnInfo[];
  values: (string | null)[];
}

/**
 * The `name=value` folders of a key (below `base`, when a folder is previewed) as columns typed by their
 * values, `__HIVE_DEFAULT_PARTITION__` as NULL; a partition key that is also a column of the file is left
 * to the file (listed once, its values as written).
 */
export function partitionsOf(key: string, fileColumns: readonly string[] = [], base = ''): Partitions {
  const own = new Set(fileColumns);
  const out: Partitions = { columns: [], values: [] };
  for (const part of key.slice(base.length).split('/').slice(0, -1)) {
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m || own.has(m[1]) || out.columns.some((c) => c.name === m[1])) continue;
    let value: string;
    try {
      value = decodeURIComponent(m[2]);
    } catch {
      value = m[2]!;
    }
    const isNull = value === hiveDefaultPartition;
    out.columns.push({ name: m[1], type: `${isNull ? 'STRING' : typeOf([value])} (partition)`, nullable: isNull });
    out.values.push(isNull ? null : value);
  }
  return out;
}

const integerBits: Record<string, number> = {
  INT8: 8,
  INT16: 16,
  INT32: 32,
  INT64: 64,
  UINT8: 8,
  UINT16: 16,
  UINT32: 32,
  UINT64: 64,
};
/** Decimal digits an integer type needs. */
const integerDigits: Record<number, number> = { 8: 3, 16: 5, 32: 10, 64: 19 };

function decimalParts(type: string): { precision: number; scale: number } | undefined {
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/**
 * The type two parts' columns unify to, as pyarrow's permissive promotion and DuckDB's union_by_name do:
 * the same type; wider integers; integers and floats as DOUBLE; decimals to the most integer digits and
 * the largest scale (at most 38 digits); text types to STRING; otherwise undefined (they cannot merge).
 */
export function widen(a: string, b: string, text: boolean): string | undefined {
  const unified = widenPlain(a, b, text);
  return unified && a.endsWith(' (partition)') && !unified.endsWith(' (partition)')
    ? `${unified} (partition)`
    : unified;
}

function widenPlain(a: string, b: string, text: boolean): string | undefined {
  const plainA = a.replace(/ \(partition\)$/, '');
  const plainB = b.replace(/ \(partition\)$/, '');
  if (plainA === plainB) return a;
  const bitsA = integerBits[plainA];
  const bitsB = integerBits[plainB];
  if (bitsA && bitsB) {
    const signed = !plainA.startsWith('U') || !plainB.startsWith('U');
    const bits = Math.max(
      bitsA + (signed && plainA.startsWith('U') ? 8 : 0),
      bitsB + (signed && plainB.startsWith('U') ? 8 : 0),
    );
    const width = [8, 16, 32, 64].find((w) => w >= bits) ?? 64;
    return `${signed ? 'INT' : 'UINT'}${width}`;
  }
  const decA = decimalParts(plainA) ?? (bitsA ? { precision: integerDigits[bitsA], scale: 0 } : undefined);
  const decB = decimalParts(plainB) ?? (bitsB ? { precision: integerDigits[bitsB], scale: 0 } : undefined);
  if (decA && decB) {
    const scale = Math.max(decA.scale, decB.scale);
    const digits = Math.max(decA.precision - decA.scale, decB.precision - decB.scale);
    return `DECIMAL(${Math.min(38, digits + scale)},${scale})`;
  }
  const numeric = (t: string): boolean =>
    Boolean(integerBits[t]) || t === 'FLOAT' || t === 'DOUBLE' || Boolean(decimalParts(t));
  if (numeric(plainA) && numeric(plainB)) return 'DOUBLE';
  if (text) return 'STRING';
  const textual = (t: string): boolean => t === 'STRING' || t === 'JSON' || t === 'ENUM';
  if (textual(plainA) && textual(plainB)) return 'STRING';
  return undefined;
}

/** A part's value in the unified column: decimals carry the unified scale's digits (1.5 in DECIMAL(5,3) is 1.500). */
export function widenValue(value: CellValue, from: string, to: string): CellValue {
  if (value === null || from === to) return value;
  const target = decimalParts(to);
  if (!target || (typeof value !== 'string' && typeof value !== 'number')) return value;
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return value;
  const [whole, frac = ''] = text.split('.');
  if (target.scale === 0) return text;
  return `${whole}.${frac.padEnd(target.scale, '0')}`;
}
