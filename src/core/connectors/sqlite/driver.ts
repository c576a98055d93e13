import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ColumnInfo, ColumnsQuery, NamedItem, PreviewQuery, TablesQuery, TablesResponse } from '../../api/types';
import { ConnectionError } from '../../errors';
import { quoteDoubleQuoted } from '../sql/identifiers';
import { keysetPage } from '../sql/paging';
import { SqlSessionBase } from '../sql/sqlSession';
import { batchRows, CappedSink } from '../sql/streaming';
import type { ConnectorDriverModule, QueryOptions, RowSink, SessionOptions, StreamSummary } from '../types';
import type { WorkerInit, WorkerRequest, WorkerResponse, WorkerResult } from './protocol';

type Op = WorkerRequest['op'];
type ResultOf<O extends Op> = Extract<WorkerResult, { op: O }>;
type ArgsOf<O extends Op> = Omit<Extract<WorkerRequest, { op: O }>, 'id' | 'op'>;

/** The worker bundle ships next to this driver bundle; from source (tests) it is loaded through tsx. */
function startWorker(init: WorkerInit): Worker {
  const bundled = path.join(__dirname, 'sqlite-worker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: init });
  const source = path.join(__dirname, 'worker.ts');
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(source)});`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

interface Pending {
  resolve(result: WorkerResult): void;
  reject(error: Error): void;
}

class SqliteSession extends SqlSessionBase {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly file: string;

  constructor(options: SessionOptions) {
    super(quoteDoubleQuoted);
    const file = options.config.path;
    if (typeof file !== 'string' || file === '') {
      throw new ConnectionError('invalid_config', 'Database file is required.', { field: 'path' });
    }
    this.file = file;
  }

  async test(): Promise<{ ok: boolean; serverVersion?: string; message: string }> {
    const { version } = await this.call('version', {}, 30_000);
    return { ok: true, serverVersion: `SQLite ${version}`, message: `Opened ${path.basename(this.file)} read-only.` };
  }

  async catalogs(signal?: AbortSignal): Promise<NamedItem[]> {
    await this.call('version', {}, 30_000, signal); // a missing or foreign file fails here, not deeper in the tree
    return [{ name: path.basename(this.file) }];
  }

  async tables(query: TablesQuery, signal?: AbortSignal): Promise<Omit<TablesResponse, 'connectionId'>> {
    const { page, nextPageToken } = await keysetPage(query, async ({ pattern, after, fetch }) => {
      const { tables } = await this.call('tables', { search: pattern, after, limit: fetch ?? null }, 60_000, signal);
      return tables;
    });
    return { catalog: query.catalog, tables: page, ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async columns(query: ColumnsQuery, signal?: AbortSignal): Promise<ColumnInfo[]> {
    const { columns } = await this.call('columns', { table: query.table }, 60_000, signal);
    if (!columns)
      throw new ConnectionError('not_found', `Table "${query.table}" does not exist in ${path.basename(this.file)}.`);
    return columns;
  }

  /** A SQLite file has no schema level: only the table is named. */
  override previewStatement(query: PreviewQuery & { limit: number }): Omit<QueryOptions, 'signal'> {
    return super.previewStatement({ ...query, schema: undefined, catalog: undefined });
  }

  /**
   * sql.js holds the whole database in the worker's memory already; the result comes back in one
   * message and is handed on in batches.
   */
  async stream(options: QueryOptions, sink: RowSink): Promise<StreamSummary> {
    const { outcome } = await this.call(
      'query',
      { sql: options.sql, maxRows: options.limit + 1 },
      options.timeoutMs,
      options.signal,
    );
    const capped = new CappedSink(sink, options.limit);
    capped.start(outcome.columns, outcome.columnTypes);
    for (let i = 0; i < outcome.rows.length && capped.remaining > 0; i += batchRows) {
      await capped.rows(outcome.rows.slice(i, i + batchRows));
    }
    return capped.summary(outcome.executionMs);
  }

  async close(): Promise<void> {
    await this.stop(new ConnectionError('cancelled', 'The session was closed.'));
  }

  /** Sends one request; on timeout or abort the worker (and the statement in it) is terminated. */
  private call<O extends Op>(op: O, args: ArgsOf<O>, timeoutMs: number, signal?: AbortSignal): Promise<ResultOf<O>> {
    if (signal?.aborted) return Promise.reject(new ConnectionError('cancelled', 'The query was cancelled.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ResultOf<O>>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new ConnectionError('cancelled', 'The query was cancelled and stopped.'));
        void this.stop();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new ConnectionError(
            'timeout',
            `The statement ran past the ${Math.round(timeoutMs / 1000)} s timeout and was stopped.`,
          ),
        );
        void this.stop();
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (result) => {
          cleanup();
          resolve(result as ResultOf<O>);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      worker.postMessage({ ...args, op, id });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker({ path: this.file });
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      if (response.ok) pending.resolve(response.result);
      else pending.reject(new ConnectionError(response.error.code, response.error.message));
    });
    worker.on(
      'error',
      (error) => void this.stop(new ConnectionError('internal', `The SQLite worker failed: ${error.message}`)),
    );
    this.worker = worker;
    return worker;
  }

  private async stop(reason?: Error): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (reason) for (const p of [...this.pending.values()]) p.reject(reason);
    this.pending.clear();
    await worker?.terminate();
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) => new SqliteSession(options);
