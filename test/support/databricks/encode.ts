/**
 * Result encodings a SQL warehouse sends: the Hive table schema, Arrow IPC (a schema message, then one
 * record-batch message per batch; native Arrow types for decimals, timestamps and complex types only when
 * the client asked for them, Utf8 text otherwise) and column sets (typed value lists with null bitmaps).
 * Values come in as the text Spark prints (catalog.ts).
 */
import * as A from 'apache-arrow';
import type { DbxColumn } from './catalog';
import { T, toInt64 } from './thrift';

export interface NativeTypes {
  timestampAsArrow?: boolean;
  decimalAsArrow?: boolean;
  complexTypesAsArrow?: boolean;
}

/** The TTypeId for a Spark type name. */
export function typeId(type: string): number {
  const head = type.split(/[<(\s]/)[0].toUpperCase();
  const map: Record<string, string> = {
    BOOLEAN: 'BOOLEAN_TYPE',
    TINYINT: 'TINYINT_TYPE',
    SMALLINT: 'SMALLINT_TYPE',
    INT: 'INT_TYPE',
    BIGINT: 'BIGINT_TYPE',
    FLOAT: 'FLOAT_TYPE',
    DOUBLE: 'DOUBLE_TYPE',
    STRING: 'STRING_TYPE',
    TIMESTAMP: 'TIMESTAMP_TYPE',
    BINARY: 'BINARY_TYPE',
    ARRAY: 'ARRAY_TYPE',
    MAP: 'MAP_TYPE',
    STRUCT: 'STRUCT_TYPE',
    DECIMAL: 'DECIMAL_TYPE',
    DATE: 'DATE_TYPE',
  };
  return T.TTypeId[map[head] ?? 'STRING_TYPE'];
}

/** java.sql.Types codes, as GetColumns reports them in DATA_TYPE. */
export function jdbcType(type: string): number {
  const codes: Record<string, number> = {
    BOOLEAN: 16,
    TINYINT: -6,
    SMALLINT: 5,
    INT: 4,
    BIGINT: -5,
    FLOAT: 6,
    DOUBLE: 8,
    STRING: 12,
    DATE: 91,
    TIMESTAMP: 93,
    BINARY: -2,
    DECIMAL: 3,
    ARRAY: 2003,
    MAP: 2000,
    STRUCT: 2002,
  };
  return codes[type.split(/[<(\s]/)[0].toUpperCase()] ?? 1111;
}

export function tableSchema(columns: DbxColumn[]): Record<string, unknown> {
  return {
    columns: columns.map((c, i) => {
      const id = typeId(c.type);
      const decimal = /^DECIMAL\((\d+),\s*(\d+)\)/i.exec(c.type);
      const qualifiers = decimal
        ? {
            typeQualifiers: {
              qualifiers: { precision: { i32Value: Number(decimal[1]) }, scale: { i32Value: Number(decimal[2]) } },
            },
          }
        : {};
      return {
        columnName: c.name,
        position: i + 1,
        comment: c.comment ?? null,
        typeDesc: { types: [{ primitiveEntry: { type: id, ...qualifiers } }] },
      };
    }),
  };
}

/** Parses a Spark type name into the Arrow type a warehouse uses for it natively. */
function arrowType(type: string, native: NativeTypes): A.DataType {
  const t = type.trim();
  const upper = t.toUpperCase();
  const inner = (): string => t.slice(t.indexOf('<') + 1, t.lastIndexOf('>'));
  if (upper.startsWith('DECIMAL')) {
    const [, p, s] = /^DECIMAL\((\d+),\s*(\d+)\)/i.exec(t) ?? ['', '10', '0'];
    return native.decimalAsArrow ? new A.Decimal(Number(s), Number(p), 128) : new A.Utf8();
  }
  if (upper.startsWith('ARRAY<'))
    return native.complexTypesAsArrow
      ? new A.List(new A.Field('element', arrowType(inner(), native), true))
      : new A.Utf8();
  if (upper.startsWith('MAP<')) {
    if (!native.complexTypesAsArrow) return new A.Utf8();
    const [k, v] = splitTop(inner());
    const entries = new A.Struct([
      new A.Field('key', arrowType(k, native), false),
      new A.Field('value', arrowType(v, native), true),
    ]);
    return new A.Map_(
      new A.Field('entries', entries, false) as A.Field<A.Struct<{ key: A.DataType; value: A.DataType }>>,
    );
  }
  if (upper.startsWith('STRUCT<')) {
    if (!native.complexTypesAsArrow) return new A.Utf8();
    return new A.Struct(
      splitTop(inner()).map((f) => {
        const at = f.indexOf(':');
        return new A.Field(f.slice(0, at).trim(), arrowType(f.slice(at + 1), native), true);
      }),
    );
  }
  switch (upper) {
    case 'BOOLEAN':
      return new A.Bool();
    case 'TINYINT':
      return new A.Int8();
    case 'SMALLINT':
      return new A.Int16();
    case 'INT':
      return new A.Int32();
    case 'BIGINT':
      return new A.Int64();
    case 'FLOAT':
      return new A.Float32();
    case 'DOUBLE':
      return new A.Float64();
    case 'DATE':
      return new A.DateDay();
    case 'TIMESTAMP':
      return native.timestampAsArrow ? new A.TimestampMicrosecond('Etc/UTC') : new A.Utf8();
    case 'BINARY':
      return new A.Binary();
    default:
      return new A.Utf8();
  }
}

/** Splits "a: INT, b: STRUCT<x: INT, y: INT>" at its top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') depth++;
    else if (text[i] === '>') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Spark's JSON text for a complex value, read back into values (NaN and Infinity are Spark's, not JSON's). */
function complexValue(text: string, type: A.DataType): unknown {
  const marker = '@@spark-number@@';
  const parsed: unknown = JSON.parse(text.replace(/(-?)\b(NaN|Infinity)\b/g, `"${marker}$1$2"`), (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(marker) ? Number(v.slice(marker.length)) : v,
  );
  return adapt(parsed, type);
}

function adapt(value: unknown, type: A.DataType): unknown {
  if (value === null) return null;
  if (A.DataType.isInt(type) && type.bitWidth === 64) return BigInt(String(value));
  if (A.DataType.isList(type)) return (value as unknown[]).map((v) => adapt(v, type.children[0].type));
  if (A.DataType.isStruct(type)) {
    const out: Record<string, unknown> = {};
    for (const f of type.children) out[f.name] = adapt((value as Record<string, unknown>)[f.name] ?? null, f.type);
    return out;
  }
  if (A.DataType.isMap(type)) {
    const valueType = type.children[0].type.children[1].type;
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, adapt(v, valueType)]));
  }
  return value;
}

function decimal128(text: string, scale: number): Uint32Array {
  const [whole, frac = ''] = text.replace(/^-/, '').split('.');
  let v = BigInt(`${whole}${frac.padEnd(scale, '0').slice(0, scale)}`);
  if (text.startsWith('-')) v = -v;
  const out = new Uint32Array(4);
  let x = BigInt.asUintN(128, v);
  for (let i = 0; i < 4; i++) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

function arrowVector(column: DbxColumn, type: A.DataType, values: (string | null)[]): A.Data {
  if (A.DataType.isTimestamp(type)) {
    const micros = new BigInt64Array(values.length);
    const nulls = new Uint8Array(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v === null) return;
      nulls[i >> 3] |= 1 << (i & 7);
      const [date, time = '00:00:00'] = v.split(' ');
      const [hms, frac = ''] = time.split('.');
      micros[i] = BigInt(Date.parse(`${date}T${hms}Z`)) * 1000n + BigInt(frac.padEnd(6, '0').slice(0, 6));
    });
    const nullCount = values.filter((v) => v === null).length;
    return A.makeData({
      type,
      length: values.length,
      nullCount,
      nullBitmap: nulls,
      data: new Int32Array(micros.buffer),
    });
  }
  const converted = values.map((v): unknown => {
    if (v === null) return null;
    if (A.DataType.isUtf8(type)) return v;
    if (A.DataType.isBool(type)) return v === 'true';
    if (A.DataType.isInt(type)) return type.bitWidth === 64 ? BigInt(v) : Number(v);
    if (A.DataType.isFloat(type)) return Number(v);
    if (A.DataType.isDate(type)) return Date.parse(`${v}T00:00:00Z`);
    if (A.DataType.isBinary(type)) return Buffer.from(v, 'hex');
    if (A.DataType.isDecimal(type)) return decimal128(v, type.scale);
    return complexValue(v, type);
  });
  void column;
  return A.vectorFromArray(converted, type).data[0];
}

/** The Arrow schema message for these columns. */
export function arrowSchema(columns: DbxColumn[], native: NativeTypes): { schema: A.Schema; bytes: Buffer } {
  const schema = new A.Schema(columns.map((c) => new A.Field(c.name, arrowType(c.type, native), true)));
  const stream = A.tableToIPC(new A.Table(schema), 'stream');
  return { schema, bytes: Buffer.from(stream.subarray(0, stream.length - 8)) };
}

/** One record-batch message holding these rows. */
export function arrowBatch(
  columns: DbxColumn[],
  schema: A.Schema,
  rows: (string | null)[][],
  schemaBytes: number,
): Buffer {
  const children = columns.map((c, i) =>
    arrowVector(
      c,
      schema.fields[i].type as A.DataType,
      rows.map((r) => r[i] ?? null),
    ),
  );
  const data = A.makeData({ type: new A.Struct(schema.fields), length: rows.length, nullCount: 0, children });
  const stream = A.tableToIPC(new A.Table(new A.RecordBatch(schema, data)), 'stream');
  return Buffer.from(stream.subarray(schemaBytes, stream.length - 8));
}

/** A column set (TRowSet.columns): each column's values in the Thrift field its type uses, with a null bitmap. */
export function columnSet(columns: DbxColumn[], rows: (string | null)[][]): Record<string, unknown>[] {
  return columns.map((c, i) => {
    const values = rows.map((r) => r[i] ?? null);
    const nulls = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, n) => {
      if (v === null) nulls[n >> 3] |= 1 << (n & 7);
    });
    const head = c.type.split(/[<(\s]/)[0].toUpperCase();
    const list = <V>(f: (v: string) => V, empty: V): V[] => values.map((v) => (v === null ? empty : f(v)));
    switch (head) {
      case 'BOOLEAN':
        return { boolVal: { values: list((v) => v === 'true', false), nulls } };
      case 'TINYINT':
        return { byteVal: { values: list(Number, 0), nulls } };
      case 'SMALLINT':
        return { i16Val: { values: list(Number, 0), nulls } };
      case 'INT':
        return { i32Val: { values: list(Number, 0), nulls } };
      case 'BIGINT':
        return { i64Val: { values: list((v) => toInt64(BigInt(v)), toInt64(0)), nulls } };
      case 'FLOAT':
        // A FLOAT column set carries the float widened to a double.
        return { doubleVal: { values: list((v) => Math.fround(Number(v)), 0), nulls } };
      case 'DOUBLE':
        return { doubleVal: { values: list(Number, 0), nulls } };
      case 'BINARY':
        return { binaryVal: { values: list((v) => Buffer.from(v, 'hex'), Buffer.alloc(0)), nulls } };
      default:
        return { stringVal: { values: list((v) => v, ''), nulls } };
    }
  });
}
