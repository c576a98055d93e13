/**
 * Runs sql.js (SQLite compiled to WebAssembly) off the extension host's thread. sql.js is
 * synchronous: here a long query blocks only this worker, which the session terminates on timeout
 * or cancel. The database is a copy of the file in memory, with query_only on: the file is never written.
 */
import { statSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import type { CellValue, TableType } from '../../api/types';
import { foldForSearch } from '../sql/search';
import type { QueryOutcome, WorkerInit, WorkerRequest, WorkerResponse, WorkerResult } from './protocol';
import { asText } from '../../../shared/asText';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
type Database = InstanceType<SqlJs['Database']>;

const maxFileBytes = 1024 * 1024 * 1024;
const { path } = workerData as WorkerInit;
const sqlJs = initSqlJs();
let db: Database | undefined;
let loadedStamp = '';

class Failure extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_config' | 'read_only' | 'query_failed' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

/** The database as the file is now: reloaded when the file changed since it was read. */
async function database(): Promise<Database> {
  let stamp: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Failure('invalid_config', `"${path}" is not a file.`);
    if (st.size > maxFileBytes)
      throw new Failure(
        'invalid_config',
        `"${path}" is larger than 1 GB; it is read into memory and too big for that.`,
      );
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure('not_found', `The SQLite file "${path}" does not exist or cannot be read.`);
  }
  if (db && stamp === loadedStamp) return db;
  const SQL = await sqlJs;
  const bytes = readFileSync(path);
  if (bytes.length > 0 && bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
    throw new Failure('invalid_config', `"${path}" is not a SQLite database.`);
  }
  db?.close();
  db = new SQL.Database(bytes);
  // Table search blind to case and accents, as the other connectors search (SQLite's LIKE folds ASCII only).
  db.create_function('planasonix_fold', (name: unknown) => foldForSearch(String(name)));
  loadedStamp = stamp;
  return db;
}

function rows(d: Database, sql: string, params: (string | number | null)[]): Record<string, unknown>[] {
  const stmt = d.prepare(sql, params);
  const out: Record<string, unknown>[] = [];
  try {
    while (stmt.step()) out.push(stmt.getAsObject());
  } finally {
    stmt.free();
  }
  return out;
}

const tableTypes: Record<string, TableType> = { table: 'TABLE', view: 'VIEW' };

function query(d: Database, sql: string, maxRows: number): QueryOutcome {
  // Every run starts read-only again, whatever an earlier statement did.
  d.exec('PRAGMA query_only = 1');
  // The iterator finalizes each statement when it moves on, so count first, then prepare the one.
  let first: string | undefined;
  let count = 0;
  for (const statement of d.iterateStatements(sql)) {
    if (count++ === 0) first = statement.getSQL();
    statement.free();
  }
  if (first === undefined) throw new Failure('query_failed', 'There is no SQL statement to run.');
  if (count > 1) throw new Failure('query_failed', 'Run one statement at a time.');
  const declared = declaredTypes(d, first);
  const stmt = d.prepare(first);
  const realText = d.prepare('SELECT CAST(?1 AS TEXT)');
  const realCache = new Map<number, string>();
  /** A REAL as SQLite itself writes it (what the sqlite3 shell prints), not as JavaScript would. */
  const real = (value: number): string => {
    let text = realCache.get(value);
    if (text === undefined) {
      realText.bind([value]);
      realText.step();
      text = String(realText.get()[0]);
      realText.reset();
      if (realCache.size < 10_000) realCache.set(value, text);
    }
    return text;
  };
  try {
    const started = performance.now();
    const out: CellValue[][] = [];
    // sql.js takes { useBigInt } as a second argument; its typings do not say so.
    const getRow = stmt.get.bind(stmt) as unknown as (params: null, config: { useBigInt: boolean }) => unknown[];
    const classes: string[] = [];
    while (out.length < maxRows && stmt.step()) {
      // Integers exactly (bigint, past 2^53 too), REALs in SQLite's text, text and blobs as stored.
      const row = getRow(null, { useBigInt: true });
      out.push(
        row.map((v, i) => {
          if (v !== null && classes[i] === undefined) classes[i] = storageClass(v);
          return typeof v === 'bigint' ? v.toString() : typeof v === 'number' ? real(v) : (v as CellValue);
        }),
      );
    }
    const executionMs = Math.round(performance.now() - started);
    const columns = stmt.getColumnNames();
    const columnTypes = columns.map((_, i) => declared?.[i] || classes[i] || 'NULL');
    return { columns, columnTypes, rows: out, executionMs };
  } finally {
    stmt.free();
    realText.free();
  }
}

/**
 * The declared types of a statement's columns (DATE, NUMERIC(10,2), ...), as the tree shows them.
 * sql.js has no sqlite3_column_decltype, so the statement is compiled as a temporary view of the
 * in-memory copy (never run, never written to the file) and the view's columns are read.
 */
function declaredTypes(d: Database, sql: string): string[] | undefined {
  const view = 'planasonix_declared_types';
  try {
    d.exec('PRAGMA query_only = 0');
    d.exec(`CREATE TEMP VIEW ${view} AS ${sql}`);
    return rows(d, `SELECT type FROM pragma_table_info('${view}', 'temp') ORDER BY cid`, []).map((r) => asText(r.type));
  } catch {
    return undefined; // not a SELECT (PRAGMA, EXPLAIN): storage classes only
  } finally {
    try {
      d.exec(`DROP VIEW IF EXISTS temp.${view}`);
    } finally {
      d.exec('PRAGMA query_only = 1');
    }
  }
}

/** A value's storage class, for columns without a declared type (expressions). */
function storageClass(value: unknown): string {
  return typeof value === 'bigint'
    ? 'INTEGER'
    : typeof value === 'number'
      ? 'REAL'
      : value instanceof Uint8Array
        ? 'BLOB'
        : 'TEXT';
}

async function handle(request: WorkerRequest): Promise<WorkerResult> {
  const d = await database();
  switch (request.op) {
    case 'version':
      return { op: 'version', version: String(d.exec('SELECT sqlite_version()')[0]?.values[0]?.[0] ?? '') };
    case 'tables': {
      const found = rows(
        d,
        `SELECT name, type FROM sqlite_schema
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
           AND (?1 IS NULL OR planasonix_fold(name) LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR name > ?2)
         ORDER BY name LIMIT coalesce(?3, -1)`,
        [request.search, request.after, request.limit],
      );
      return {
        op: 'tables',
        tables: found.map((r) => ({ name: String(r.name), type: tableTypes[String(r.type)] ?? 'TABLE' })),
      };
    }
    case 'columns': {
      const exists = rows(d, `SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?`, [
        request.table,
      ]);
      if (exists.length === 0) return { op: 'columns', columns: null };
      const info = rows(
        d,
        'SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk FROM pragma_table_info(?) ORDER BY cid',
        [request.table],
      );
      return {
        op: 'columns',
        columns: info.map((c) => ({
          name: String(c.name),
          type: asText(c.type) || 'ANY',
          nullable: Number(c.nn) === 0 && Number(c.pk) === 0,
          default: c.dflt === null ? null : asText(c.dflt),
          primaryKey: Number(c.pk) > 0,
        })),
      };
    }
    case 'query':
      return { op: 'query', outcome: query(d, request.sql, request.maxRows) };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const code =
        error instanceof Failure
          ? error.code
          : /readonly database|query_only/i.test(message)
            ? 'read_only'
            : 'query_failed';
      parentPort?.postMessage({ id: request.id, ok: false, error: { code, message } } satisfies WorkerResponse);
    },
  );
});
