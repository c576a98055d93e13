import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnInfo } from '../../api/types';

/** A logical type this reader does not know (a union member added after it): readers fall back to the physical type. */
export function isUnknownLogical(e: SchemaElement): boolean {
  return e.logical_type !== undefined && typeof (e.logical_type as { type?: unknown }).type !== 'string';
}

/** A time-of-day leaf's unit (TIME logical type, or the TIME_MILLIS / TIME_MICROS converted types). */
export function timeUnit(e: SchemaElement): 'MILLIS' | 'MICROS' | 'NANOS' | undefined {
  if (isUnknownLogical(e)) return undefined;
  if (e.logical_type?.type === 'TIME') return e.logical_type.unit;
  if (e.converted_type === 'TIME_MILLIS') return 'MILLIS';
  if (e.converted_type === 'TIME_MICROS') return 'MICROS';
  return undefined;
}

/** A leaf's type as Parquet tools print it: the logical type where there is one, else the physical type. */
function leafType(e: SchemaElement): string {
  if (isUnknownLogical(e)) return e.type ?? 'UNKNOWN';
  const logical = e.logical_type;
  if (logical?.type === 'DECIMAL') return `DECIMAL(${logical.precision},${logical.scale})`;
  if (logical?.type === 'TIMESTAMP' || logical?.type === 'TIME')
    return `${logical.type}(${logical.unit}${logical.isAdjustedToUTC ? ', UTC' : ''})`;
  if (logical?.type === 'INTEGER') return `${logical.isSigned ? 'INT' : 'UINT'}${logical.bitWidth}`;
  if (logical) return logical.type;
  const converted = e.converted_type;
  if (converted === 'UTF8') return 'STRING';
  if (converted === 'DECIMAL') return `DECIMAL(${e.precision ?? 0},${e.scale ?? 0})`;
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS')
    return `TIMESTAMP(${converted.slice(10)}, UTC)`;
  if (converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return `TIME(${converted.slice(5)}, UTC)`;
  if (converted && /^U?INT_\d+$/.test(converted)) return converted.replace('_', '');
  if (converted && ['DATE', 'JSON', 'BSON', 'ENUM', 'INTERVAL'].includes(converted)) return converted;
  if (e.type === 'INT96') return 'INT96 (TIMESTAMP)';
  if (e.type === 'FIXED_LEN_BYTE_ARRAY') return `FIXED_LEN_BYTE_ARRAY(${e.type_length ?? 0})`;
  return e.type ?? 'UNKNOWN';
}

const kindOf = (e: SchemaElement): string | undefined =>
  isUnknownLogical(e) ? undefined : (e.logical_type?.type ?? e.converted_type);

/**
 * A LIST group's element, by the format's backward-compatibility rules: a repeated leaf is the element;
 * a repeated group of several fields, or of one named `array` or `<list>_tuple`, is itself the element
 * (`wrap` names its one field, which the reader unwraps); otherwise the repeated group's one field is.
 */
export function listElement(node: SchemaTree): { element: SchemaTree; wrap?: string } | undefined {
  if (kindOf(node.element) !== 'LIST' || node.children.length !== 1) return undefined;
  const repeated = node.children[0];
  if (repeated.element.repetition_type !== 'REPEATED') return undefined;
  if (repeated.children.length === 0) return { element: repeated };
  if (repeated.children.length > 1) return { element: repeated };
  const name = repeated.element.name;
  if (name === 'array' || name === `${node.element.name}_tuple`)
    return { element: repeated, wrap: repeated.children[0].element.name };
  return { element: repeated.children[0] };
}

/** A MAP group's repeated key/value group, its key and (where there is one) its value. */
export function mapParts(node: SchemaTree): { entries: SchemaTree; key: SchemaTree; value?: SchemaTree } | undefined {
  const kind = kindOf(node.element);
  if ((kind !== 'MAP' && kind !== 'MAP_KEY_VALUE') || node.children.length !== 1) return undefined;
  const entries = node.children[0];
  if (entries.children.length === 0 || entries.children.length > 2) return undefined;
  return { entries, key: entries.children[0], ...(entries.children[1] ? { value: entries.children[1] } : {}) };
}

/**
 * A node's type: LIST<…>, MAP<…, …>, STRUCT<…> for groups (legacy list and map forms as what they mean),
 * LIST<…> for a repeated field outside them, the leaf's otherwise.
 */
export function parquetType(node: SchemaTree, ignoreRepetition = false): string {
  const e = node.element;
  if (!ignoreRepetition && e.repetition_type === 'REPEATED') return `LIST<${parquetType(node, true)}>`;
  if (node.children.length === 0) return leafType(e);
  const list = listElement(node);
  if (list) return `LIST<${parquetType(list.element, true)}>`;
  const map = mapParts(node);
  if (map)
    return map.value
      ? `MAP<${parquetType(map.key, true)}, ${parquetType(map.value, true)}>`
      : `LIST<${parquetType(map.key, true)}>`;
  return `STRUCT<${node.children.map((c) => `${c.element.name}: ${parquetType(c)}`).join(', ')}>`;
}

/** The file's top-level columns, as the tree shows a table's. */
export function parquetColumns(root: SchemaTree): ColumnInfo[] {
  return root.children.map((c) => ({
    name: c.element.name,
    type: parquetType(c),
    nullable: c.element.repetition_type !== 'REQUIRED',
  }));
}

/**
 * What is wrong with a footer the reader parsed, or undefined when it holds together: a footer cut or
 * damaged inside its Thrift parses into missing fields, and column chunks that point outside the data.
 */
export function footerFault(metadata: FileMetaData, leaves: number, dataEnd: number): string | undefined {
  if (!Array.isArray(metadata.schema) || metadata.schema.length < 1 || !metadata.schema[0].num_children)
    return 'it has no schema';
  const physical = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];
  const bad = metadata.schema.slice(1).find((e) => !e.num_children && !physical.includes(e.type ?? ''));
  if (bad) return `column ${JSON.stringify(bad.name)} has no physical type the format knows`;
  if (typeof metadata.num_rows !== 'bigint' || metadata.num_rows < 0n) return 'it has no row count';
  if (!Array.isArray(metadata.row_groups)) return 'it has no row groups';
  for (const [g, group] of metadata.row_groups.entries()) {
    if (typeof group.num_rows !== 'bigint' || group.num_rows < 0n) return `row group ${g + 1} has no row count`;
    if (!Array.isArray(group.columns) || group.columns.length !== leaves)
      return `row group ${g + 1} has ${group.columns?.length ?? 0} column chunks for ${leaves} columns`;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue; // in another file (file_path): refused when read
      const start = chunkStart(meta);
      const end = start + Number(meta.total_compressed_size);
      if (!(start >= 4 && end <= dataEnd && end > start))
        return `row group ${g + 1}, column ${meta.path_in_schema.join('.')} points outside the file's data`;
    }
  }
  // A file whose total row count disagrees with its row groups (0 in some writers' files) is read by its
  // row groups, as pyarrow reads it.
  return undefined;
}

/** The number of leaf columns under a schema node. */
export function countLeaves(node: SchemaTree): number {
  return node.children.length === 0 ? 1 : node.children.reduce((n, c) => n + countLeaves(c), 0);
}

/** The reader's own words on what it could not parse (a footer, a page), in brackets; never its internals. */
export function readerWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^parquet /.test(message) && !/undefined|NaN|null/.test(message)
    ? ` (${message.replace(/^parquet /, '')})`
    : '';
}

/** The dotted paths of every leaf column (as the reader names a page's column). */
export function leafPathsOf(node: SchemaTree): string[] {
  return node.children.length === 0 ? [node.path.join('.')] : node.children.flatMap(leafPathsOf);
}

/** Bytes a column chunk may run past its declared size into a gap before the next chunk (Arrow's PARQUET-816 padding). */
export const maxChunkPadding = 100;

/**
 * Column chunks whose declared size stops short of the next chunk by a small gap are read up to it: old
 * writers left the dictionary page header out of total_compressed_size, and a reader that trusts it cuts
 * the chunk's last page short (pyarrow pads such chunks the same way). Chunks that meet are unchanged.
 */
export function paddedChunks(metadata: FileMetaData, tree: SchemaTree, dataEnd: number): FileMetaData['row_groups'] {
  // Only flat columns: the reader stops a flat column at its row count, any other at the chunk's end.
  const flat = new Set(flatLeafPaths(tree));
  return metadata.row_groups.map((group) => {
    const starts = group.columns.map((c) => (c.meta_data ? chunkStart(c.meta_data) : undefined));
    return {
      ...group,
      columns: group.columns.map((chunk, i) => {
        const meta = chunk.meta_data;
        const start = starts[i];
        if (!meta || start === undefined || !flat.has(meta.path_in_schema.join('.'))) return chunk;
        const end = start + Number(meta.total_compressed_size);
        // The next chunk of this row group, or the end of the data (the footer) after the last.
        const next = starts
          .filter((s): s is number => s !== undefined && s >= end)
          .reduce((a, b) => Math.min(a, b), dataEnd);
        const gap = next - end;
        if (!(gap > 0 && gap <= maxChunkPadding)) return chunk;
        return { ...chunk, meta_data: { ...meta, total_compressed_size: meta.total_compressed_size + BigInt(gap) } };
      }),
    };
  });
}

/** Where a column chunk's first page is: its dictionary page, when it has one at a real offset. */
export function chunkStart(meta: { dictionary_page_offset?: bigint; data_page_offset: bigint }): number {
  // An offset below 4 (inside the magic) means none: some writers write 0 for either.
  const offsets = [Number(meta.dictionary_page_offset ?? 0n), Number(meta.data_page_offset)].filter((o) => o >= 4);
  return offsets.length ? Math.min(...offsets) : Number(meta.data_page_offset);
}

/** The top-level columns that are plain leaves (not repeated, not inside a group): the reader stops these at their row count. */
function flatLeafPaths(root: SchemaTree): string[] {
  return root.children
    .filter((c) => c.children.length === 0 && c.element.repetition_type !== 'REPEATED')
    .map((c) => c.path.join('.'));
}
