/**
 * One statement over PostgreSQL's extended protocol with the row cap in the Execute message itself,
 * with our own statements before and after it (open the read-only transaction; roll it back) in the
 * same pipeline: Parse/Bind/Execute for each, Describe for the user's, one Sync. The server sends at
 * most maxRows rows and the whole exchange is one round trip (pg-cursor plus a transaction takes five).
 * After an error the server skips to the Sync, so nothing after the user's statement runs then; the
 * caller rolls back. The extended protocol also refuses several statements in one text.
 */
import type pg from 'pg';
import PgResult from 'pg/lib/result.js';
import { prepareValue } from 'pg/lib/utils.js';

/** One of our own statements in the pipeline: plain text, or text with values bound to $1… */
export type PipelineStatement = string | { text: string; values: unknown[] };

interface Connection {
  parse(config: { text: string }): void;
  bind(config: {
    portal: string;
    statement: string;
    values: unknown[];
    valueMapper?: (value: unknown) => unknown;
  }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
  stream: { cork?: () => void; uncork?: () => void };
}

export interface CappedRows {
  rows: unknown[][];
  fields: pg.FieldDef[];
}

export class CappedQuery implements pg.Submittable {
  private readonly result: PgResult;
  private readonly rows: unknown[][] = [];
  private settle!: { resolve(value: CappedRows): void; reject(error: Error): void };
  readonly done: Promise<CappedRows>;

  constructor(
    private readonly text: string,
    private readonly maxRows: number,
    types: pg.CustomTypesConfig,
    private readonly around: { before: PipelineStatement[]; after: string[] } = { before: [], after: [] },
  ) {
    this.result = new PgResult('array', types);
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  readonly submit = (raw: pg.Connection): void => {
    const connection = raw as unknown as Connection;
    connection.stream.cork?.();
    try {
      // Only the user's statement is described and returns rows; ours return none.
      for (const text of this.around.before) this.plain(connection, text);
      connection.parse({ text: this.text });
      connection.bind({ portal: '', statement: '', values: [] });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: this.maxRows });
      for (const text of this.around.after) this.plain(connection, text);
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  };

  private plain(connection: Connection, statement: PipelineStatement): void {
    const { text, values } = typeof statement === 'string' ? { text: statement, values: [] } : statement;
    connection.parse({ text });
    connection.bind({ portal: '', statement: '', values, valueMapper: prepareValue });
    connection.execute({ portal: '', rows: 0 });
  }

  handleRowDescription(msg: { fields: pg.FieldDef[] }): void {
    this.result.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    this.rows.push(this.result.parseRow(msg.fields) as unknown[]);
  }

  handlePortalSuspended(): void {
    // The cap was reached; Sync (already sent) ends the exchange.
  }

  handleCommandComplete(): void {}

  handleEmptyQuery(): void {}

  /** pg lets go of a query on its error (the ReadyForQuery after it goes to no one): settle here. */
  handleError(error: Error): void {
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    this.settle.resolve({ rows: this.rows, fields: this.result.fields });
  }
}
