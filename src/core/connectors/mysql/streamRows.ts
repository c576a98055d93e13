import type mysql from 'mysql2/promise';
import { batchRows, type CappedSink } from '../sql/streaming';
import { isBinaryField, mysqlTypeName } from './typeNames';

/** The callback-style connection under a promise connection: it streams rows as events. */
export interface CoreConnection {
  threadId: number;
  query(options: { sql: string; rowsAsArray: boolean; typeCast: boolean }): CoreQuery;
  pause(): void;
  resume(): void;
}
export interface CoreQuery {
  on(event: 'fields', listener: (fields: mysql.FieldPacket[]) => void): CoreQuery;
  on(event: 'result', listener: (row: unknown) => void): CoreQuery;
  on(event: 'error', listener: (error: Error) => void): CoreQuery;
  on(event: 'end', listener: () => void): CoreQuery;
}

/**
 * Streams a statement's rows into the sink in batches. While the sink is busy the connection is
 * paused, so rows wait on the server, not in memory. Stops once the sink wants no more.
 */
export function streamRows(core: CoreConnection, sql: string, capped: CappedSink): Promise<{ overflow: boolean }> {
  return new Promise((resolve, reject) => {
    let batch: unknown[][] = [];
    let settled = false;
    let ended = false;
    let flushing: Promise<void> = Promise.resolve();
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const flush = (): Promise<void> => {
      const rows = batch;
      batch = [];
      flushing = flushing.then(() => capped.rows(rows));
      return flushing;
    };
    // Values as the server sends them, what the mysql client prints: no driver parsing (doubles,
    // JSON, big decimals, dates stay exact); only binary columns stay bytes.
    let binary: boolean[] = [];
    core
      .query({ sql, rowsAsArray: true, typeCast: false })
      .on('fields', (f) => {
        const fields = f ?? [];
        binary = fields.map(isBinaryField);
        capped.start(
          fields.map((x) => x.name),
          fields.map(mysqlTypeName),
        );
      })
      .on('result', (raw) => {
        // A statement without a result set ends with an OK packet, not a row: nothing to show.
        if (!Array.isArray(raw)) return;
        const row = (raw as unknown[]).map((v, i) =>
          v === null || binary[i] || !Buffer.isBuffer(v) ? v : v.toString('utf8'),
        );
        if (settled || capped.remaining <= batch.length) {
          if (!settled && !ended) {
            // A statement sql_select_limit does not cover kept sending rows.
            settled = true;
            core.pause();
            flush().then(() => resolve({ overflow: true }), fail);
          }
          return;
        }
        batch.push(row);
        if (batch.length >= batchRows) {
          core.pause();
          flush().then(() => {
            if (!settled) core.resume();
          }, fail);
        }
      })
      .on('error', fail)
      .on('end', () => {
        ended = true;
        if (settled) return;
        settled = true;
        capped.start([], []);
        flush().then(() => resolve({ overflow: false }), reject);
      });
  });
}
