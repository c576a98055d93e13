/**
 * The grid's arithmetic, apart from the DOM so it is unit-tested: which rows and columns are on
 * screen, how a scroll position maps to a row when the result is taller than a browser can draw,
 * which row windows to ask the host for, and which to forget.
 */
import { windowRows, type CellRange, type ColumnKind, type GridCell } from '../../shared/protocol/results';
import { visibleText } from '../../shared/visibleText';

export const rowHeight = 22;
/** Rows per window asked of the host (the host sends the first one unasked). */
export { windowRows };
/** Windows kept in the page; older ones are forgotten, so memory stays flat however far one scrolls. */
export const maxCachedWindows = 12;
/**
 * Browsers cap an element's height (Chromium near 33.5 million px). Past this height the scroll
 * area stops growing and scroll positions map to rows in proportion.
 */
export const maxScrollPx = 10_000_000;

/** The scroll area's height for a row count. */
export function scrollHeight(rowCount: number): number {
  return Math.min(rowCount * rowHeight, maxScrollPx);
}

export interface RowSpan {
  /** The first row on screen, possibly cut at the top. */
  first: number;
  /** One past the last row on screen. */
  end: number;
  /** Pixels the first row is shifted up by (its hidden part). */
  shift: number;
}

/** The rows a viewport shows at a scroll position. */
export function visibleRows(scrollTop: number, viewportHeight: number, rowCount: number): RowSpan {
  if (rowCount <= 0 || viewportHeight <= 0) return { first: 0, end: 0, shift: 0 };
  const fits = Math.ceil(viewportHeight / rowHeight);
  const full = rowCount * rowHeight;
  let exact: number;
  if (full <= maxScrollPx) {
    exact = scrollTop / rowHeight;
  } else {
    // Scaled: the top of the scroll range is row 0, the bottom shows the last rows.
    const range = maxScrollPx - viewportHeight;
    const fraction = range <= 0 ? 0 : Math.min(1, Math.max(0, scrollTop / range));
    exact = fraction * Math.max(0, rowCount - viewportHeight / rowHeight);
  }
  exact = Math.max(0, Math.min(exact, Math.max(0, rowCount - 1)));
  const first = Math.floor(exact);
  const shift = full <= maxScrollPx ? Math.max(0, scrollTop - first * rowHeight) : (exact - first) * rowHeight;
  return { first, end: Math.min(rowCount, first + fits + 1), shift: Math.min(shift, rowHeight) };
}

/** The scroll position that puts a row at the top (or as near as the end allows). */
export function scrollTopFor(row: number, viewportHeight: number, rowCount: number): number {
  const full = rowCount * rowHeight;
  if (full <= maxScrollPx) return row * rowHeight;
  const range = maxScrollPx - viewportHeight;
  const rows = Math.max(1, rowCount - viewportHeight / rowHeight);
  return Math.max(0, Math.min(range, (row / rows) * range));
}

export interface ColumnSpan {
  first: number;
  end: number;
}

/** Left edges of columns, plus the total width as the last entry. */
export function columnEdges(widths: readonly number[]): number[] {
  const edges = [0];
  for (const w of widths) edges.push(edges[edges.length - 1] + w);
  return edges;
}

/** The columns that intersect [scrollLeft, scrollLeft + width). */
export function visibleColumns(edges: readonly number[], scrollLeft: number, width: number): ColumnSpan {
  const n = edges.length - 1;
  if (n <= 0) return { first: 0, end: 0 };
  let first = 0;
  while (first < n - 1 && edges[first + 1] <= scrollLeft) first++;
  let end = first;
  while (end < n && edges[end] < scrollLeft + width) end++;
  return { first, end: Math.max(end, first + 1) };
}

/** Windows of rows, fetched on demand and forgotten least-recently-used first. */
export class WindowCache {
  private readonly windows = new Map<number, GridCell[][]>();
  private readonly pending = new Map<number, number>();

  constructor(private readonly capacity = maxCachedWindows) {}

  get size(): number {
    return this.windows.size;
  }

  clear(): void {
    this.windows.clear();
    this.pending.clear();
  }

  row(index: number): GridCell[] | undefined {
    const w = Math.floor(index / windowRows);
    const rows = this.windows.get(w);
    if (!rows) return undefined;
    this.windows.delete(w);
    this.windows.set(w, rows);
    return rows[index - w * windowRows];
  }

  /**
   * The windows a row span needs that are neither held nor asked for yet; they are marked as asked
   * for under requestId. A window still filling (fewer rows than a window, result running) is asked
   * for again once more rows exist.
   */
  missing(
    span: { first: number; end: number },
    rowCount: number,
    requestId: number,
  ): { window: number; offset: number; count: number }[] {
    const out: { window: number; offset: number; count: number }[] = [];
    if (span.end <= span.first) return out;
    for (let w = Math.floor(span.first / windowRows); w * windowRows < span.end; w++) {
      const have = this.windows.get(w);
      const wanted = Math.min(windowRows, rowCount - w * windowRows);
      if ((have && have.length >= wanted) || this.pending.has(w)) continue;
      this.pending.set(w, requestId);
      out.push({ window: w, offset: w * windowRows, count: windowRows });
    }
    return out;
  }

  /** Stores a window the host sent; drops answers to requests that were superseded. */
  put(offset: number, rows: GridCell[][], requestId: number): void {
    const w = Math.floor(offset / windowRows);
    if (this.pending.get(w) !== requestId) return;
    this.pending.delete(w);
    this.windows.delete(w);
    this.windows.set(w, rows);
    while (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value!);
  }

  /** Stores a window the host sent unasked (the first one, with the result), unless a longer one is held. */
  push(offset: number, rows: GridCell[][]): void {
    const w = Math.floor(offset / windowRows);
    if ((this.windows.get(w)?.length ?? -1) >= rows.length) return;
    this.pending.delete(w);
    this.windows.set(w, rows);
    while (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value!);
  }
}

/**
 * 1234567 -> "1,234,567". By hand: the first toLocaleString call loads the page's number formatting
 * data, which cost a third of the grid's first paint.
 */
export function groupDigits(n: number): string {
  const [int, frac] = String(n).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

export interface Display {
  text: string;
  /** CSS classes that tell the value's nature. */
  className: string;
  /** Shown on hover when the cell does not show the whole value. */
  title?: string;
}

const lineBreaks = /\r\n|\r|\n/g;

function bytesLabel(size: number): string {
  return size < 1024
    ? `${size} B`
    : size < 1024 * 1024
      ? `${(size / 1024).toFixed(1)} KB`
      : `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** How one cell reads in the grid. Only text: the caller puts it in the DOM as textContent. */
export function display(cell: GridCell, kind: ColumnKind): Display {
  if (cell === null) return { text: 'NULL', className: 'null' };
  if (typeof cell === 'number') return { text: String(cell), className: 'num' };
  if (typeof cell === 'boolean') return { text: String(cell), className: 'bool' };
  if (typeof cell === 'string') {
    // Bidirectional overrides and zero-width characters are shown by code point, never applied;
    // copy and export keep the value as it is.
    const shown = visibleText(cell);
    const oneLine = shown.replace(lineBreaks, '↵');
    // Servers send every value as text; the column's kind says how it reads.
    const cls =
      kind === 'number'
        ? 'num'
        : cell === ''
          ? 'empty'
          : kind === 'date'
            ? 'date'
            : kind === 'json'
              ? 'json'
              : kind === 'boolean'
                ? 'bool'
                : 'text';
    return {
      text: oneLine,
      className: cls,
      ...(oneLine !== cell || cell.length > 80
        ? { title: shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown }
        : {}),
    };
  }
  switch (cell.t) {
    case 'json':
      return {
        text: cell.length > cell.text.length ? `${visibleText(cell.text)}…` : visibleText(cell.text),
        className: 'json',
        title:
          cell.length > cell.text.length
            ? `${groupDigits(cell.length)} characters; double-click for the whole value`
            : visibleText(cell.text),
      };
    case 'bin':
      return {
        text: `0x${cell.hex}${cell.size * 2 > cell.hex.length ? '…' : ''} (${bytesLabel(cell.size)})`,
        className: 'bin',
        title: `${groupDigits(cell.size)} bytes; double-click for the whole value`,
      };
    case 'long':
      return {
        text: `${visibleText(cell.text).replace(lineBreaks, '↵')}…`,
        className: 'text long',
        title: `${groupDigits(cell.length)} characters; double-click for the whole value`,
      };
  }
}

/** A starting width for a column: room for its values' kind, and for its header (name, type, sort button). */
export function initialWidth(name: string, kind: ColumnKind, type = ''): number {
  const base = kind === 'number' || kind === 'boolean' ? 90 : kind === 'date' ? 170 : kind === 'json' ? 220 : 160;
  const header = 40 + name.length * 8 + type.length * 7;
  return Math.max(base, Math.min(320, header));
}

/** A cell's padding and border, inside its width. */
export const cellChrome = 13;
const printableAscii = /^[\x20-\x7e]*$/;

/**
 * Whether a cell's text may not fit its width, and so needs clipping with an ellipsis. The test is
 * conservative: `advance` is the widest character advance of the grid's font, and any character
 * outside printable ASCII (wide, combining, tab) clips. Most cells fit, and a cell that does not
 * clip costs the browser less to lay out, paint and raster.
 */
export function needsClip(text: string, width: number, advance: number): boolean {
  if (text.length * advance > width - cellChrome - 1) return true;
  return !printableAscii.test(text);
}

export interface Cell {
  r: number;
  c: number;
}

/** The rectangle between an anchor and a focus cell. */
export function rangeOf(anchor: Cell, focus: Cell): CellRange {
  return {
    r0: Math.min(anchor.r, focus.r),
    r1: Math.max(anchor.r, focus.r),
    c0: Math.min(anchor.c, focus.c),
    c1: Math.max(anchor.c, focus.c),
  };
}

export function inRange(range: CellRange | undefined, r: number, c: number): boolean {
  return !!range && r >= range.r0 && r <= range.r1 && c >= range.c0 && c <= range.c1;
}

/** Keeps a cell inside the grid. */
export function clampCell(cell: Cell, rowCount: number, columnCount: number): Cell {
  return { r: Math.max(0, Math.min(rowCount - 1, cell.r)), c: Math.max(0, Math.min(columnCount - 1, cell.c)) };
}

/**
 * Where a navigation key moves the focused cell, kept inside the result: arrows by one (with Ctrl or
 * Cmd to the edge), Page Up/Down by a page of rows, Home/End to the row's ends (with Ctrl to the
 * result's corners). Undefined for any other key.
 */
export function moveFocus(
  key: string,
  mod: boolean,
  at: Cell,
  page: number,
  rowCount: number,
  columnCount: number,
): Cell | undefined {
  const lastRow = rowCount - 1;
  const lastCol = columnCount - 1;
  const next: Record<string, Cell> = {
    ArrowDown: { r: mod ? lastRow : at.r + 1, c: at.c },
    ArrowUp: { r: mod ? 0 : at.r - 1, c: at.c },
    ArrowRight: { r: at.r, c: mod ? lastCol : at.c + 1 },
    ArrowLeft: { r: at.r, c: mod ? 0 : at.c - 1 },
    PageDown: { r: at.r + page, c: at.c },
    PageUp: { r: at.r - page, c: at.c },
    Home: mod ? { r: 0, c: 0 } : { r: at.r, c: 0 },
    End: mod ? { r: lastRow, c: lastCol } : { r: at.r, c: lastCol },
  };
  const cell = Object.hasOwn(next, key) ? next[key] : undefined;
  return cell && clampCell(cell, rowCount, columnCount);
}
