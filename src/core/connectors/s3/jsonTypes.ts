import { isLosslessNumber, parse } from 'lossless-json';

/** A JSON value's type as a tree: a scalar, a list of one item type, or a struct of named fields. */
export type JsonType =
  | { kind: 'NULL' | 'BOOLEAN' | 'INT64' | 'DECIMAL' | 'DOUBLE' | 'STRING' | 'JSON' }
  | { kind: 'LIST'; item: JsonType }
  | { kind: 'STRUCT'; fields: Map<string, JsonType> };

/** Values nested deeper than this are typed JSON (their text) unwalked: a hostile line of a million `[` would overflow the stack. */
export const maxJsonDepth = 64;

const scalar = (kind: 'NULL' | 'BOOLEAN' | 'INT64' | 'DECIMAL' | 'DOUBLE' | 'STRING' | 'JSON'): JsonType => ({ kind });

/** The deepest nesting of brackets in JSON text, strings skipped. */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') for (i++; i < text.length && text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

function typeOfValue(v: unknown): JsonType {
  if (v === null || v === undefined) return scalar('NULL');
  if (typeof v === 'boolean') return scalar('BOOLEAN');
  if (typeof v === 'string') return scalar('STRING');
  if (isLosslessNumber(v)) {
    const t = v.value;
    if (/^-?\d+$/.test(t)) return scalar(BigInt.asIntN(64, BigInt(t)) === BigInt(t) ? 'INT64' : 'DECIMAL');
    return scalar('DOUBLE');
  }
  if (Array.isArray(v)) return { kind: 'LIST', item: v.map(typeOfValue).reduce(mergeJsonTypes, scalar('NULL')) };
  if (typeof v === 'object')
    return {
      kind: 'STRUCT',
      fields: new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeOfValue(x)])),
    };
  return scalar('STRING');
}

/** The type of one JSON value's text, its numbers read from their digits (integers past 2^53 stay integers). */
export function jsonTypeOf(text: string): JsonType {
  const t = text.trim();
  if (t === 'null') return scalar('NULL');
  if (t === 'true' || t === 'false') return scalar('BOOLEAN');
  if (t.startsWith('"')) return scalar('STRING');
  if (!t.startsWith('[') && !t.startsWith('{')) return typeOfValue(parse(t));
  if (depthOf(t) > maxJsonDepth) return scalar('JSON');
  return typeOfValue(parse(t));
}

const numeric = new Set(['INT64', 'DECIMAL', 'DOUBLE']);

/**
 * Two records' types of one key unified, as pyarrow's JSON reader and DuckDB's read_json do: NULL gives
 * way to the other; integers and doubles make DOUBLE; lists unify their items, structs their fields (a
 * field one lacks is NULL there); kinds that do not unify (a number and a string, a list and a struct)
 * make JSON, each value shown as its JSON text, as DuckDB's read_json does (pyarrow refuses such a file).
 */
export function mergeJsonTypes(a: JsonType, b: JsonType): JsonType {
  if (a.kind === 'NULL') return b;
  if (b.kind === 'NULL') return a;
  if (a.kind === 'LIST' && b.kind === 'LIST') return { kind: 'LIST', item: mergeJsonTypes(a.item, b.item) };
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
    const fields = new Map(a.fields);
    for (const [k, t] of b.fields) fields.set(k, fields.has(k) ? mergeJsonTypes(fields.get(k)!, t) : t);
    return { kind: 'STRUCT', fields };
  }
  if (a.kind === b.kind) return a;
  if (numeric.has(a.kind) && numeric.has(b.kind))
    return scalar(a.kind === 'DOUBLE' || b.kind === 'DOUBLE' ? 'DOUBLE' : 'DECIMAL');
  return scalar('JSON');
}

/** A type's name as the tree shows it: LIST<…>, STRUCT<a: …>, or the scalar's. */
export function jsonTypeName(t: JsonType): string {
  if (t.kind === 'LIST') return `LIST<${jsonTypeName(t.item)}>`;
  if (t.kind === 'STRUCT') return `STRUCT<${[...t.fields].map(([k, x]) => `${k}: ${jsonTypeName(x)}`).join(', ')}>`;
  return t.kind;
}
