import type { PreviewQuery } from '../../api/types';
import { ConnectionError, errorMessage, redact } from '../../errors';
import type { Logger } from '../../ports';
import type { DriverErrorMapper } from './networkErrors';
import { previewSql } from './results';
import { readServerConfig, type ServerConfig } from './serverConfig';
import { cancelledError, cancelOnAbortOrTimeout } from './cancellation';
import type { ConnectorSession, QueryOptions, RowSink, SessionOptions, SqlFacet, StreamSummary } from '../types';

/** The driver-specific steps of one statement (see ServerSqlSession.runStatement). */
export interface StatementSteps<C> {
  connect(): Promise<C>;
  /** Stops the statement on the server (a cancel request, KILL QUERY). */
  cancelOnServer(conn: C): void;
  /** Runs it; `discard` when the connection must not be reused. */
  run(conn: C): Promise<{ summary: StreamSummary; discard?: boolean }>;
  rollback(conn: C): Promise<unknown>;
  discard(conn: C): void;
  /** Puts the connection back as it was found (a session reset), then into the pool. */
  reuse(conn: C): void | Promise<void>;
}

/** A preview streams up to the row limit the user chose, which can be large. */
export const previewTimeoutMs = 300_000;

/** A preview of a table, streamed: the connector's own preview statement through its one primitive. */
export function streamPreview(
  sql: SqlFacet,
  query: PreviewQuery & { limit: number },
  sink: RowSink,
  signal?: AbortSignal,
): Promise<StreamSummary> {
  return sql.stream({ ...sql.previewStatement(query), signal }, sink);
}

/**
 * What every SQL session shares: the facet is the session itself, the preview statement is a SELECT *
 * quoted the connector's way. A driver writes its catalog queries and `stream`, nothing else.
 */
export abstract class SqlSessionBase implements ConnectorSession, SqlFacet {
  readonly sql: SqlFacet = this;

  /** `threePartNames` when a table is named database.schema.table in this connector's SQL. */
  constructor(
    private readonly quote: (name: string) => string,
    private readonly threePartNames = false,
  ) {}

  abstract test(signal?: AbortSignal): Promise<{ ok: boolean; serverVersion?: string; message: string }>;
  abstract tables(query: Parameters<SqlFacet['tables']>[0], signal?: AbortSignal): ReturnType<SqlFacet['tables']>;
  abstract columns(query: Parameters<SqlFacet['columns']>[0], signal?: AbortSignal): ReturnType<SqlFacet['columns']>;
  abstract stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary>;
  abstract close(): Promise<void>;

  previewStatement(query: PreviewQuery & { limit: number }): Omit<QueryOptions, 'signal'> {
    return {
      sql: previewSql(this.quote, query, this.threePartNames),
      selfLimited: true,
      generated: true,
      limit: query.limit,
      timeoutMs: previewTimeoutMs,
      catalog: query.catalog,
    };
  }
}

/**
 * A session with a database server at a host and port (PostgreSQL, MySQL): its settings, errors in
 * the connector's words with every secret removed, and TLS that falls back to plain TCP once when the
 * mode is `prefer` and the server has no TLS.
 */
export abstract class ServerSqlSession extends SqlSessionBase {
  protected readonly cfg: ServerConfig;
  /** Set when sslMode is prefer and the server refused TLS. */
  protected plainFallback = false;

  constructor(
    protected readonly options: SessionOptions,
    protected readonly logger: Logger,
    quote: (name: string) => string,
    private readonly mapDriverError: DriverErrorMapper,
  ) {
    super(quote);
    this.cfg = readServerConfig(options.config);
  }

  /** Whether an error means the server refused TLS (and the mode lets us go on without it). */
  protected abstract refusesTls(error: unknown): boolean;

  /** Connects; if the server refused TLS under `prefer`, once more without it (after `reset`). */
  protected async withTlsFallback<T>(connect: () => Promise<T>, reset?: () => Promise<void>): Promise<T> {
    try {
      return await connect();
    } catch (error) {
      if (ConnectionError.is(error, 'cancelled')) throw error;
      if (this.cfg.sslMode === 'prefer' && !this.plainFallback && this.refusesTls(error)) {
        this.plainFallback = true;
        await reset?.();
        return this.withTlsFallback(connect, reset);
      }
      throw this.mapError(error);
    }
  }

  protected safe(text: string): string {
    return redact(text, Object.values(this.options.secrets));
  }

  protected mapError(error: unknown, query?: { cancelled: boolean; timeoutMs: number }): ConnectionError {
    return this.mapDriverError(error, this.cfg, (text) => this.safe(text), query);
  }

  /**
   * One statement's life on a pooled connection, the same for every server: refused at once if already
   * cancelled; cancelled on the server when the caller aborts or the timeout passes (a backstop); rolled
   * back on failure, with the error in the connector's words; and afterwards the connection is either
   * dropped (a cancel may still land on it, or the rollback failed, or the statement asks so) or reset
   * and reused.
   */
  protected async runStatement<C>(options: QueryOptions, steps: StatementSteps<C>): Promise<StreamSummary> {
    if (options.signal?.aborted) throw cancelledError();
    const conn = await steps.connect();
    let discard = false;
    const cancellation = cancelOnAbortOrTimeout(options.signal, options.timeoutMs, () => steps.cancelOnServer(conn));
    try {
      const outcome = await steps.run(conn);
      discard = outcome.discard === true;
      return outcome.summary;
    } catch (error) {
      await steps.rollback(conn).catch(() => {
        discard = true;
      });
      throw this.mapError(error, { cancelled: cancellation.cancelledByCaller, timeoutMs: options.timeoutMs });
    } finally {
      cancellation.dispose();
      if (discard || cancellation.requested) steps.discard(conn);
      else await steps.reuse(conn);
    }
  }

  protected warn(what: string, error: unknown): void {
    this.logger.warn(`${what}: ${this.safe(errorMessage(error))}`);
  }
}
