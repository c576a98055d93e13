import pg from 'pg';
import type Cursor from 'pg-cursor';
import type { TableType } from '../../api/types';

/** How the PostgreSQL driver's values, sockets and cursors are handled: values exactly as the server writes them. */

export const relkindTypes: Record<string, TableType> = {
  r: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  p: 'PARTITIONED TABLE',
  f: 'FOREIGN TABLE',
};

// Dates and times stay as the server wrote them: no time-zone shifts, no lost precision.
const textTypeOids = new Set([1082, 1083, 1114, 1184, 1186, 1266, 1115, 1182, 1183, 1185, 1187, 1270]);
export const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    textTypeOids.has(oid)
      ? (value: string) => value
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

const byteaOid = 17;
const asText = (value: string): string => value;
/**
 * A statement's values exactly as the server writes them, what psql prints: NaN and Infinity,
 * numerics and big integers to the last digit, JSON as its text (big numbers, key order, duplicate
 * keys, null and strings as written), arrays with their bounds, booleans as t/f. Only bytea becomes
 * bytes (shown as \x-hex, as psql shows it).
 */
export const valueTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === byteaOid
      ? (pg.types.getTypeParser(oid, format) as (value: string) => unknown)
      : asText) as pg.CustomTypesConfig['getTypeParser'],
};

export type Row = unknown[];

/** Closes a client's socket at once, connecting or not (end() waits for a host that never answers). */
export function dropSocket(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

export function readCursor(cursor: Cursor<Row>, maxRows: number): Promise<{ rows: Row[]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(maxRows, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: result.fields ?? [] });
    });
  });
}
