import { performance } from 'node:perf_hooks';
import { createConnection as createCoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import type { ColumnInfo, ColumnsQuery, NamedItem, TableType, TablesQuery, TablesResponse } from '../../api/types';
import { ConnectionError } from '../../errors';
import type { Logger } from '../../ports';
import { quoteBacktick } from '../sql/identifiers';
import { listingCancelledError, raceAbort } from '../sql/cancellation';
import { keysetPage } from '../sql/paging';
import { ServerSqlSession } from '../sql/sqlSession';
import { CappedSink } from '../sql/streaming';
import { tlsOptions } from '../sql/serverConfig';
import type { ConnectorDriverModule, QueryOptions, RowSink, SessionOptions, StreamSummary } from '../types';
import { mapMysqlError } from './errors';
import { grammarRefusal, mysqlRefusal, parseErrors } from './guard';
import type { LexMode } from '../../sql/dialect';
import { mysqlLexMode } from './dialect';
import { columnsSql, schemasSql, serverVersionSql, tableKindSql, tablesSql } from './catalogQueries';
import { streamRows, type CoreConnection } from './streamRows';

const tableTypes: Record<string, TableType> = {
  'BASE TABLE': 'TABLE',
  VIEW: 'VIEW',
  'SYSTEM VIEW': 'SYSTEM VIEW',
  SEQUENCE: 'SEQUENCE',
  'SYSTEM VERSIONED': 'SYSTEM VERSIONED TABLE',
};
const noLimit = Number.MAX_SAFE_INTEGER;

/** Whether the server's parser accepts a text: prepared (never run), then dropped. */
export async function preparable(
  conn: Pick<mysql.Connection, 'prepare' | 'unprepare'>,
  text: string,
): Promise<boolean> {
  try {
    await conn.prepare(text);
    return true;
  } catch (error) {
    return !parseErrors.has(Number((error as { errno?: unknown }).errno));
  } finally {
    conn.unprepare(text);
  }
}

class MysqlSession extends ServerSqlSession {
  private pool: mysql.Pool | undefined;
  private flavour: Promise<'mariadb' | 'mysql'> | undefined;

  constructor(options: SessionOptions, logger: Logger) {
    super(options, logger, quoteBacktick, mapMysqlError);
  }

  async test(signal?: AbortSignal): Promise<{ ok: boolean; serverVersion?: string; message: string }> {
    const conn = await this.openConnection(signal);
    try {
      const [rows] = await raceAbort(conn.query<mysql.RowDataPacket[]>(serverVersionSql), signal, () => conn.destroy());
      const version = String(rows[0]?.version ?? '');
      return {
        ok: true,
        serverVersion: /mariadb/i.test(version) ? version : `MySQL ${version}`,
        message: 'Connection successful.',
      };
    } catch (error) {
      throw this.mapError(error);
    } finally {
      await conn.end().catch(() => undefined);
    }
  }

  async schemas(_catalog?: string, signal?: AbortSignal): Promise<NamedItem[]> {
    const rows = await this.run<{ name: string }>(schemasSql, [this.cfg.showSystemSchemas], signal);
    return rows.map((r) => ({ name: r.name }));
  }

  async tables(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>> {
    const { page, nextPageToken } = await keysetPage(query, ({ pattern, after, fetch }) =>
      this.run<{ name: string; kind: string }>(
        tablesSql,
        [query.schema ?? null, pattern, pattern, after, after, fetch ?? noLimit],
        signal,
      ),
    );
    return {
      schema: query.schema,
      tables: page.map((r) => ({ name: r.name, type: tableTypes[r.kind] ?? 'TABLE' })),
      ...(nextPageToken ? { nextPageToken } : {}),
    };
  }

  async columns(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]> {
    const rows = await this.run<{ name: string; type: string; nullable: string; dflt: string | null; colKey: string }>(
      columnsSql,
      [query.schema ?? null, query.table],
      signal,
    );
    if (rows.length === 0) {
      const [kind] = await this.run<{ kind: string }>(tableKindSql, [query.schema ?? null, query.table], signal);
      if (!kind)
        throw new ConnectionError(
          'not_found',
          `Table "${query.schema ? `${query.schema}.` : ''}${query.table}" does not exist.`,
        );
      // It exists but lists no columns: a view the server cannot resolve. Ask it why, in its own words.
      const target = `${query.schema ? `${quoteBacktick(query.schema)}.` : ''}${quoteBacktick(query.table)}`;
      await this.run(`SHOW COLUMNS FROM ${target}`, [], signal);
      return [];
    }
    return rows.map((r) => ({
      name: r.name,
      type: r.type,
      nullable: r.nullable === 'YES',
      // MariaDB spells a NULL default as the bare word NULL; a string default comes quoted.
      default: r.dflt === null || r.dflt === 'NULL' ? null : r.dflt,
      primaryKey: r.colKey === 'PRI',
    }));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  /**
   * One statement in a read-only transaction that is always rolled back. The session itself is
   * read-only too, so DDL (which commits implicitly in MySQL) is refused as well. The server sends
   * at most limit + 1 rows (sql_select_limit); the statement has a server-side time limit and is
   * killed on the server on abort.
   */
  async stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary> {
    let flavour: 'mariadb' | 'mysql' = 'mysql';
    const coreOf = (conn: mysql.PoolConnection): CoreConnection =>
      (conn as unknown as { connection: CoreConnection }).connection;
    return this.runStatement<mysql.PoolConnection>(options, {
      connect: async () => {
        flavour = await this.detectFlavour();
        return this.checkout();
      },
      cancelOnServer: (conn) => void this.killQuery(coreOf(conn).threadId),
      run: async (conn) => {
        const timeLimit =
          flavour === 'mariadb'
            ? `SET SESSION max_statement_time = ${(Math.max(1, options.timeoutMs) / 1000).toFixed(3)}`
            : `SET SESSION max_execution_time = ${Math.max(1, Math.floor(options.timeoutMs))}`;
        await conn.query('SET SESSION TRANSACTION READ ONLY');
        await conn.query(`SET SESSION sql_select_limit = ${options.limit + 1}`);
        await conn.query(timeLimit);
        if (options.schema) await conn.query(`USE ${quoteBacktick(options.schema)}`);
        // The session's sql_mode decides what `"` and `\` mean: the guard lexes as the server will.
        const [modeRows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@SESSION.sql_mode AS m');
        const mode = mysqlLexMode(String(modeRows[0]?.m ?? ''));
        const reason = await mysqlRefusal(
          options.sql,
          async (sql, values) => (await conn.query<mysql.RowDataPacket[]>(sql, values))[0],
          mode,
        );
        if (reason) throw new ConnectionError('read_only', `Refused: ${reason}`);
        await this.grammarCheck(conn, options.sql, mode);
        await conn.query('START TRANSACTION READ ONLY');
        const started = performance.now();
        const capped = new CappedSink(sink, options.limit);
        const { overflow } = await streamRows(coreOf(conn), options.sql, capped);
        const summary = capped.summary(Math.round(performance.now() - started));
        if (overflow) {
          // A statement sql_select_limit does not cover kept sending rows: stop it and drop the link.
          void this.killQuery(coreOf(conn).threadId);
          return { summary, discard: true };
        }
        await conn.query('ROLLBACK');
        return { summary };
      },
      rollback: (conn) => conn.query('ROLLBACK'),
      // A KILL QUERY sent for this thread may arrive after the statement ended: never reuse it.
      discard: (conn) => conn.destroy(),
      // The session is reset (COM_CHANGE_USER) before it goes back to the pool: whatever the statement
      // left behind (GET_LOCK locks, user variables, prepared statements, temporary tables, session
      // settings, the default database) is gone, and the server has said so before reuse.
      reuse: async (conn) => {
        try {
          await conn.changeUser({ user: this.cfg.user });
          conn.release();
        } catch {
          conn.destroy();
        }
      },
    });
  }

  /**
   * The server-enforced layer behind the classifier: the server's own parser must accept the statement
   * as a derived table (prepared, never run), which no INTO OUTFILE, SET GLOBAL or CALL survives.
   */
  private async grammarCheck(conn: mysql.PoolConnection, sql: string, mode: LexMode): Promise<void> {
    const reason = await grammarRefusal((text) => preparable(conn, text), sql, mode);
    if (reason) throw new ConnectionError('read_only', `Refused: ${reason}`);
  }

  private detectFlavour(): Promise<'mariadb' | 'mysql'> {
    this.flavour ??= this.run<{ version: string }>(serverVersionSql, []).then((rows) =>
      /mariadb/i.test(String(rows[0]?.version)) ? 'mariadb' : 'mysql',
    );
    this.flavour.catch(() => (this.flavour = undefined));
    return this.flavour;
  }

  private async killQuery(threadId: number): Promise<void> {
    let conn: mysql.Connection | undefined;
    try {
      conn = await this.openConnection();
      await conn.query('KILL QUERY ?', [threadId]);
    } catch (error) {
      this.warn(`Could not stop MySQL query on thread ${threadId}`, error);
    } finally {
      await conn?.end().catch(() => undefined);
    }
  }

  /** A catalog query; on abort its connection is dropped, not returned to the pool. */
  private async run<T>(sql: string, values: unknown[], signal?: AbortSignal): Promise<T[]> {
    const conn = await this.checkout(signal);
    let dropped = false;
    try {
      const drop = (): void => {
        dropped = true;
        conn.destroy();
      };
      const [rows] = await raceAbort(
        conn.query<mysql.RowDataPacket[]>(sql, values),
        signal,
        drop,
        listingCancelledError,
      );
      return rows as T[];
    } catch (error) {
      if (ConnectionError.is(error, 'cancelled')) throw error;
      throw this.mapError(error);
    } finally {
      if (!dropped) conn.release();
    }
  }

  /** A pooled connection; one the caller stopped waiting for is dropped when it arrives. */
  private checkout(signal?: AbortSignal): Promise<mysql.PoolConnection> {
    return this.withTlsFallback(
      () => {
        const connecting = this.getPool().getConnection();
        return raceAbort(
          connecting,
          signal,
          () =>
            void connecting.then(
              (c) => c.destroy(),
              () => undefined,
            ),
          listingCancelledError,
        );
      },
      () => this.close(),
    );
  }

  private getPool(): mysql.Pool {
    if (!this.pool) {
      const pool = mysql.createPool({
        ...this.connectionOptions(),
        connectionLimit: 4,
        maxIdle: 0,
        idleTimeout: 30_000,
      });
      // Every pooled connection reads only, whatever a statement did to the session before.
      pool.on('connection', (conn) => {
        (conn as unknown as { query(sql: string): void }).query('SET SESSION TRANSACTION READ ONLY');
      });
      this.pool = pool;
    }
    return this.pool;
  }

  private openConnection(signal?: AbortSignal): Promise<mysql.Connection> {
    return this.withTlsFallback(async () => {
      // The callback-style connection exists before it connects, so a cancel can drop its socket.
      const core = createCoreConnection(this.connectionOptions());
      core.on('error', () => undefined);
      const connected = new Promise<void>((resolve, reject) => {
        core.once('connect', () => resolve());
        core.once('error', reject);
      });
      try {
        await raceAbort(connected, signal, () => core.destroy());
        return core.promise();
      } catch (error) {
        core.destroy();
        throw error;
      }
    });
  }

  protected refusesTls(error: unknown): boolean {
    return (error as { code?: string }).code === 'HANDSHAKE_NO_SSL_SUPPORT';
  }

  private connectionOptions(): mysql.ConnectionOptions {
    const tls = this.plainFallback ? undefined : tlsOptions(this.cfg);
    return {
      host: this.cfg.host,
      port: this.cfg.port,
      user: this.cfg.user,
      password: this.options.secrets.password ?? '',
      database: this.cfg.database,
      ssl: tls,
      connectTimeout: this.cfg.connectTimeoutMs,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      multipleStatements: false,
      enableKeepAlive: true,
    };
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) => new MysqlSession(options, options.logger);
