import type { SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnInfo } from '../../api/types';

/** A leaf's type as Parquet tools print it: the logical type where there is one, else the physical type. */
function leafType(e: SchemaElement): string {
  const logical = e.logical_type;
  if (logical?.type === 'DECIMAL') return `DECIMAL(${logical.precision},${logical.scale})`;
  if (logical?.type === 'TIMESTAMP' || logical?.type === 'TIME') return `${logical.type}(${logical.unit}${logical.isAdjustedToUTC ? ', UTC' : ''})`;
  if (logical?.type === 'INTEGER') return `${logical.isSigned ? 'INT' : 'UINT'}${logical.bitWidth}`;
  if (logical) return logical.type;
  const converted = e.converted_type;
  if (converted === 'UTF8') return 'STRING';
  if (converted === 'DECIMAL') return `DECIMAL(${e.precision ?? 0},${e.scale ?? 0})`;
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return `TIMESTAMP(${converted.slice(10)}, UTC)`;
  if (converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return `TIME(${converted.slice(5)}, UTC)`;
  if (converted && /^U?INT_\d+$/.test(converted)) return converted.replace('_', '');
  if (converted && ['DATE', 'JSON', 'BSON', 'ENUM', 'INTERVAL'].includes(converted)) return converted;
  if (e.type === 'INT96') return 'INT96 (TIMESTAMP)';
  if (e.type === 'FIXED_LEN_BYTE_ARRAY') return `FIXED_LEN_BYTE_ARRAY(${e.type_length ?? 0})`;
  return e.type ?? 'UNKNOWN';
}

/** A node's type: LIST<…>, MAP<…, …>, STRUCT<…> for groups (the standard three-level forms), the leaf's otherwise. */
export function parquetType(node: SchemaTree): string {
  const e = node.element;
  if (node.children.length === 0) return leafType(e);
  const kind = e.logical_type?.type ?? e.converted_type;
  if (kind === 'LIST' && node.children.length === 1) {
    const repeated = node.children[0]!;
    // list (repeated group list { element }) or the legacy two-level form (repeated element).
    const element = repeated.children.length === 1 ? repeated.children[0]! : repeated;
    return `LIST<${parquetType(element)}>`;
  }
  if ((kind === 'MAP' || kind === 'MAP_KEY_VALUE') && node.children.length === 1 && node.children[0]!.children.length === 2) {
    const [key, value] = node.children[0]!.children;
    return `MAP<${parquetType(key!)}, ${parquetType(value!)}>`;
  }
  return `STRUCT<${node.children.map((c) => `${c.element.name}: ${parquetType(c)}`).join(', ')}>`;
}

/** The file's top-level columns, as the tree shows a table's. */
export function parquetColumns(root: SchemaTree): ColumnInfo[] {
  return root.children.map((c) => ({ name: c.element.name, type: parquetType(c), nullable: c.element.repetition_type !== 'REQUIRED' }));
}
