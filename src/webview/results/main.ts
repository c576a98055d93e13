/**
 * The results grid for table previews and test queries. Rows and columns are virtualized: only what
 * is on screen is in the DOM, and rows come from the host in windows as they scroll into view. Every
 * value reaches the DOM as textContent.
 */
import {
  type CellRange,
  type GridColumn,
  type HostToResults,
  type ResultProgress,
  type ResultStart,
  type ResultsState,
  type ResultsToHost,
  type SortState,
} from '../../shared/protocol/results';
import { el, vscodeApi } from '../common/vscodeApi';
import {
  columnEdges,
  display,
  cellChrome,
  groupDigits,
  inRange,
  initialWidth,
  moveFocus,
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
import { resultsCss } from './style';
import { Toolbar } from './toolbar';

const vscode = vscodeApi<ResultsState, ResultsToHost>();
const sheet = new CSSStyleSheet();
sheet.replaceSync(resultsCss);
document.adoptedStyleSheets = [sheet];

/** The row-number column: wide enough for the largest row number. */
let gutterWidth = 48;
const fmt = groupDigits;

// ---- state ----
let start: ResultStart | undefined;
let progress: ResultProgress | undefined;
let columns: GridColumn[] = [];
let widths: number[] = [];
let edges: number[] = [0];
let rowCount = 0;
const cache = new WindowCache();
let nextRequest = 1;
let anchor: Cell | undefined;
let focus: Cell | undefined;
let selection: CellRange | undefined;
let lastSpan: RowSpan = { first: 0, end: 0, shift: 0 };
let painted = false;
let firstPaintTimer: number | undefined;
let restoreScroll: number | undefined = vscode.getState()?.scrollTop;
/** The scroller's position as its last scroll event gave it: saving state then forces no layout. */
let scrolledTo = restoreScroll ?? 0;

// ---- layout ----
const root = document.getElementById('root')!;
const bar = new Toolbar(post, (text) => (footer.textContent = text));
const wrap = el('div', { class: 'gridwrap' });
const scroller = el('div', { class: 'scroller' });
const area = el('div');
scroller.append(area);
const overlay = el('div', { class: 'overlay', role: 'grid', tabindex: '0', 'aria-label': 'Result rows' });
const header = new HeaderView();
const body = el('div', { role: 'rowgroup' });
overlay.append(header.el, body);
wrap.append(scroller, overlay);
const footer = el('div', { class: 'footer' });
root.append(bar.toolbar, bar.busy, bar.errorBox, wrap, footer);

// ---- the grid's font ----
const font = new GridFont(() => {
  gutterWidth = gutterFor(rowCount);
  schedule();
});

/** The row-number column: wide enough for the largest row number. */
function gutterFor(rows: number): number {
  return Math.max(48, Math.ceil(cellChrome + 2 + String(rows).length * font.advance));
}

function post(message: ResultsToHost): void {
  vscode.postMessage(message);
}

function persist(): void {
  if (!start) return;
  vscode.setState({ source: start.source, limit: start.limit, sort: start.sort, scrollTop: scrolledTo });
}

function describe(): void {
  // Nothing to show in a grid without columns (a refusal, an error before any row, a restored query).
  wrap.hidden = columns.length === 0 && !!progress && progress.phase !== 'running' && progress.phase !== 'done';
  bar.describe(start, progress);
}

// ---- grid ----
function setColumns(next: GridColumn[]): void {
  const same = next.length === columns.length && next.every((c, i) => c.name === columns[i]!.name && c.type === columns[i]!.type);
  if (same) return;
  columns = next;
  widths = columns.map((c) => initialWidth(c.name, c.kind, c.type));
  edges = columnEdges(widths);
  overlay.setAttribute('aria-colcount', String(columns.length + 1));
  header.clear();
  body.replaceChildren();
  rowViews.length = 0;
}

/** The scroller's size as the last render saw it. */
const measured = { width: -1, height: -1 };

function layout(): void {
  area.style.width = `${gutterWidth + edges[edges.length - 1]!}px`;
  area.style.height = `${rowHeight + scrollHeight(rowCount)}px`;
  measured.width = scroller.clientWidth;
  measured.height = scroller.clientHeight;
  overlay.style.width = `${measured.width}px`;
  overlay.style.height = `${measured.height}px`;
  overlay.setAttribute('aria-rowcount', String(rowCount + 1));
}

function viewportRows(): number {
  return Math.max(0, scroller.clientHeight - rowHeight);
}

let frame = 0;
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render(true);
  });
}

const rowViews: RowView[] = [];

/** Draws what is on screen; inFrame when called in a frame callback, where the browser paints next. */
function render(inFrame = false): void {
  layout();
  const span = visibleRows(scroller.scrollTop, viewportRows(), rowCount);
  lastSpan = span;
  const cols = visibleColumns(edges, scroller.scrollLeft, Math.max(0, scroller.clientWidth - gutterWidth));
  const left = scroller.scrollLeft;
  header.render(columns, widths, edges, cols, left, gutterWidth, start);
  // Ask for what is missing: a little beyond the screen, so short scrolls find rows waiting.
  const ahead = { first: Math.max(0, span.first - 50), end: Math.min(rowCount, span.end + 50) };
  if (start) {
    for (const w of cache.missing(ahead, rowCount, nextRequest)) {
      post({ type: 'window', generation: start.generation, requestId: nextRequest, offset: w.offset, count: w.count });
    }
    nextRequest++;
  }
  // Until the first rows arrive there is nothing to draw; placeholders would only cost a frame.
  const n = painted || cache.row(span.first) ? span.end - span.first : 0;
  while (rowViews.length < n) {
    const view = new RowView();
    rowViews.push(view);
    body.append(view.el);
  }
  let realRows = 0;
  for (let k = 0; k < rowViews.length; k++) {
    const row = rowViews[k]!;
    if (k >= n) {
      row.hide();
      continue;
    }
    const r = span.first + k;
    const data = cache.row(r);
    if (data) realRows++;
    row.show(r, rowHeight + k * rowHeight - span.shift, gutterWidth, cols.end - cols.first, font.advance);
    for (let j = cols.first; j < cols.end; j++) {
      const cell = row.cells[j - cols.first]!;
      const sel = inRange(selection, r, j) ? ' sel' : '';
      const act = focus && focus.r === r && focus.c === j ? ' active' : '';
      const x = gutterWidth + edges[j]! - left;
      if (!data) {
        cell.set(j, x, widths[j]!, `cell loading${sel}${act}`, '…', '', font.advance);
        continue;
      }
      const d = display(data[j] ?? null, columns[j]!.kind);
      cell.set(j, x, widths[j]!, `cell ${d.className}${sel}${act}`, d.text, d.title ?? '', font.advance);
    }
  }
  if (!painted && realRows > 0) {
    painted = true;
    // The benchmarks' mark: the frame that paints the first rows has begun.
    if (inFrame) performance.mark('grid:first-rows');
    else requestAnimationFrame(() => performance.mark('grid:first-rows'));
  }
  describeSelection();
}

function describeSelection(): void {
  if (!selection || rowCount === 0) {
    footer.textContent = rowCount === 0 && progress?.phase === 'done' ? 'No rows.' : '';
    return;
  }
  const rows = selection.r1 - selection.r0 + 1;
  const cols = selection.c1 - selection.c0 + 1;
  footer.textContent = `${fmt(rows)} × ${fmt(cols)} selected · Ctrl+C copies as TSV, Ctrl+Shift+C with headers · Enter or double-click shows the whole value`;
}

// ---- input ----
function cellAt(clientX: number, clientY: number): { r: number; c: number; zone: 'corner' | 'header' | 'gutter' | 'cell' } | undefined {
  const box = overlay.getBoundingClientRect();
  const x = clientX - box.left;
  const y = clientY - box.top;
  const inHeader = y < rowHeight;
  const inGutter = x < gutterWidth;
  let c = -1;
  const gx = x - gutterWidth + scroller.scrollLeft;
  for (let i = 0; i < columns.length; i++) {
    if (gx >= edges[i]! && gx < edges[i + 1]!) {
      c = i;
      break;
    }
  }
  if (gx >= edges[edges.length - 1]!) c = columns.length - 1;
  const r = Math.min(rowCount - 1, lastSpan.first + Math.floor((y - rowHeight + lastSpan.shift) / rowHeight));
  if (inHeader && inGutter) return { r: 0, c: 0, zone: 'corner' };
  if (inHeader) return c < 0 ? undefined : { r: 0, c, zone: 'header' };
  if (r < 0 || rowCount === 0) return undefined;
  if (inGutter) return { r, c: 0, zone: 'gutter' };
  return c < 0 ? undefined : { r, c, zone: 'cell' };
}

type DragMode = 'cell' | 'rows' | 'columns';
let drag: DragMode | undefined;

function select(a: Cell, f: Cell, mode: DragMode): void {
  anchor = a;
  focus = f;
  const range = rangeOf(a, f);
  if (mode === 'rows') {
    range.c0 = 0;
    range.c1 = columns.length - 1;
  } else if (mode === 'columns') {
    range.r0 = 0;
    range.r1 = rowCount - 1;
  }
  selection = range;
  schedule();
}

function selectAll(): void {
  if (rowCount === 0 || columns.length === 0) return;
  anchor = { r: 0, c: 0 };
  focus = { r: 0, c: 0 };
  selection = { r0: 0, r1: rowCount - 1, c0: 0, c1: columns.length - 1 };
  schedule();
}

overlay.addEventListener('mousedown', (e) => {
  const target = e.target as HTMLElement;
  if (target.dataset.sort !== undefined) return;
  if (target.dataset.grip !== undefined) {
    startResize(Number(target.dataset.grip), e.clientX);
    e.preventDefault();
    return;
  }
  const hit = cellAt(e.clientX, e.clientY);
  overlay.focus();
  if (!hit || e.button !== 0) return;
  e.preventDefault();
  if (hit.zone === 'corner') {
    selectAll();
    return;
  }
  drag = hit.zone === 'header' ? 'columns' : hit.zone === 'gutter' ? 'rows' : 'cell';
  const cell = { r: hit.zone === 'header' ? 0 : hit.r, c: hit.c };
  select(e.shiftKey && anchor ? anchor : cell, cell, drag);
});
window.addEventListener('mousemove', (e) => {
  if (!drag || !anchor) return;
  const hit = cellAt(e.clientX, e.clientY);
  if (!hit) return;
  select(anchor, { r: drag === 'columns' ? anchor.r : hit.r, c: drag === 'rows' ? anchor.c : hit.c }, drag);
});
window.addEventListener('mouseup', () => {
  drag = undefined;
});
overlay.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  if (target.dataset.sort === undefined || !start?.canSort) return;
  const col = columns[Number(target.dataset.sort)];
  if (!col) return;
  const current = start.sort?.column === col.name ? start.sort.direction : undefined;
  const next: SortState | null =
    current === undefined ? { column: col.name, direction: 'asc' } : current === 'asc' ? { column: col.name, direction: 'desc' } : null;
  post({ type: 'sort', sort: next });
});
overlay.addEventListener('dblclick', (e) => {
  const hit = cellAt(e.clientX, e.clientY);
  if (hit?.zone === 'cell') showValue(hit);
});
overlay.addEventListener(
  'wheel',
  (e) => {
    const unit = e.deltaMode === 1 ? rowHeight : e.deltaMode === 2 ? scroller.clientHeight : 1;
    scroller.scrollTop += e.deltaY * unit;
    scroller.scrollLeft += e.deltaX * unit;
    e.preventDefault();
  },
  { passive: false },
);
scroller.addEventListener('scroll', () => {
  scrolledTo = scroller.scrollTop;
  schedule();
  persistSoon();
});
// A new size needs a render, unless the last render already measured it (a result's first frame
// often changes the size itself, as the progress bar goes).
new ResizeObserver(() => {
  if (scroller.clientWidth !== measured.width || scroller.clientHeight !== measured.height) schedule();
}).observe(wrap);

let persistTimer: number | undefined;
function persistSoon(): void {
  if (persistTimer !== undefined) return;
  persistTimer = window.setTimeout(() => {
    persistTimer = undefined;
    persist();
  }, 300);
}

/** The narrowest a column can be made, and the step of a resize by keyboard. */
const minColumnWidth = 40;
const resizeStep = 16;

function setWidth(c: number, width: number): void {
  widths[c] = Math.max(minColumnWidth, width);
  edges = columnEdges(widths);
  schedule();
}

function startResize(c: number, x0: number): void {
  const w0 = widths[c]!;
  const move = (e: MouseEvent): void => setWidth(c, w0 + e.clientX - x0);
  const up = (): void => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
}

function showValue(cell: Cell): void {
  if (start) post({ type: 'showValue', generation: start.generation, row: cell.r, column: cell.c });
}

function reveal(cell: Cell): void {
  const vh = viewportRows();
  const { first } = lastSpan;
  const fits = Math.max(1, Math.floor(vh / rowHeight));
  if (cell.r < first + 1 || cell.r >= first + fits - 1) {
    const top = cell.r < first + 1 ? cell.r : cell.r - fits + 1;
    scroller.scrollTop = scrollTopFor(Math.max(0, top), vh, rowCount);
  }
  const x0 = edges[cell.c]!;
  const x1 = edges[cell.c + 1]!;
  const vw = scroller.clientWidth - gutterWidth;
  if (x0 < scroller.scrollLeft) scroller.scrollLeft = x0;
  else if (x1 > scroller.scrollLeft + vw) scroller.scrollLeft = x1 - vw;
}

function copy(headers: boolean): void {
  if (start && selection) post({ type: 'copy', generation: start.generation, range: selection, headers });
}

overlay.addEventListener('keydown', (e) => {
  if (rowCount === 0 || columns.length === 0) return;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === 'a') {
    selectAll();
    e.preventDefault();
    return;
  }
  // Alt+Shift+Left/Right: the focused cell's column narrower or wider, as dragging its edge does.
  if (e.altKey && e.shiftKey && !mod && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
    const c = (focus ?? { c: 0 }).c;
    setWidth(c, widths[c]! + (e.key === 'ArrowRight' ? resizeStep : -resizeStep));
    e.preventDefault();
    return;
  }
  if (mod && e.shiftKey && e.key.toLowerCase() === 'c') {
    copy(true);
    e.preventDefault();
    return;
  }
  if (e.key === 'Enter' && focus) {
    showValue(focus);
    e.preventDefault();
    return;
  }
  const at = focus ?? { r: 0, c: 0 };
  const page = Math.max(1, Math.floor(viewportRows() / rowHeight) - 1);
  const cell = moveFocus(e.key, mod, at, page, rowCount, columns.length);
  if (!cell) return;
  e.preventDefault();
  select(e.shiftKey && anchor ? anchor : cell, cell, 'cell');
  reveal(cell);
});
// Ctrl+C goes through the copy event: VS Code and the browser both raise it.
document.addEventListener('copy', (e) => {
  if (!overlay.contains(document.activeElement) && document.activeElement !== overlay) return;
  e.preventDefault();
  copy(false);
});

// ---- messages ----
window.addEventListener('message', (event: MessageEvent<HostToResults>) => {
  const m = event.data;
  switch (m.type) {
    case 'start':
      start = m;
      progress = undefined;
      rowCount = 0;
      cache.clear();
      painted = false;
      selection = anchor = focus = undefined;
      bar.start(m);
      describe();
      persist();
      schedule();
      return;
    case 'progress': {
      if (!start || m.generation !== start.generation) return;
      progress = m;
      setColumns(m.columns);
      rowCount = m.rowCount;
      gutterWidth = gutterFor(rowCount);
      describe();
      if (restoreScroll !== undefined && rowCount > 0) {
        layout();
        scroller.scrollTop = restoreScroll;
        restoreScroll = undefined;
      }
      // The first rows come right behind the first progress: draw once with them, not twice.
      if (!painted && rowCount > 0 && !cache.row(0)) {
        if (firstPaintTimer === undefined)
          firstPaintTimer = window.setTimeout(() => {
            firstPaintTimer = undefined;
            schedule();
          }, 50);
      } else {
        schedule();
      }
      return;
    }
    case 'rows':
      if (!start || m.generation !== start.generation) return;
      if (m.requestId === 0) cache.push(m.offset, m.rows);
      else cache.put(m.offset, m.rows, m.requestId);
      if (firstPaintTimer !== undefined) {
        window.clearTimeout(firstPaintTimer);
        firstPaintTimer = undefined;
      }
      if (!painted) {
        // A result's first rows: build them now, while the browser waits for its next frame anyway.
        if (frame) cancelAnimationFrame(frame);
        frame = 0;
        render();
      } else {
        schedule();
      }
      return;
  }
});

describe();
post({ type: 'ready' });
