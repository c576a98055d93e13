// Loaded first: snowflake-sdk reads these settings when it loads (no cloud metadata probing, no telemetry).
import './privacy';
import { performance } from 'node:perf_hooks';
import snowflake from 'snowflake-sdk';
import type { ColumnInfo, ColumnsQuery, NamedItem, TablesQuery, TablesResponse } from '../../api/types';
import { ConnectionError, errorMessage, redact } from '../../errors';
import { cancelledError, cancelOnAbortOrTimeout, listingCancelledError, raceAbort } from '../sql/cancellation';
import { escapeLike, qualified, quoteDoubleQuoted } from '../sql/identifiers';
import { keysetPage } from '../sql/paging';
import { SqlSessionBase } from '../sql/sqlSession';
import { CappedSink } from '../sql/streaming';
import type { ConnectorDriverModule, QueryOptions, RowSink, SessionOptions, StreamSummary } from '../types';
import { snowflakeAccount } from './account';
import { classifyStatement } from '../../sql/readOnly';
import { snowflakeDialect } from './dialect';
import { installWireHooks, takeDecodeError, takeStatementType } from './wire';
import { mapError } from './errors';
import { describedAsRead, resultTypeName, selectType, snowflakeTypeName, statementTypeName } from './types';
import { asText } from '../../../shared/asText';
import { abandon, drain } from './drain';
import { loginOptions, type GivenAccount } from './login';

export { describedAsRead, resultTypeName, snowflakeTypeName, statementTypeName };

installWireHooks();
// VARIANT values stay the exact text Snowflake sent: the SDK's own parser rounds big numbers in them and,
// for text that is not strict JSON, falls back to evaluating it with new Function().
snowflake.configure({
  logLevel: 'OFF',
  jsonColumnVariantParser: (raw: string) => raw,
  xmlColumnVariantParser: (raw: string) => raw,
});

type Connection = snowflake.Connection;
type Statement = snowflake.RowStatement;

/** Every statement this session sends is exactly one: text after a `;` is refused by Snowflake itself. */
const oneStatement = { MULTI_STATEMENT_COUNT: 1 };

class SnowflakeSession extends SqlSessionBase {
  private connecting: Promise<Connection> | undefined;
  private readonly account: string;
  /** The account field: an identifier, or an account URL that also says where to connect. */
  private readonly given: GivenAccount;

  constructor(private readonly options: SessionOptions) {
    super(quoteDoubleQuoted, true);
    const raw = String(options.config.account ?? '');
    try {
      this.given = snowflakeAccount(raw);
    } catch (error) {
      this.given = {
        account: raw.trim(),
        invalid:
          error instanceof Error
            ? error
            : new ConnectionError('invalid_config', errorMessage(error), { field: 'account' }),
      };
    }
    this.account = this.given.account;
  }

  private safe(text: string): string {
    return redact(text, Object.values(this.options.secrets));
  }

  private connectionOptions(): snowflake.ConnectionOptions {
    return loginOptions(this.options, this.given);
  }

  /** One connection per session, made on first use. connect()'s callback, not its promise, says whether login worked. */
  private connection(signal?: AbortSignal): Promise<Connection> {
    this.connecting ??= new Promise<Connection>((resolve, reject) => {
      let created: Connection;
      try {
        created = snowflake.createConnection(this.connectionOptions());
      } catch (error) {
        reject(
          ConnectionError.is(error) ? error : new ConnectionError('invalid_config', this.safe(errorMessage(error))),
        );
        return;
      }
      created.connect((error) =>
        error ? reject(mapError(error, (t) => this.safe(t), this.account)) : resolve(created),
      );
    });
    const pending = this.connecting;
    pending.catch(() => {
      if (this.connecting === pending) this.connecting = undefined;
    });
    return raceAbort(this.withinConnectTimeout(pending), signal, () => undefined);
  }

  /** The login, or a clear error once the connect timeout has passed; a login given up on is closed when it ends. */
  private withinConnectTimeout(pending: Promise<Connection>): Promise<Connection> {
    const seconds = Number(this.options.config.connectTimeoutSeconds ?? 20) || 20;
    return new Promise<Connection>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.connecting === pending) this.connecting = undefined;
        abandon(pending);
        reject(
          new ConnectionError(
            'unreachable',
            `Snowflake (${this.where()}) did not answer within ${seconds} s; check the account and the network.`,
          ),
        );
      }, seconds * 1000);
      pending.then(
        (conn) => (clearTimeout(timer), resolve(conn)),
        (error: unknown) => (clearTimeout(timer), reject(error)),
      );
    });
  }

  private where(): string {
    const url = this.options.config.serverUrl;
    return url ? String(url) : `account ${this.account}`;
  }

  /** Runs a short statement and returns its rows as objects (catalog listings). */
  private async rows(sql: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const conn = await this.connection(signal);
    let statement: Statement | undefined;
    const work = new Promise<Record<string, unknown>[]>((resolve, reject) => {
      statement = conn.execute({
        sqlText: sql,
        complete: (error, _stmt, rows) =>
          error
            ? reject(mapError(error, (t) => this.safe(t), this.account))
            : resolve((rows ?? []) as Record<string, unknown>[]),
      });
    });
    return raceAbort(work, signal, () => statement?.cancel(() => undefined), listingCancelledError);
  }

  async test(signal?: AbortSignal): Promise<{ ok: boolean; serverVersion?: string; message: string }> {
    try {
      const [row] = await this.rows('SELECT CURRENT_VERSION()', signal);
      const version = row ? String(Object.values(row)[0]) : undefined;
      return {
        ok: true,
        ...(version ? { serverVersion: `Snowflake ${version}` } : {}),
        message: `Connected.${await this.warehouseNote(signal)}`,
      };
    } catch (error) {
      const e = mapError(error, (t) => this.safe(t), this.account);
      return { ok: false, message: e.message };
    }
  }

  /** What a test should say about the warehouse: a login works without one running, a query does not. */
  private async warehouseNote(signal?: AbortSignal): Promise<string> {
    const name = this.options.config.warehouse ? String(this.options.config.warehouse) : '';
    if (!name) return ' No warehouse is set: browsing works, queries need one.';
    const literal = `'${escapeLike(name.replace(/^"|"$/g, '')).replace(/'/g, "\\'")}'`;
    const [w] = await this.rows(`SHOW WAREHOUSES LIKE ${literal}`, signal).catch(() => []);
    if (!w) return ` The warehouse ${name} was not found, or this role may not use it.`;
    const state = asText(w.state).toUpperCase();
    if (state === 'SUSPENDED') {
      return String(w.auto_resume) === 'true'
        ? ` The warehouse ${String(w.name)} is suspended; it resumes on the first query.`
        : ` The warehouse ${String(w.name)} is suspended and does not resume by itself: queries fail until it is resumed.`;
    }
    if (state === 'RESUMING' || state === 'RESIZING') return ` The warehouse ${String(w.name)} is starting.`;
    return '';
  }

  async catalogs(signal?: AbortSignal): Promise<NamedItem[]> {
    return (await this.rows('SHOW TERSE DATABASES', signal)).map((r) => ({ name: String(r.name) }));
  }

  /** The schemas of a database: the one asked for, or the connection's default database. */
  async schemas(catalog: string | undefined, signal?: AbortSignal): Promise<NamedItem[]> {
    const database = catalog ?? (this.options.config.database ? String(this.options.config.database) : undefined);
    if (!database)
      throw new ConnectionError(
        'invalid_config',
        'Which database? Snowflake lists schemas per database; set a default database.',
        { field: 'database' },
      );
    return (await this.rows(`SHOW TERSE SCHEMAS IN DATABASE ${quoteDoubleQuoted(database)}`, signal)).map((r) => ({
      name: String(r.name),
    }));
  }

  /** A page of a schema's tables and views: SHOW's own LIMIT ... FROM 'name' is the keyset, LIKE the filter. */
  /** A page of a schema's tables and views: SHOW's own LIMIT ... FROM 'name' is the keyset, LIKE the filter. */
  async tables(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>> {
    if (!query.catalog || !query.schema)
      throw new ConnectionError('invalid_config', 'Which database and schema?', { field: 'schema' });
    const literal = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    // SHOW's LIKE is blind to case but not to accents: the term as typed, not the folded pattern.
    const like = query.search ? ` LIKE ${literal(`%${escapeLike(query.search)}%`)}` : '';
    const { page, nextPageToken } = await keysetPage(query, async ({ after, fetch }) => {
      const range = fetch === undefined ? '' : ` LIMIT ${fetch}${after === null ? '' : ` FROM ${literal(after)}`}`;
      const rows = await this.rows(
        `SHOW TERSE OBJECTS${like} IN SCHEMA ${qualified(quoteDoubleQuoted, query.catalog, query.schema)}${range}`,
        signal,
      );
      return rows.map((r) => ({
        name: String(r.name),
        type: asText(r.kind, 'TABLE').toUpperCase(),
        schema: query.schema,
      }));
    });
    return { schema: query.schema, catalog: query.catalog, tables: page, ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async columns(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]> {
    const table = qualified(quoteDoubleQuoted, query.catalog, query.schema, query.table);
    return (await this.rows(`SHOW COLUMNS IN TABLE ${table}`, signal)).map((r) => {
      const { type, nullable } = snowflakeTypeName(asText(r.data_type));
      return { name: String(r.column_name), type, nullable, ...(r.default ? { default: asText(r.default) } : {}) };
    });
  }

  /**
   * One statement, read-only on Snowflake's word: it is described first (never run) and refused unless
   * Snowflake says it is a query. Rows stream in the driver's chunks with the grid's back-pressure;
   * numbers, dates and binary arrive as their exact text. Cancel and the timeout abort it on the server.
   */
  async stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary> {
    if (options.signal?.aborted) throw cancelledError();
    const conn = await this.connection(options.signal);
    const safe = (t: string): string => this.safe(t);
    let current: Statement | undefined;
    const cancellation = cancelOnAbortOrTimeout(options.signal, options.timeoutMs, () =>
      current?.cancel(() => undefined),
    );
    try {
      if (options.schema) {
        // The file's default schema: unqualified names resolve there (this session is the extension's own).
        const database =
          options.catalog ?? (this.options.config.database ? String(this.options.config.database) : undefined);
        await this.execute(
          conn,
          { sqlText: `USE SCHEMA ${qualified(quoteDoubleQuoted, database, options.schema)}` },
          (s) => (current = s),
        );
      }
      const verdict = classifyStatement(options.sql, snowflakeDialect);
      if (!options.generated && !verdict.readOnly)
        throw new ConnectionError('read_only', `Refused: ${verdict.reason ?? 'this statement can change data.'}`);
      // A preview the extension wrote (SELECT * FROM a quoted table) is a query by construction.
      const type = options.generated
        ? selectType
        : takeStatementType(
            (
              await this.execute(
                conn,
                { sqlText: options.sql, describeOnly: true, parameters: oneStatement },
                (s) => (current = s),
              )
            ).getQueryId(),
          );
      if (!options.generated && !describedAsRead(type, verdict.keyword)) {
        throw new ConnectionError(
          'read_only',
          `Refused: Snowflake describes this as ${statementTypeName(type)}, not a query; test queries only read (queries, SHOW, DESCRIBE, LIST).`,
        );
      }
      if (options.signal?.aborted) throw cancelledError();
      const started = performance.now();
      const capped = new CappedSink(sink, options.limit);
      const statement = await this.execute(
        conn,
        {
          sqlText: options.sql,
          streamResult: true,
          rowMode: 'array',
          fetchAsString: ['Number', 'Date', 'Buffer'],
          // Snowflake stops the statement itself at the time limit (the client's cancel is only a backstop).
          parameters: {
            ...oneStatement,
            STATEMENT_TIMEOUT_IN_SECONDS: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
          },
        },
        (s) => (current = s),
      );
      const columns = statement.getColumns() ?? [];
      capped.start(
        columns.map((c) => c.getName()),
        // The type as Snowflake's own tools name it (NUMBER(38,0), VARCHAR(16)), not the SDK's family (FIXED, TEXT).
        columns.map((c) => resultTypeName(c)),
      );
      const rows = statement.streamRows();
      const queryId = statement.getQueryId();
      const decoded = (): void => {
        const problem = takeDecodeError(queryId);
        if (problem)
          throw new ConnectionError('query_failed', `${problem} The result is not shown rather than shown wrong.`);
      };
      decoded();
      await drain(rows, capped, () => cancellation.requested, decoded);
      decoded();
      // A cancelled statement's stream may just end: what arrived is kept, the end is not "done".
      if (cancellation.requested) {
        throw cancellation.cancelledByCaller
          ? cancelledError()
          : new ConnectionError(
              'timeout',
              `The statement ran past its time limit of ${options.timeoutMs} ms and was cancelled.`,
            );
      }
      if (capped.truncated || cancellation.requested) {
        // Enough rows (or cancelled): stop reading, and stop the statement on the server.
        rows.destroy();
        statement.cancel(() => undefined);
      }
      return capped.summary(Math.round(performance.now() - started));
    } catch (error) {
      if (cancellation.cancelledByCaller) throw cancelledError();
      if (cancellation.requested)
        throw new ConnectionError(
          'timeout',
          `The statement ran past its time limit of ${options.timeoutMs} ms and was cancelled.`,
        );
      throw mapError(error, safe, this.account);
    } finally {
      cancellation.dispose();
    }
  }

  private execute(
    conn: Connection,
    options: snowflake.StatementOption,
    onStatement: (s: Statement) => void,
  ): Promise<Statement> {
    return new Promise((resolve, reject) => {
      const statement = conn.execute({
        ...options,
        complete: (error, stmt) => (error ? reject(error) : resolve(stmt)),
      });
      onStatement(statement);
    });
  }

  async close(): Promise<void> {
    const pending = this.connecting;
    this.connecting = undefined;
    if (!pending) return;
    // A login still under way is not waited for (an unreachable host can take minutes): it is closed when it ends.
    const settled = await Promise.race([
      pending.then(
        (c) => c,
        () => undefined,
      ),
      new Promise<'busy'>((r) => setImmediate(() => r('busy'))),
    ]);
    if (settled === 'busy') return abandon(pending);
    if (settled?.isUp()) await new Promise<void>((resolve) => settled.destroy(() => resolve()));
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) => {
  installWireHooks();
  return new SnowflakeSession(options);
};
