import type * as vscode from 'vscode';
import { msg, notify } from '../../ui/untrusted';
import type { ConnectionsModel } from '../../../core/api/connectionsModel';
import type { ConnectionRunner, ResultSink, StreamStats } from '../../../core/api/types';
import { errorMessage } from '../../../core/errors';
import type { Logger } from '../../../core/ports';
import { columnKind, toGridCell } from '../../../core/results/cells';
import type { ExportFormat } from '../../../core/results/export';
import { ResultSet } from '../../../core/results/resultSet';
import {
  isResultsToHost,
  type GridColumn,
  type HostToResults,
  type ResultSource,
  type ResultsExchanges,
  type ResultsToHost,
  type SortState,
  windowRows,
} from '../../../shared/protocol/results';
import { answerTo } from '../../../shared/protocol/requests';
import { WebviewChannel, webviewHtml } from '../webviewBase';
import { titleOf } from '../../../core/results/titles';
import { copyCells, exportToFile, valueView } from './resultFiles';
import { errorInfo } from './errorInfo';

export interface ResultPanelDeps {
  connections: ConnectionsModel;
  /** Only rows: a panel previews and runs, nothing else. */
  api: ConnectionRunner;
  extensionUri: vscode.Uri;
  logger: Logger;
  previewLimit(): number;
  queryLimit(): number;
  queryTimeoutMs(): number;
  /** Whether CSV exports prefix formula-like text with an apostrophe (planasonix.export.csvEscapeFormulas). */
  escapeCsvFormulas?(): boolean;
  /** Shows a whole cell value in a read-only editor. */
  showValue(title: string, content: string, language: string): Promise<void>;
  /** Told when a test query's run ends (for the query history). */
  onQueryFinished?(source: ResultSource, result: ResultSet, startedAt: Date, durationMs: number): void;
  /** Told when a run starts or ends (Cancel Test Query is offered only while one runs). */
  onRunChange?(): void;
}

/** The most rows one copy puts on the clipboard. */
export const maxCopyRows = 100_000;
const progressEveryMs = 100;

export { titleOf } from '../../../core/results/titles';

/** One panel: runs its preview or query into a ResultSet and serves the page's row windows from it. */
export class ResultPanel {
  private readonly channel: WebviewChannel<ResultsToHost, HostToResults>;
  private generation = 0;
  private result: ResultSet | undefined;
  private abort: AbortController | undefined;
  private lastProgress = 0;
  /** The generation whose first window went to the page unasked. */
  private pushed = 0;
  private progressTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private pinned = false;
  /** Settles when the current run has ended; for tests. */
  finished: Promise<void> = Promise.resolve();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private source: ResultSource,
    private limit: number,
    private sort: SortState | undefined,
    private readonly deps: ResultPanelDeps,
    private readonly requestPin: () => void = () => undefined,
  ) {
    this.channel = new WebviewChannel(panel.webview, isResultsToHost, (m) => void this.onMessage(m), deps.logger);
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'results');
  }

  get current(): ResultSet | undefined {
    return this.result;
  }

  /** The connection whose data this panel shows. */
  get connectionId(): string {
    return this.source.connectionId;
  }

  get state(): { source: ResultSource; limit: number; sort?: SortState; pinned: boolean } {
    return { source: this.source, limit: this.limit, sort: this.sort, pinned: this.pinned };
  }

  get running(): boolean {
    return this.result?.phase === 'running';
  }

  markPinned(): void {
    this.pinned = true;
    this.panel.title = `📌 ${titleOf(this.source)}`;
    this.postStart();
    this.postProgress(this.generation);
  }

  /** Shows a refusal in place of a result: nothing ran. */
  refuse(source: ResultSource, message: string): void {
    this.abort?.abort();
    void this.result?.dispose();
    this.result = undefined;
    this.source = source;
    this.panel.title = titleOf(source);
    const generation = ++this.generation;
    this.postStart();
    this.channel.post({
      type: 'progress',
      generation,
      phase: 'failed',
      columns: [],
      rowCount: 0,
      truncated: false,
      error: { code: 'read_only', message },
    });
  }

  private postStart(): void {
    this.channel.post({
      type: 'start',
      generation: this.generation,
      source: this.source,
      limit: this.limit,
      sort: this.sort,
      canSort: this.source.kind === 'preview',
      pinned: this.source.kind === 'query' ? this.pinned : undefined,
    });
  }

  replace(source: ResultSource, limit: number): void {
    this.source = source;
    this.limit = limit;
    if (source.kind === 'query') this.sort = undefined;
    this.panel.title = titleOf(source);
    this.run();
  }

  /** Shows the source without running it (a test query restored after a reload). */
  idle(): void {
    const generation = ++this.generation;
    this.postStart();
    this.channel.post({ type: 'progress', generation, phase: 'idle', columns: [], rowCount: 0, truncated: false });
  }

  /** (Re)runs the preview or query; the page drops what it had. */
  run(): void {
    this.abort?.abort();
    const old = this.result;
    void old?.dispose();
    const generation = ++this.generation;
    const result = new ResultSet();
    const abort = new AbortController();
    this.result = result;
    this.abort = abort;
    this.postStart();
    // Say at once that it runs: a statement can take long before its first row (or its columns).
    this.postProgress(generation);
    result.onChange(() => this.scheduleProgress(generation));
    const source = this.source;
    const startedAt = new Date();
    const t0 = Date.now();
    this.finished = result.track(this.stream(result, abort.signal)).then(() => {
      this.postProgress(generation);
      if (source.kind === 'query') this.deps.onQueryFinished?.(source, result, startedAt, Date.now() - t0);
      this.deps.onRunChange?.();
    });
    this.deps.onRunChange?.();
  }

  cancel(): void {
    this.abort?.abort();
  }

  private stream(sink: ResultSink, signal: AbortSignal): Promise<StreamStats> {
    const { api } = this.deps;
    const s = this.source;
    if (s.kind === 'preview') {
      const query = {
        catalog: s.catalog,
        schema: s.schema,
        table: s.table ?? '',
        limit: this.limit,
        orderBy: this.sort,
      };
      return api.previewStream(s.connectionId, query, sink, { signal });
    }
    const request = {
      connectionId: s.connectionId,
      sql: s.sql ?? '',
      limit: this.limit,
      timeoutMs: this.deps.queryTimeoutMs(),
      catalog: s.catalog,
      schema: s.schema,
    };
    return api.testQueryStream(request, sink, { signal });
  }

  private scheduleProgress(generation: number): void {
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastProgress + progressEveryMs - Date.now());
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.postProgress(generation);
    }, wait);
  }

  private postProgress(generation: number): void {
    const result = this.result;
    if (this.disposed || !result || generation !== this.generation) return;
    this.lastProgress = Date.now();
    const columns: GridColumn[] = result.columns.map((name, i) => {
      const type = result.columnTypes[i] ?? '';
      return { name, type, kind: columnKind(type) };
    });
    this.channel.post({
      type: 'progress',
      generation,
      phase: result.phase,
      columns,
      rowCount: result.rowCount,
      truncated: result.stats?.truncated ?? false,
      executionMs: result.stats?.executionMs,
      rowsScanned: result.stats?.rowsScanned,
      ...(result.stats?.notes?.length ? { notes: result.stats.notes } : {}),
      error:
        result.phase === 'failed' || result.phase === 'cancelled'
          ? errorInfo(result.error, this.source.sql)
          : undefined,
    });
    // The first rows go with the result, saving the page a round trip before its first paint.
    if (
      this.pushed !== generation &&
      (result.rowCount >= windowRows || (result.phase !== 'running' && result.rowCount > 0))
    ) {
      this.pushed = generation;
      void result.window(0, windowRows).then((rows) => {
        if (generation === this.generation && !this.disposed) {
          this.channel.post({
            type: 'rows',
            generation,
            requestId: 0,
            offset: 0,
            rows: rows.map((r) => r.map(toGridCell)),
          });
        }
      });
    }
  }

  private async onMessage(message: ResultsToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          // The page (re)loaded: it has nothing yet.
          this.pushed = 0;
          this.postStart();
          this.postProgress(this.generation);
          return;
        case 'window': {
          const result = this.result;
          if (!result || message.generation !== this.generation) return;
          const rows = await result.window(message.offset, message.count);
          if (message.generation !== this.generation) return;
          const answer = {
            type: 'rows' as const,
            generation: message.generation,
            offset: message.offset,
            rows: rows.map((r) => r.map(toGridCell)),
          };
          this.channel.post(answerTo<ResultsExchanges, 'window'>(message, answer));
          return;
        }
        case 'sort':
          if (this.source.kind !== 'preview') return;
          this.sort = message.sort ?? undefined;
          this.run();
          return;
        case 'setLimit':
          this.limit = message.limit;
          this.run();
          return;
        case 'refresh':
          this.run();
          return;
        case 'cancel':
          this.cancel();
          return;
        case 'pin':
          if (this.source.kind === 'query' && !this.pinned) this.requestPin();
          return;
        case 'export':
          await this.export(message.format);
          return;
        case 'copy':
          await this.copy(message.generation, message.range, message.headers);
          return;
        case 'showValue':
          await this.showValue(message.generation, message.row, message.column);
          return;
      }
    } catch (error) {
      this.deps.logger.error(`Results panel: ${errorMessage(error)}`);
      void notify.error(msg`${errorMessage(error)}`);
    }
  }

  /** Writes the whole result (up to the limit) to a file the user picks, with progress. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<number | undefined> {
    const result = this.result;
    if (!result) return undefined;
    const base = (this.source.kind === 'preview' ? this.source.table : 'result') ?? 'result';
    return exportToFile(result, format, base, target, () => this.finished, this.deps.escapeCsvFormulas?.() === true);
  }

  private async copy(
    generation: number,
    range: { r0: number; r1: number; c0: number; c1: number },
    headers: boolean,
  ): Promise<void> {
    const result = this.result;
    if (!result || generation !== this.generation) return;
    const rowCount = range.r1 - range.r0 + 1;
    if (rowCount > maxCopyRows) {
      void notify.warn(
        msg`Copy takes at most ${maxCopyRows.toLocaleString('en-US')} rows; export the result to a file instead.`,
      );
      return;
    }
    await copyCells(result, range, headers);
  }

  private async showValue(generation: number, row: number, column: number): Promise<void> {
    const result = this.result;
    if (!result || generation !== this.generation) return;
    const shown = await valueView(result, row, column);
    if (shown) await this.deps.showValue(shown.title, shown.content, shown.language);
  }

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.channel.dispose();
    void this.result?.dispose();
    this.result = undefined;
  }
}
