import type { SchemaElement, SchemaTree } from 'hyparquet';
import type { CellValue } from '../../api/types';
import { isUnknownLogical, listElement, mapParts, timeUnit } from './parquet';

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

/**
 * Nanoseconds since the epoch as Spark means them in INT96: Spark turns microseconds into (Julian day,
 * nanoseconds of the day) through a 64-bit count of microseconds since the Julian epoch, which wraps for
 * instants past about year 290,000 (apache/parquet-testing int96_from_spark.parquet). Reading the count
 * back in the same 64-bit arithmetic undoes the wrap; every instant a 64-bit count of nanoseconds or
 * microseconds can hold comes back unchanged.
 */
export function sparkWrap(nanos: bigint): bigint {
  const micros = nanos / 1000n;
  return BigInt.asIntN(64, micros) * 1000n + (nanos - micros * 1000n);
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

/** A time of day from a count of `unit`s since midnight, as HH:MM:SS.fraction (the fraction's digits by unit). */
export function clock(count: bigint, unit: 'MILLIS' | 'MICROS' | 'NANOS'): string {
  const digits = unit === 'MILLIS' ? 3 : unit === 'MICROS' ? 6 : 9;
  const per = 10n ** BigInt(digits);
  const secs = count / per;
  const two = (n: bigint): string => String(n).padStart(2, '0');
  return `${two(secs / 3600n)}:${two((secs / 60n) % 60n)}:${two(secs % 60n)}.${String(count % per).padStart(digits, '0')}`;
}

/** Exact text of an unscaled decimal (an integer, or two's-complement big-endian bytes). */
export function decimalText(raw: unknown, scale: number): string {
  let v: bigint;
  if (raw instanceof Uint8Array) {
    v = 0n;
    for (const b of raw) v = (v << 8n) | BigInt(b);
    if (raw.length > 0 && raw[0] & 0x80) v -= 1n << BigInt(raw.length * 8);
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
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
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
export function scaleOf(e: SchemaElement): number | undefined {
  if (isUnknownLogical(e)) return undefined;
  return e.logical_type?.type === 'DECIMAL'
    ? e.logical_type.scale
    : e.converted_type === 'DECIMAL'
      ? (e.scale ?? 0)
      : undefined;
}

const utf8 = new TextDecoder();

/**
 * A leaf's value as shown: decimals (read raw) exact, times of day as clock text, enums as text; other
 * leaves as the reader decoded them (bytes stay bytes: nothing without a string annotation becomes text).
 */
function leafShape(e: SchemaElement): ((v: unknown) => unknown) | undefined {
  const scale = scaleOf(e);
  if (scale !== undefined) return (v) => new Exact(decimalText(v, scale));
  const unit = timeUnit(e);
  if (unit) return (v) => clock(BigInt(v as number | bigint), unit);
  if (!isUnknownLogical(e) && (e.converted_type === 'ENUM' || e.logical_type?.type === 'ENUM'))
    return (v) => (v instanceof Uint8Array ? utf8.decode(v) : v);
  return undefined;
}

const asList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/**
 * How to turn the reader's value for a schema node into what is shown, or undefined where the value is
 * shown as decoded. Lists, maps and repeated fields follow the format's backward-compatibility rules, so
 * legacy forms come out as the lists and structs they mean.
 */
function shaper(node: SchemaTree, ignoreRepetition = false): ((v: unknown) => unknown) | undefined {
  const e = node.element;
  if (!ignoreRepetition && e.repetition_type === 'REPEATED') {
    // A repeated field outside a LIST or MAP is a list of its (required) element.
    const inner = shaper(node, true) ?? ((x: unknown) => x);
    return (v) =>
      v === null || v === undefined ? v : (asList(v) ?? [v]).map((x) => (x === null || x === undefined ? x : inner(x)));
  }
  if (node.children.length === 0) return leafShape(e);
  const list = listElement(node);
  if (list) {
    const { element, wrap } = list;
    const inner = shaper(element, true) ?? ((x: unknown) => x);
    const repeatedName = node.children[0].element.name;
    return (v) => {
      if (v === null || v === undefined) return v;
      // The reader keeps an unrecognised repeated group as { <name>: [...] }; a recognised one, as the array.
      const items = asList(v) ?? asList((v as Record<string, unknown>)[repeatedName]) ?? [];
      return items.map((x) => {
        if (x === null || x === undefined) return x;
        // A one-field group that is itself the element ('array', '<list>_tuple'): the reader unwraps it.
        if (wrap && !(typeof x === 'object' && !Array.isArray(x) && wrap in x)) return inner({ [wrap]: x });
        return inner(x);
      });
    };
  }
  const map = mapParts(node);
  if (map) {
    const { entries, key, value } = map;
    const keyShape = shaper(key, true) ?? ((x: unknown) => x);
    if (!value) {
      // A map without values is a list of its keys.
      return (v) => {
        if (v === null || v === undefined) return v;
        const items = asList(v) ?? asList((v as Record<string, unknown>)[entries.element.name]) ?? [];
        return items.map((x) =>
          x && typeof x === 'object' && !(x instanceof Uint8Array)
            ? keyShape((x as Record<string, unknown>)[key.element.name])
            : keyShape(x),
        );
      };
    }
    const valueShape = shaper(value, true) ?? ((x: unknown) => x);
    return (v) => {
      if (v === null || v === undefined || typeof v !== 'object') return v;
      if (v instanceof Map)
        return new Map([...v].map(([k, x]) => [k, x === null || x === undefined ? x : valueShape(x)]));
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? x : valueShape(x)]),
      );
    };
  }
  const fields = node.children.map((c) => [c.element.name, shaper(c) ?? ((x: unknown) => x)] as const);
  return (v) => {
    if (v === null || v === undefined || typeof v !== 'object') return v;
    const record = v as Record<string, unknown>;
    return Object.fromEntries(
      fields.map(([name, f]) => [name, record[name] === null || record[name] === undefined ? null : f(record[name])]),
    );
  };
}

/** A shaped value as a cell: bigint and decimals as text, bytes as bytes, nested values as exact JSON text. */
function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Exact) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Uint8Array) return v;
  return toJson(v);
}

/** One converter per top-level column, chosen once: a plain leaf needs no walk of its schema. */
export function cellConverter(node: SchemaTree): (v: unknown) => CellValue {
  const shape = shaper(node);
  return shape ? (v) => (v === null || v === undefined ? null : toCell(shape(v))) : toCell;
}

/**
 * The schema the reader is given: decimals read raw (it makes them doubles), and annotations it would
 * mishandle dropped so their values come as stored: unknown logical types (the physical type is what
 * readers fall back to, as pyarrow does), BSON and INTERVAL (bytes).
 */
export function readableSchema(schema: SchemaElement[]): SchemaElement[] {
  return schema.map((e) => {
    const drop =
      (scaleOf(e) !== undefined && !e.num_children) ||
      isUnknownLogical(e) ||
      e.converted_type === 'BSON' ||
      e.converted_type === 'INTERVAL' ||
      e.logical_type?.type === 'BSON' ||
      e.logical_type?.type === 'INTERVAL';
    if (!drop) return e;
    const plain: SchemaElement = { ...e };
    delete plain.logical_type;
    delete plain.converted_type;
    return plain;
  });
}
