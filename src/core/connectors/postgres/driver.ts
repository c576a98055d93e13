import { performance } from 'node:perf_hooks';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { ColumnInfo, ColumnsQuery, NamedItem, TablesQuery, TablesResponse } from '../../api/types';
import { ConnectionError, errorMessage } from '../../errors';
import type { Logger } from '../../ports';
import { quoteDoubleQuoted } from '../sql/identifiers';
import { cancelledError, listingCancelledError, raceAbort } from '../sql/cancellation';
import { keysetPage } from '../sql/paging';
import { ServerSqlSession } from '../sql/sqlSession';
import { batchRows, CappedSink } from '../sql/streaming';
import { tlsOptions } from '../sql/serverConfig';
import type { ConnectorDriverModule, QueryOptions, RowSink, SessionOptions, StreamSummary } from '../types';
import { CappedQuery, type PipelineStatement } from './cappedQuery';
import { mapPostgresError } from './errors';
import { guardPipeline, isGateError, openGuarded, reviewGuard } from './guard';
import {
  catalogsSql,
  columnsSql,
  declaredTypesSql,
  namespaceOidSql,
  schemasSql,
  serverVersionSql,
  tablesSql,
  typeNamesSql,
} from './catalogQueries';
import { dropSocket, readCursor, relkindTypes, types, valueTypes, type Row } from './pgValues';

class PostgresSession extends ServerSqlSession {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly typeNames = new Map<number, string>();
  private readonly declaredTypes = new Map<string, string>();
  /** Sessions being reset (DISCARD ALL) before they go back to the pool. */
  private readonly pendingResets = new Set<Promise<void>>();
  /** Schema oids by database and name (the table listing plans with the value). */
  private readonly namespaceOids = new Map<string, string>();

  constructor(options: SessionOptions, logger: Logger) {
    super(options, logger, quoteDoubleQuoted, mapPostgresError);
  }

  async test(signal?: AbortSignal): Promise<{ ok: boolean; serverVersion?: string; message: string }> {
    const client = await this.openClient(undefined, signal);
    try {
      const result = await raceAbort(client.query<{ version: string }>(serverVersionSql), signal, () =>
        dropSocket(client),
      );
      const version = `PostgreSQL ${result.rows[0]?.version ?? ''}`.trim();
      return { ok: true, serverVersion: version, message: 'Connection successful.' };
    } finally {
      if (!signal?.aborted) await client.end().catch(() => undefined);
    }
  }

  async catalogs(signal?: AbortSignal): Promise<NamedItem[]> {
    return (await this.run<{ name: string }>(undefined, catalogsSql, [], signal)).map((r) => ({ name: r.name }));
  }

  async schemas(catalog: string | undefined, signal?: AbortSignal): Promise<NamedItem[]> {
    return (await this.run<{ name: string }>(catalog, schemasSql, [this.cfg.showSystemSchemas], signal)).map((r) => ({
      name: r.name,
    }));
  }

  async tables(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>> {
    const list = (fresh: boolean) => this.tablePage(query, fresh, signal);
    const first = await list(false);
    // A cached schema oid may be stale (the schema dropped and made again): an empty page asks again.
    return first.tables.length === 0 && first.cachedOid ? (await list(true)).response : first.response;
  }

  /** The oid of a schema, cached per database: the planner needs the value to plan a page well. */
  private async namespaceOid(
    catalog: string | undefined,
    schema: string | undefined,
    fresh: boolean,
    signal?: AbortSignal,
  ) {
    const key = `${catalog ?? ''}\u0000${schema ?? ''}`;
    const cached = fresh ? undefined : this.namespaceOids.get(key);
    if (cached) return { oid: cached, cached: true };
    const [row] = await this.run<{ oid: string }>(catalog, namespaceOidSql, [schema ?? null], signal);
    if (row) this.namespaceOids.set(key, row.oid);
    else this.namespaceOids.delete(key);
    return { oid: row?.oid, cached: false };
  }

  private async tablePage(query: TablesQuery, fresh: boolean, signal?: AbortSignal) {
    const partitions = query.partitionsOf !== undefined;
    const namespace = partitions ? undefined : await this.namespaceOid(query.catalog, query.schema, fresh, signal);
    if (namespace && namespace.oid === undefined)
      return { tables: [], cachedOid: false, response: { schema: query.schema, catalog: query.catalog, tables: [] } };
    const { page, nextPageToken } = await keysetPage(query, ({ pattern, after, fetch }) => {
      const sql = tablesSql({
        search: pattern !== null,
        after: after !== null,
        limit: fetch !== undefined,
        partitionsOf: partitions,
      });
      const values: unknown[] = [namespace ? namespace.oid : (query.schema ?? null)];
      if (query.partitionsOf !== undefined) values.push(query.partitionsOf);
      if (pattern !== null) values.push(pattern);
      if (after !== null) values.push(after);
      if (fetch !== undefined) values.push(fetch);
      return this.run<{ name: string; kind: string; partition: boolean; schema: string }>(
        query.catalog,
        sql,
        values,
        signal,
      );
    });
    const tables = page.map((r) => ({
      name: r.name,
      // A partition that is itself partitioned still expands to its partitions.
      type: r.partition && r.kind !== 'p' ? ('PARTITION' as const) : (relkindTypes[r.kind] ?? ('TABLE' as const)),
      ...(partitions ? { schema: r.schema } : {}),
    }));
    return {
      tables,
      cachedOid: namespace?.cached === true,
      response: { schema: query.schema, catalog: query.catalog, tables, ...(nextPageToken ? { nextPageToken } : {}) },
    };
  }

  async columns(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]> {
    const rows = await this.run<{
      name: string | null;
      type: string;
      nullable: boolean;
      default: string | null;
      pk: boolean;
    }>(query.catalog, columnsSql, [query.schema ?? null, query.table], signal);
    if (rows.length === 0) {
      throw new ConnectionError(
        'not_found',
        `Table "${query.schema ? `${query.schema}.` : ''}${query.table}" does not exist.`,
      );
    }
    return rows
      .filter((r): r is typeof r & { name: string } => r.name !== null)
      .map((r) => ({ name: r.name, type: r.type, nullable: r.nullable, default: r.default, primaryKey: r.pk }));
  }

  async close(): Promise<void> {
    await Promise.all(this.pendingResets);
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }

  /**
   * Runs one statement in a read-only transaction that is always rolled back, fetching at most
   * limit + 1 rows through a cursor in batches handed to the sink, with a server-side timeout and
   * cancellation on abort.
   */
  async stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary> {
    return this.runStatement<pg.PoolClient>(options, {
      connect: () => this.checkout(options.catalog),
      cancelOnServer: (client) =>
        void this.cancelBackend(options.catalog, (client as unknown as { processID: number }).processID),
      run: async (client) => ({ summary: await this.statement(client, options, sink) }),
      rollback: (client) => client.query('ROLLBACK'),
      discard: (client) => client.release(true),
      // The session goes back exactly as it was found: whatever a function the guard let through left
      // behind (session locks, prepared statements, settings, temporary tables) is dropped. The result
      // is the caller's already; the session goes back to the pool only once the reset is done.
      reuse: (client) => {
        const reset = this.resetAndRelease(client).finally(() => this.pendingResets.delete(reset));
        this.pendingResets.add(reset);
      },
    });
  }

  /**
   * Runs one statement in a read-only transaction that is always rolled back, fetching at most
   * limit + 1 rows (through a cursor in batches when there are many) handed to the sink, with a
   * server-side timeout.
   */
  private async statement(client: pg.PoolClient, options: QueryOptions, sink: RowSink): Promise<StreamSummary> {
    const { signal } = options;
    const setup = [
      'BEGIN TRANSACTION READ ONLY',
      `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`,
      ...(options.schema ? [`SET LOCAL search_path TO ${quoteDoubleQuoted(options.schema)}`] : []),
      // Takes the snapshot, so the statement cannot switch the transaction to read-write. It sends
      // no row, so every row that crosses the wire belongs to the user's statement.
      'SELECT 1 WHERE false',
    ];
    const capped = new CappedSink(sink, options.limit, false);
    let started = performance.now();
    let rolledBack = false;
    if (options.limit < 2 * batchRows) {
      // A test query or preview of usual size in one round trip: the transaction, the guard's verdict
      // on everything the statement reaches, the gate that stops the pipeline unless it was clean, the
      // statement (its cap in the Execute message) and the rollback.
      const run = async (before: PipelineStatement[]) => {
        const query = new CappedQuery(options.sql, options.limit + 1, valueTypes, { before, after: ['ROLLBACK'] });
        started = performance.now();
        client.query(query);
        return query.done;
      };
      let result: Awaited<ReturnType<typeof run>>;
      try {
        result = await run(guardPipeline(options.sql, setup));
      } catch (error) {
        if (!isGateError(error)) throw error;
        // A user function's body must be read first: the statement did not run. Read, then run it alone.
        await reviewGuard(client, options.sql, setup);
        result = await run([]);
      }
      rolledBack = true;
      capped.start(
        result.fields.map((f) => f.name),
        await this.resolveTypeNames(options.catalog, result.fields),
      );
      await capped.rows(result.rows);
    } else {
      // Large results come through a cursor, which cannot share the guard's round trip.
      await openGuarded(client, options.sql, setup, types);
      started = performance.now();
      const cursor = client.query(new Cursor<Row>(options.sql, undefined, { rowMode: 'array', types: valueTypes }));
      let first = true;
      for (;;) {
        // Small results (up to two batches) in one round trip; larger ones batch by batch.
        const want = capped.remaining <= 2 * batchRows ? capped.remaining : batchRows;
        const { rows, fields } = await readCursor(cursor, want);
        if (first) {
          first = false;
          // Type names come over another pooled connection: this one is busy with the cursor.
          capped.start(
            fields.map((f) => f.name),
            await this.resolveTypeNames(options.catalog, fields),
          );
        }
        await capped.rows(rows);
        if (rows.length < want || capped.remaining === 0) break;
        // Between batches the statement is suspended, not running: a cancel request on the server
        // would find nothing to stop, so stop reading here.
        if (signal?.aborted) {
          await cursor.close();
          throw cancelledError();
        }
      }
      await cursor.close();
    }
    const executionMs = Math.round(performance.now() - started);
    if (!rolledBack) await client.query('ROLLBACK');
    return capped.summary(executionMs);
  }

  /**
   * Type names as the tree shows them: a column read straight from a table gets its declared type
   * (a domain, numeric(12,2), character varying(12)); an expression gets its type's name.
   */
  private async resetAndRelease(client: pg.PoolClient): Promise<void> {
    try {
      await client.query('DISCARD ALL');
      client.release();
    } catch {
      client.release(true);
    }
  }

  private async resolveTypeNames(catalog: string | undefined, fields: pg.FieldDef[]): Promise<string[]> {
    const missing = [...new Set(fields.map((f) => f.dataTypeID).filter((o) => !this.typeNames.has(o)))];
    // Declared types are read once per session, like type names by oid.
    const fromTables = fields.filter(
      (f) => f.tableID > 0 && f.columnID > 0 && !this.declaredTypes.has(`${catalog ?? ''}:${f.tableID}:${f.columnID}`),
    );
    const [byOid, declared] = await Promise.all([
      missing.length > 0
        ? this.run<{ oid: number; name: string }>(catalog, typeNamesSql, [missing])
        : Promise.resolve([]),
      fromTables.length > 0
        ? this.run<{ rel: number; num: number; name: string }>(catalog, declaredTypesSql, [
            fromTables.map((f) => f.tableID),
            fromTables.map((f) => f.columnID),
          ])
        : Promise.resolve([]),
    ]);
    for (const r of byOid) this.typeNames.set(r.oid, r.name);
    for (const r of declared) this.declaredTypes.set(`${catalog ?? ''}:${r.rel}:${r.num}`, r.name);
    return fields.map(
      (f) =>
        this.declaredTypes.get(`${catalog ?? ''}:${f.tableID}:${f.columnID}`) ??
        this.typeNames.get(f.dataTypeID) ??
        String(f.dataTypeID),
    );
  }

  private async cancelBackend(catalog: string | undefined, pid: number): Promise<void> {
    let client: pg.Client | undefined;
    try {
      client = await this.openClient(catalog);
      await client.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]);
    } catch (error) {
      this.warn(`Could not cancel PostgreSQL backend ${pid}`, error);
    } finally {
      await client?.end().catch(() => undefined);
    }
  }

  /** A catalog query; on abort its connection is dropped, not returned to the pool. */
  private async run<T extends pg.QueryResultRow>(
    catalog: string | undefined,
    sql: string,
    values: unknown[],
    signal?: AbortSignal,
  ): Promise<T[]> {
    const client = await this.checkout(catalog, signal);
    let dropped = false;
    const drop = (): void => {
      dropped = true;
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    };
    try {
      return (await raceAbort(client.query<T>(sql, values), signal, drop, listingCancelledError)).rows;
    } catch (error) {
      if (ConnectionError.is(error, 'cancelled')) throw error;
      throw this.mapError(error);
    } finally {
      client.release(dropped || undefined);
    }
  }

  private pool(catalog: string | undefined): pg.Pool {
    const key = catalog ?? '';
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new pg.Pool({ ...this.clientConfig(catalog), max: 6, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
      pool.on('error', (error) => this.warn('PostgreSQL idle connection error', error));
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** A pooled connection; one the caller stopped waiting for is dropped when it arrives. */
  private checkout(catalog: string | undefined, signal?: AbortSignal): Promise<pg.PoolClient> {
    return this.withTlsFallback(
      () => {
        const connecting = this.pool(catalog).connect();
        return raceAbort(
          connecting,
          signal,
          () =>
            void connecting.then(
              (c) => c.release(true),
              () => undefined,
            ),
          listingCancelledError,
        );
      },
      () => this.close(),
    );
  }

  /** A dedicated, connected client (for tests and cancel requests), outside the pools. */
  private openClient(catalog: string | undefined, signal?: AbortSignal): Promise<pg.Client> {
    return this.withTlsFallback(async () => {
      const client = new pg.Client(this.clientConfig(catalog));
      try {
        // Cancelling drops the socket, even one still waiting for a host that never answers.
        await raceAbort(client.connect(), signal, () => dropSocket(client));
        return client;
      } catch (error) {
        if (!ConnectionError.is(error, 'cancelled')) await client.end().catch(() => undefined);
        throw error;
      }
    });
  }

  protected refusesTls(error: unknown): boolean {
    return /does not support SSL/i.test(errorMessage(error));
  }

  private clientConfig(catalog: string | undefined): pg.ClientConfig {
    const tls = this.plainFallback ? undefined : tlsOptions(this.cfg);
    return {
      host: this.cfg.host,
      port: this.cfg.port,
      database: catalog ?? this.cfg.database,
      user: this.cfg.user,
      password: this.options.secrets.password ?? '',
      ssl: tls ?? false,
      connectionTimeoutMillis: this.cfg.connectTimeoutMs,
      application_name: 'Planasonix Connections',
      // Every session of this extension reads only.
      options: '-c default_transaction_read_only=on',
      keepAlive: true,
      types,
    };
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) =>
  new PostgresSession(options, options.logger);
