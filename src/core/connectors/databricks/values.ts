// The driver's one conversion step for every value it reads (Arrow and column sets alike). Replaced
// here, at the module the driver calls through (its version is pinned; the integration test compares
// every type family with what the test server sent on the wire).
// `import = require` keeps the module object itself (a namespace import would be a read-only copy in the bundle).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import driverValues = require('@databricks/sql/dist/result/utils');

/** TTypeId numbers of TCLIService (the driver's generated thrift/TCLIService_types). */
export const typeIds = {
  BOOLEAN: 0,
  TINYINT: 1,
  SMALLINT: 2,
  INT: 3,
  BIGINT: 4,
  FLOAT: 5,
  DOUBLE: 6,
  STRING: 7,
  TIMESTAMP: 8,
  BINARY: 9,
  ARRAY: 10,
  MAP: 11,
  STRUCT: 12,
  UNION: 13,
  USER_DEFINED: 14,
  DECIMAL: 15,
  NULL: 16,
  DATE: 17,
  VARCHAR: 18,
  CHAR: 19,
  INTERVAL_YEAR_MONTH: 20,
  INTERVAL_DAY_TIME: 21,
} as const;

const typeNames = new Map<number, string>(Object.entries(typeIds).map(([name, id]) => [id, name.replace(/_/g, ' ')]));

interface TypeDescriptor {
  type: number;
  typeQualifiers?: { qualifiers?: Record<string, { i32Value?: number | null } | undefined> | null } | null;
}
type Convert = (descriptor: TypeDescriptor | undefined, value: unknown) => unknown;
const module = driverValues as unknown as { convertThriftValue: Convert };
let original: Convert | undefined;

/** A column's type as Spark spells it: DECIMAL(38,0), BIGINT, STRUCT... */
export function sparkTypeName(descriptor: TypeDescriptor | undefined): string {
  if (!descriptor) return '';
  const name = typeNames.get(descriptor.type) ?? 'UNKNOWN';
  const q = descriptor.typeQualifiers?.qualifiers;
  if (descriptor.type === typeIds.DECIMAL && q?.precision?.i32Value != null)
    return `DECIMAL(${q.precision.i32Value},${q.scale?.i32Value ?? 0})`;
  return name;
}

/** The shortest decimal that reads back as the same 32-bit float: what Spark prints for a FLOAT. */
export function float32Value(value: number): number {
  if (!Number.isFinite(value)) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

/** node-int64 as the driver hands a column set's BIGINT: its exact value. */
function int64Text(value: { toOctetString(): string }): string {
  return BigInt.asIntN(64, BigInt(`0x${value.toOctetString()}`)).toString();
}

/**
 * Each value as the warehouse has it, where the driver would change it:
 * - BIGINT: exact text (the driver rounds a column set's Int64 to a double);
 * - DECIMAL: the server's text (the driver makes it a double);
 * - FLOAT: the 32-bit value's own digits, not its float64 widening (1.4142, not 1.414199948310852);
 * - STRUCT, MAP, ARRAY: Spark's JSON text as sent (the driver parses it, and turns text that is not
 *   JSON, such as a struct holding NaN, into {} or []);
 * - DATE: the calendar date, not a Date at UTC midnight.
 */
function exactValue(descriptor: TypeDescriptor | undefined, value: unknown): unknown {
  if (value === null || value === undefined || !descriptor) return original!(descriptor, value);
  switch (descriptor.type) {
    case typeIds.BIGINT:
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'object' && 'toOctetString' in value) return int64Text(value as { toOctetString(): string });
      return original!(descriptor, value);
    case typeIds.DECIMAL:
      return typeof value === 'string' ? value : original!(descriptor, value);
    case typeIds.FLOAT:
      return typeof value === 'number' ? float32Value(value) : value;
    case typeIds.STRUCT:
    case typeIds.MAP:
    case typeIds.ARRAY:
      return typeof value === 'string' ? value : original!(descriptor, value);
    case typeIds.DATE:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
    default:
      return original!(descriptor, value);
  }
}

/** Idempotent. */
export function installValueHooks(): void {
  if (original) return;
  original = module.convertThriftValue;
  module.convertThriftValue = exactValue;
}

/** For tests that compare with the bare driver. */
export function uninstallValueHooks(): void {
  if (!original) return;
  module.convertThriftValue = original;
  original = undefined;
}
