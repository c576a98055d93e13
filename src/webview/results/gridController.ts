/**
 * The results grid's controller: the result's state (columns, row count, the rows fetched so far),
 * the selection, and rendering what is on screen through the views (HeaderView, RowView, Toolbar).
 * Rows and columns are virtualized: only what is on screen is in the DOM, and rows come from the host
 * in windows as they scroll into view. Input handling is in gridInput.ts; messages in main.ts.
 */
import type {
  CellRange,
  GridColumn,
  ResultProgress,
  ResultRows,
  ResultStart,
  ResultsState,
  ResultsToHost,
} from '../../shared/protocol/results';
import { el } from '../common/vscodeApi';
import {
  cellChrome,
  columnEdges,
  display,
  groupDigits as fmt,
  inRange,
  initialWidth,
  rangeOf,
  rowHeight,
  scrollHeight,
  scrollTopFor,
  visibleColumns,
  visibleRows,
  WindowCache,
  type Cell,
  type RowSpan,
} from './gridModel';
import { GridFont, HeaderView, RowView } from './rowViews';
import { Toolbar } from './toolbar';

export type DragMode = 'cell' | 'rows' | 'columns';
export type Zone = 'corner' | 'header' | 'gutter' | 'cell';

/** The narrowest a column can be made, and the step of a resize by keyboard. */
const minColumnWidth = 40;
export const resizeStep = 16;

export interface GridHost {
  post(message: ResultsToHost): void;
  setState(state: ResultsState): void;
  /** The scroll position a reload kept, if any. */
  restoredScrollTop?: number;
}

export class GridController {
  // ---- the result ----
  start: ResultStart | undefined;
  private progress: ResultProgress | undefined;
  columns: GridColumn[] = [];
  widths: number[] = [];
  private edges: number[] = [0];
  rowCount = 0;
  private readonly cache = new WindowCache();
  private nextRequest = 1;
  // ---- the selection ----
  anchor: Cell | undefined;
  focus: Cell | undefined;
  private selection: CellRange | undefined;
  // ---- rendering ----
  private gutterWidth = 48;
  private lastSpan: RowSpan = { first: 0, end: 0, shift: 0 };
  private painted = false;
  private firstPaintTimer: number | undefined;
  private restoreScroll: number | undefined;
  /** The scroller's position as its last scroll event gave it: saving state then forces no layout. */
  private scrolledTo: number;
  private frame = 0;
  private persistTimer: number | undefined;
  /** The scroller's size as the last render saw it. */
  readonly measured = { width: -1, height: -1 };
  private readonly rowViews: RowView[] = [];

  // ---- views ----
  readonly bar: Toolbar;
  readonly wrap = el('div', { class: 'gridwrap' });
  readonly scroller = el('div', { class: 'scroller' });
  private readonly area = el('div');
  readonly overlay = el('div', { class: 'overlay', role: 'grid', tabindex: '0', 'aria-label': 'Result rows' });
  private readonly header = new HeaderView();
  private readonly body = el('div', { role: 'rowgroup' });
  private readonly footer = el('div', { class: 'footer' });
  private readonly font: GridFont;

  constructor(
    root: HTMLElement,
    private readonly host: GridHost,
  ) {
    this.restoreScroll = host.restoredScrollTop;
    this.scrolledTo = this.restoreScroll ?? 0;
    this.bar = new Toolbar(
      (m) => host.post(m),
      (text) => (this.footer.textContent = text),
    );
    this.scroller.append(this.area);
    this.overlay.append(this.header.el, this.body);
    this.wrap.append(this.scroller, this.overlay);
    root.append(this.bar.toolbar, this.bar.notice, this.bar.busy, this.bar.errorBox, this.wrap, this.footer);
    this.font = new GridFont(() => {
      this.gutterWidth = this.gutterFor(this.rowCount);
      this.schedule();
    });
  }

  // ---- messages from the host ----

  onStart(m: ResultStart): void {
    this.start = m;
    this.progress = undefined;
    this.rowCount = 0;
    this.cache.clear();
    this.painted = false;
    this.selection = this.anchor = this.focus = undefined;
    this.bar.start(m);
    this.describe();
    this.persist();
    this.schedule();
  }

  onProgress(m: ResultProgress): void {
    if (!this.start || m.generation !== this.start.generation) return;
    this.progress = m;
    this.setColumns(m.columns);
    this.rowCount = m.rowCount;
    this.gutterWidth = this.gutterFor(this.rowCount);
    this.describe();
    if (this.restoreScroll !== undefined && this.rowCount > 0) {
      this.layout();
      this.scroller.scrollTop = this.restoreScroll;
      this.restoreScroll = undefined;
    }
    // The first rows come right behind the first progress: draw once with them, not twice.
    if (!this.painted && this.rowCount > 0 && !this.cache.row(0)) {
      if (this.firstPaintTimer === undefined)
        this.firstPaintTimer = window.setTimeout(() => {
          this.firstPaintTimer = undefined;
          this.schedule();
        }, 50);
    } else {
      this.schedule();
    }
  }

  onRows(m: ResultRows): void {
    if (!this.start || m.generation !== this.start.generation) return;
    if (m.requestId === 0) this.cache.push(m.offset, m.rows);
    else this.cache.put(m.offset, m.rows, m.requestId);
    if (this.firstPaintTimer !== undefined) {
      window.clearTimeout(this.firstPaintTimer);
      this.firstPaintTimer = undefined;
    }
    if (!this.painted) {
      // A result's first rows: build them now, while the browser waits for its next frame anyway.
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.render();
    } else {
      this.schedule();
    }
  }

  describe(): void {
    // Nothing to show in a grid without columns (a refusal, an error before any row, a restored query).
    const p = this.progress;
    this.wrap.hidden = this.columns.length === 0 && !!p && p.phase !== 'running' && p.phase !== 'done';
    this.bar.describe(this.start, p);
  }

  // ---- state kept across reloads ----

  persist(): void {
    const s = this.start;
    if (!s) return;
    this.host.setState({ source: s.source, limit: s.limit, sort: s.sort, scrollTop: this.scrolledTo });
  }

  scrolled(): void {
    this.scrolledTo = this.scroller.scrollTop;
    this.schedule();
    if (this.persistTimer !== undefined) return;
    this.persistTimer = window.setTimeout(() => {
      this.persistTimer = undefined;
      this.persist();
    }, 300);
  }

  // ---- rendering ----

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(true);
    });
  }

  viewportRows(): number {
    return Math.max(0, this.scroller.clientHeight - rowHeight);
  }

  /** The row-number column: wide enough for the largest row number. */
  private gutterFor(rows: number): number {
    return Math.max(48, Math.ceil(cellChrome + 2 + String(rows).length * this.font.advance));
  }

  private setColumns(next: GridColumn[]): void {
    const same =
      next.length === this.columns.length &&
      next.every((c, i) => c.name === this.columns[i].name && c.type === this.columns[i].type);
    if (same) return;
    this.columns = next;
    this.widths = next.map((c) => initialWidth(c.name, c.kind, c.type));
    this.edges = columnEdges(this.widths);
    this.overlay.setAttribute('aria-colcount', String(next.length + 1));
    this.header.clear();
    this.body.replaceChildren();
    this.rowViews.length = 0;
  }

  private layout(): void {
    this.area.style.width = `${this.gutterWidth + this.edges[this.edges.length - 1]}px`;
    this.area.style.height = `${rowHeight + scrollHeight(this.rowCount)}px`;
    this.measured.width = this.scroller.clientWidth;
    this.measured.height = this.scroller.clientHeight;
    this.overlay.style.width = `${this.measured.width}px`;
    this.overlay.style.height = `${this.measured.height}px`;
    this.overlay.setAttribute('aria-rowcount', String(this.rowCount + 1));
  }

  /** Draws what is on screen; inFrame when called in a frame callback, where the browser paints next. */
  render(inFrame = false): void {
    this.layout();
    const { scroller, columns, widths, edges, gutterWidth, start, rowViews, cache, selection, focus } = this;
    const span = visibleRows(scroller.scrollTop, this.viewportRows(), this.rowCount);
    this.lastSpan = span;
    const cols = visibleColumns(edges, scroller.scrollLeft, Math.max(0, scroller.clientWidth - gutterWidth));
    const left = scroller.scrollLeft;
    this.header.render(columns, widths, edges, cols, left, gutterWidth, start);
    // Ask for what is missing: a little beyond the screen, so short scrolls find rows waiting.
    const ahead = { first: Math.max(0, span.first - 50), end: Math.min(this.rowCount, span.end + 50) };
    if (start) {
      for (const w of cache.missing(ahead, this.rowCount, this.nextRequest)) {
        this.host.post({
          type: 'window',
          generation: start.generation,
          requestId: this.nextRequest,
          offset: w.offset,
          count: w.count,
        });
      }
      this.nextRequest++;
    }
    // Until the first rows arrive there is nothing to draw; placeholders would only cost a frame.
    const n = this.painted || cache.row(span.first) ? span.end - span.first : 0;
    while (rowViews.length < n) {
      const view = new RowView();
      rowViews.push(view);
      this.body.append(view.el);
    }
    const advance = this.font.advance;
    let realRows = 0;
    for (let k = 0; k < rowViews.length; k++) {
      const row = rowViews[k];
      if (k >= n) {
        row.hide();
        continue;
      }
      const r = span.first + k;
      const data = cache.row(r);
      if (data) realRows++;
      row.show(r, rowHeight + k * rowHeight - span.shift, gutterWidth, cols.end - cols.first, advance);
      for (let j = cols.first; j < cols.end; j++) {
        const cell = row.cells[j - cols.first];
        const sel = inRange(selection, r, j) ? ' sel' : '';
        const act = focus && focus.r === r && focus.c === j ? ' active' : '';
        const x = gutterWidth + edges[j] - left;
        if (!data) {
          cell.set(j, x, widths[j], `cell loading${sel}${act}`, '…', '', advance);
          continue;
        }
        const d = display(data[j] ?? null, columns[j].kind);
        cell.set(j, x, widths[j], `cell ${d.className}${sel}${act}`, d.text, d.title ?? '', advance);
      }
    }
    if (!this.painted && realRows > 0) {
      this.painted = true;
      // The benchmarks' mark: the frame that paints the first rows has begun.
      if (inFrame) performance.mark('grid:first-rows');
      else requestAnimationFrame(() => performance.mark('grid:first-rows'));
    }
    this.describeSelection();
  }

  private describeSelection(): void {
    const { selection, rowCount } = this;
    if (!selection || rowCount === 0) {
      this.footer.textContent = rowCount === 0 && this.progress?.phase === 'done' ? 'No rows.' : '';
      return;
    }
    const rows = selection.r1 - selection.r0 + 1;
    const cols = selection.c1 - selection.c0 + 1;
    this.footer.textContent = `${fmt(rows)} × ${fmt(cols)} selected · Ctrl+C copies as TSV, Ctrl+Shift+C with headers · Enter or double-click shows the whole value`;
  }

  // ---- what input does ----

  /** The cell (or header, gutter, corner) under a point of the window. */
  cellAt(clientX: number, clientY: number): { r: number; c: number; zone: Zone } | undefined {
    const { columns, edges, rowCount, lastSpan, gutterWidth } = this;
    const box = this.overlay.getBoundingClientRect();
    const x = clientX - box.left;
    const y = clientY - box.top;
    const inHeader = y < rowHeight;
    const inGutter = x < gutterWidth;
    let c = -1;
    const gx = x - gutterWidth + this.scroller.scrollLeft;
    for (let i = 0; i < columns.length; i++) {
      if (gx >= edges[i] && gx < edges[i + 1]) {
        c = i;
        break;
      }
    }
    if (gx >= edges[edges.length - 1]) c = columns.length - 1;
    const r = Math.min(rowCount - 1, lastSpan.first + Math.floor((y - rowHeight + lastSpan.shift) / rowHeight));
    if (inHeader && inGutter) return { r: 0, c: 0, zone: 'corner' };
    if (inHeader) return c < 0 ? undefined : { r: 0, c, zone: 'header' };
    if (r < 0 || rowCount === 0) return undefined;
    if (inGutter) return { r, c: 0, zone: 'gutter' };
    return c < 0 ? undefined : { r, c, zone: 'cell' };
  }

  select(a: Cell, f: Cell, mode: DragMode): void {
    this.anchor = a;
    this.focus = f;
    const range = rangeOf(a, f);
    if (mode === 'rows') {
      range.c0 = 0;
      range.c1 = this.columns.length - 1;
    } else if (mode === 'columns') {
      range.r0 = 0;
      range.r1 = this.rowCount - 1;
    }
    this.selection = range;
    this.schedule();
  }

  selectAll(): void {
    if (this.rowCount === 0 || this.columns.length === 0) return;
    this.anchor = { r: 0, c: 0 };
    this.focus = { r: 0, c: 0 };
    this.selection = { r0: 0, r1: this.rowCount - 1, c0: 0, c1: this.columns.length - 1 };
    this.schedule();
  }

  setWidth(c: number, width: number): void {
    this.widths[c] = Math.max(minColumnWidth, width);
    this.edges = columnEdges(this.widths);
    this.schedule();
  }

  /** Scrolls so that a cell is in view, with a row of margin. */
  reveal(cell: Cell): void {
    const { scroller, edges } = this;
    const vh = this.viewportRows();
    const { first } = this.lastSpan;
    const fits = Math.max(1, Math.floor(vh / rowHeight));
    if (cell.r < first + 1 || cell.r >= first + fits - 1) {
      const top = cell.r < first + 1 ? cell.r : cell.r - fits + 1;
      scroller.scrollTop = scrollTopFor(Math.max(0, top), vh, this.rowCount);
    }
    const x0 = edges[cell.c];
    const x1 = edges[cell.c + 1];
    const vw = scroller.clientWidth - this.gutterWidth;
    if (x0 < scroller.scrollLeft) scroller.scrollLeft = x0;
    else if (x1 > scroller.scrollLeft + vw) scroller.scrollLeft = x1 - vw;
  }

  showValue(cell: Cell): void {
    if (this.start)
      this.host.post({ type: 'showValue', generation: this.start.generation, row: cell.r, column: cell.c });
  }

  copy(headers: boolean): void {
    if (this.start && this.selection)
      this.host.post({ type: 'copy', generation: this.start.generation, range: this.selection, headers });
  }
}
