import type { CellValue, ColumnInfo, FileObject, PreviewResponse, TableInfo, TestQueryResponse } from '../api/types';
import { ConnectionError } from '../errors';
import { badResponse } from './decode';
import { isObject, type Json } from './records';

/**
 * Browsing answers as either dialect sends them: the documented objects (`{tables: [...]}`,
 * `{columns, rows}`), bare arrays, `{data: ...}`, and `null` for an empty list (a Go nil slice).
 * Field names in camelCase, snake_case or as Go's AWS types spell them (`Key`, `Size`).
 */

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The list in an answer: bare, under `key` (or one of `alternatives`), or inside `data`; `null` is empty. */
export function listOf(body: unknown, key: string, ...alternatives: string[]): unknown[] {
  if (body === null || body === undefined) return [];
  if (Array.isArray(body)) return body;
  if (isObject(body)) {
    for (const k of [key, ...alternatives]) {
      if (Array.isArray(body[k])) return body[k];
      if (k in body && body[k] === null) return [];
    }
    if ('data' in body) return listOf(body.data, key, ...alternatives);
  }
  throw badResponse(`a list of ${key}`);
}

/** The object in an answer, unwrapped from `data`; undefined when the answer is a list (or nothing). */
export function objectOf(body: unknown): Json | undefined {
  const inner = isObject(body) && isObject(body.data) ? body.data : body;
  return isObject(inner) ? inner : undefined;
}

export function names(body: unknown, key: string): { name: string }[] {
  return listOf(body, key, 'items').flatMap((v) => {
    if (typeof v === 'string') return [{ name: v }];
    const name = isObject(v) ? (str(v.name) ?? str(v[key.replace(/s$/, '')])) : undefined;
    return name !== undefined ? [{ name }] : [];
  });
}

export function tables(body: unknown): { tables: TableInfo[]; nextPageToken?: string } {
  const list = listOf(body, 'tables', 'items');
  const o = objectOf(body);
  const out: TableInfo[] = list.flatMap((t): TableInfo[] => {
    if (typeof t === 'string') return [{ name: t, type: 'TABLE' }];
    if (!isObject(t)) return [];
    const name = str(t.name) ?? str(t.table) ?? str(t.table_name);
    if (name === undefined) return [];
    const type = str(t.type) ?? str(t.tableType) ?? str(t.table_type) ?? 'TABLE';
    const schema = str(t.schema) ?? str(t.table_schema);
    return [
      {
        name,
        type: type.toUpperCase() === 'BASE TABLE' ? 'TABLE' : type.toUpperCase(),
        ...(schema !== undefined ? { schema } : {}),
      },
    ];
  });
  const next = o ? (str(o.nextPageToken) ?? str(o.next_page_token)) : undefined;
  return { tables: out, ...(next ? { nextPageToken: next } : {}) };
}

function nullable(c: Json): boolean {
  const v = c.nullable ?? c.isNullable ?? c.is_nullable;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return !/^(no|false|n|0)$/i.test(v.trim());
  return true;
}

export function columns(body: unknown): ColumnInfo[] {
  return listOf(body, 'columns', 'schema', 'fields').flatMap((c): ColumnInfo[] => {
    if (!isObject(c)) return [];
    const name = str(c.name) ?? str(c.column_name) ?? str(c.columnName);
    if (name === undefined) return [];
    const type = str(c.type) ?? str(c.dataType) ?? str(c.data_type) ?? '';
    const dflt = c.default ?? c.column_default;
    return [
      {
        name,
        type,
        nullable: nullable(c),
        ...(typeof dflt === 'string' || dflt === null ? { default: dflt } : {}),
        ...(c.primaryKey === true || c.primary_key === true ? { primaryKey: true } : {}),
      },
    ];
  });
}

/** A row value as sent: nested objects and arrays stay (the grid shows them as JSON). */
const cell = (v: unknown): CellValue => (v === undefined ? null : (v as CellValue));

/**
 * Columns and rows of a whole result: rows as arrays (documented) or as objects keyed by column (a
 * Go `[]map[string]any`, whose keys come sorted: the column order is the answer's `columns` where sent).
 */
export function result(body: unknown): { columns: string[]; rows: CellValue[][]; columnTypes?: string[]; o: Json } {
  const o = objectOf(body) ?? {};
  const rawRows = Array.isArray(body)
    ? body
    : listOf(o.rows !== undefined ? o.rows : (o.results ?? o.data ?? null), 'rows');
  const declared = Array.isArray(o.columns) ? o.columns : Array.isArray(o.schema) ? o.schema : undefined;
  let cols: string[] = declared
    ? declared.map((c: unknown) => (typeof c === 'string' ? c : isObject(c) ? (str(c.name) ?? '') : String(c)))
    : [];
  let types: string[] | undefined = Array.isArray(o.columnTypes)
    ? o.columnTypes.map((t: unknown) => str(t) ?? '')
    : declared?.some((c: unknown) => isObject(c) && typeof c.type === 'string')
      ? declared.map((c: unknown) => (isObject(c) ? (str(c.type) ?? str(c.dataType) ?? '') : ''))
      : undefined;
  const objects = rawRows.filter(isObject);
  if (objects.length > 0 && cols.length === 0) {
    const seen = new Set<string>();
    for (const r of objects) for (const k of Object.keys(r)) seen.add(k);
    cols = [...seen];
    types = undefined;
  }
  const rows = rawRows.flatMap((r): CellValue[][] => {
    if (Array.isArray(r)) return [r.map(cell)];
    if (isObject(r)) return [cols.map((c) => cell(r[c]))];
    return [];
  });
  return { columns: cols, rows, ...(types ? { columnTypes: types } : {}), o };
}

/** A 200 answer that says the statement failed (`{success: false, error}`): an error, never zero rows. */
export function failureIn(o: Json): ConnectionError | undefined {
  const error = o.error;
  const failed = o.success === false || o.ok === false || (error !== undefined && error !== null && error !== '');
  if (!failed) return undefined;
  const message = isObject(error)
    ? (str(error.message) ?? str(error.code))
    : (str(error) ?? str(o.message) ?? str(o.errorMessage));
  const sqlState = str(o.sqlState) ?? (isObject(error) ? str(error.sqlState) : undefined);
  return new ConnectionError(
    'query_failed',
    message && message.trim() !== '' ? message : 'The workspace said the statement failed, without a reason.',
    {
      ...(sqlState ? { sqlState } : {}),
      ...(isObject(error) && typeof error.code === 'string' ? { serverCode: error.code } : {}),
    },
  );
}

function fileObject(x: unknown): FileObject | undefined {
  if (!isObject(x)) return undefined;
  const key = str(x.key) ?? str(x.Key) ?? str(x.name) ?? str(x.path);
  if (key === undefined) return undefined;
  const size = x.size ?? x.Size;
  const modified = x.lastModified ?? x.LastModified ?? x.last_modified;
  return {
    key,
    size: typeof size === 'number' ? size : typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : 0,
    lastModified: str(modified) ?? '',
  };
}

export function files(
  body: unknown,
  prefix: string,
): { prefix: string; objects: FileObject[]; commonPrefixes: string[]; nextPageToken?: string } {
  const o = objectOf(body);
  const items =
    Array.isArray(body) || body === null
      ? listOf(body, 'objects')
      : listOf(o ?? null, 'objects', 'files', 'contents', 'Contents');
  const objects: FileObject[] = [];
  const prefixes: string[] = [];
  for (const x of items) {
    const f = fileObject(x);
    if (!f) continue;
    // A bare listing marks folders as keys ending in "/" (or with isDir): they are prefixes.
    if (
      isObject(x) &&
      (x.isDir === true || x.type === 'prefix' || x.type === 'folder' || (f.key.endsWith('/') && f.size === 0))
    )
      prefixes.push(f.key);
    else objects.push(f);
  }
  const listed = o ? (o.commonPrefixes ?? o.prefixes ?? o.folders ?? o.CommonPrefixes) : undefined;
  for (const p of Array.isArray(listed) ? listed : []) {
    const value = typeof p === 'string' ? p : isObject(p) ? (str(p.prefix) ?? str(p.Prefix)) : undefined;
    if (value !== undefined) prefixes.push(value);
  }
  const next = o ? (str(o.nextPageToken) ?? str(o.continuationToken) ?? str(o.NextContinuationToken)) : undefined;
  return {
    prefix: (o && str(o.prefix)) ?? prefix,
    objects,
    commonPrefixes: prefixes,
    ...(next ? { nextPageToken: next } : {}),
  };
}

type Result = ReturnType<typeof result>;

/**
 * A preview's answer cut to the limit asked for. Whether the table had more: the workspace's word where
 * it says, else whether the extra row asked for (the deployed back end does not say) came.
 */
export function previewAnswer(r: Result, asked: number | undefined): PreviewResponse {
  const failed = failureIn(r.o);
  if (failed) throw failed;
  const limit = asked ?? (typeof r.o.limit === 'number' ? r.o.limit : undefined);
  const truncated = typeof r.o.truncated === 'boolean' ? r.o.truncated : limit !== undefined && r.rows.length > limit;
  return {
    columns: r.columns,
    rows: limit !== undefined ? r.rows.slice(0, limit) : r.rows,
    ...(r.columnTypes ? { columnTypes: r.columnTypes } : {}),
    truncated,
    ...(limit !== undefined ? { limit } : {}),
  };
}

/** A test query's answer cut to the limit asked for, with its stats, as a preview's. */
export function testQueryAnswer(r: Result, limit: number | undefined): TestQueryResponse {
  const failed = failureIn(r.o);
  if (failed) throw failed;
  const stats = isObject(r.o.stats) ? r.o.stats : {};
  const truncated = r.o.truncated === true || (limit !== undefined && r.rows.length > limit);
  return {
    ok: true,
    columns: r.columns,
    rows: limit !== undefined ? r.rows.slice(0, limit) : r.rows,
    ...(r.columnTypes ? { columnTypes: r.columnTypes } : {}),
    stats: {
      executionMs: typeof stats.executionMs === 'number' ? stats.executionMs : 0,
      ...(typeof stats.rowsScanned === 'number' ? { rowsScanned: stats.rowsScanned } : {}),
    },
    ...(truncated ? { truncated: true } : {}),
  };
}
