/**
 * The grid's recycled DOM: the header, rows and cells that remember what they show, so that a render
 * writes only what changed, and the font measure that decides which cells clip. Text reaches the DOM only as
 * text nodes.
 */
import type { GridColumn, ResultStart } from '../../shared/protocol/results';
import { el } from '../common/vscodeApi';
import { needsClip } from './gridModel';
import { visibleText } from '../../shared/visibleText';

/**
 * Text in the grid's font, laid out hidden and kept: its widest character decides which cells need
 * clipping and how wide the row numbers are, and a change of font or size (a settings change) shows
 * as a change of its size. Laid out while the host runs the query, it also makes the font's first
 * use (finding it, shaping its glyphs) happen before the result comes rather than in its first frame.
 */
export class GridFont {
  /** The widest advance of the probed characters, in CSS pixels. */
  advance = 8;
  private readonly probes = ['M', 'W', '@', '0', 'm', 'w'].map((ch) => el('span', { class: 'cell' }, ch.repeat(20)));

  constructor(onChange: () => void) {
    const measurer = el('div', { class: 'overlay measure', 'aria-hidden': 'true' });
    measurer.append(
      ...this.probes,
      el('div', { class: 'cell text' }, 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789,.-…↵'),
      el('div', { class: 'cell null' }, 'NULL'),
    );
    document.body.append(measurer);
    this.measure();
    new ResizeObserver(() => {
      if (this.measure()) onChange();
    }).observe(this.probes[0]);
  }

  /** Measures again; true when the advance changed. */
  private measure(): boolean {
    const before = this.advance;
    this.advance = Math.max(...this.probes.map((p) => p.getBoundingClientRect().width / 20));
    return this.advance !== before;
  }
}

/**
 * One recycled cell. It remembers what it shows, so that a render writes to the DOM only what
 * changed: a frame that moves the selection, or draws rows already drawn, costs no layout.
 */
export class CellView {
  private static readonly proto = el('div', { class: 'cell', role: 'gridcell' }, ' ');
  readonly el = CellView.proto.cloneNode(true) as HTMLElement;
  private readonly text = this.el.firstChild as Text;
  private col = -1;
  private x = NaN;
  private width = NaN;
  private cls = 'cell';
  private title = '';
  private shown = true;

  /** Shows a value; advance is the grid font's widest character, which decides clipping. */
  set(col: number, x: number, width: number, className: string, text: string, title: string, advance: number): void {
    const cls = needsClip(text, width, advance) ? `${className} clip` : className;
    if (!this.shown) this.el.hidden = !(this.shown = true);
    if (col !== this.col) this.el.setAttribute('aria-colindex', String((this.col = col) + 2));
    if (x !== this.x) this.el.style.left = `${(this.x = x)}px`;
    if (width !== this.width) this.el.style.width = `${(this.width = width)}px`;
    if (cls !== this.cls) this.el.className = this.cls = cls;
    if (text !== this.text.data) this.text.data = text;
    if (title !== this.title) {
      if ((this.title = title)) this.el.title = title;
      else this.el.removeAttribute('title');
    }
  }

  hide(): void {
    if (this.shown) this.el.hidden = !(this.shown = false);
  }
}

/** One recycled row: the row-number cell and as many data cells as the widest render needed. */
export class RowView {
  readonly el = el('div', { class: 'row', role: 'row' });
  readonly cells: CellView[] = [];
  private readonly number = new CellView();
  private r = -1;
  private top = NaN;
  private shown = true;

  constructor() {
    this.number.el.setAttribute('role', 'rowheader');
    this.el.append(this.number.el);
  }

  /** Shows data row r at the given offset, with n data cells. */
  show(r: number, top: number, gutter: number, n: number, advance: number): void {
    if (!this.shown) this.el.hidden = !(this.shown = true);
    if (top !== this.top) this.el.style.top = `${(this.top = top)}px`;
    if (r !== this.r) {
      this.r = r;
      this.el.setAttribute('aria-rowindex', String(r + 2));
      // Stripes follow the data row, not the recycled element.
      this.el.classList.toggle('alt', r % 2 === 1);
    }
    this.number.set(-1, 0, gutter, 'cell gutter', String(r + 1), '', advance);
    while (this.cells.length < n) {
      const cell = new CellView();
      this.cells.push(cell);
      this.el.append(cell.el);
    }
    for (let i = n; i < this.cells.length; i++) this.cells[i].hide();
  }

  hide(): void {
    if (this.shown) this.el.hidden = !(this.shown = false);
  }
}

/** One recycled header cell: a column's name, type, sort button and resize grip. */
class HeaderCell {
  readonly el = el('div', { class: 'cell head', role: 'columnheader' });
  private key = '';
  private x = NaN;
  private width = NaN;
  private shown = true;

  set(c: number, col: GridColumn, x: number, width: number, start: ResultStart | undefined): void {
    if (!this.shown) this.el.hidden = !(this.shown = true);
    if (x !== this.x) this.el.style.left = `${(this.x = x)}px`;
    if (width !== this.width) this.el.style.width = `${(this.width = width)}px`;
    const on = start?.canSort && start.sort?.column === col.name ? start.sort.direction : undefined;
    const key = `${c}:${col.name}:${col.type}:${start?.canSort === true}:${on ?? ''}`;
    if (key === this.key) return;
    this.key = key;
    this.el.dataset.col = String(c);
    this.el.setAttribute('aria-colindex', String(c + 2));
    // Column names come from the server: invisible and bidirectional characters are shown, not applied.
    const name = visibleText(col.name);
    this.el.title = col.type ? `${name} (${visibleText(col.type)})` : name;
    const parts: HTMLElement[] = [el('span', { class: 'name' }, name)];
    if (col.type) parts.push(el('span', { class: 'type' }, col.type));
    if (start?.canSort) {
      parts.push(
        el('button', {
          class: `sort codicon ${on === 'desc' ? 'codicon-arrow-down' : 'codicon-arrow-up'}${on ? ' on' : ''}`,
          title:
            on === 'asc'
              ? 'Sorted ascending; click for descending'
              : on === 'desc'
                ? 'Sorted descending; click to unsort'
                : 'Sort ascending (on the server)',
          'aria-label': `Sort by ${name}`,
          'data-sort': String(c),
        }),
      );
    }
    parts.push(
      el('span', {
        class: 'grip',
        'data-grip': String(c),
        title: 'Drag to resize (or Alt+Shift+Left/Right on a cell)',
      }),
    );
    this.el.replaceChildren(...parts);
  }

  hide(): void {
    if (this.shown) this.el.hidden = !(this.shown = false);
  }
}

/** The header row: the corner (select all) and a cell per column on screen. */
export class HeaderView {
  readonly el = el('div', { class: 'header', role: 'row', 'aria-rowindex': '1' });
  private readonly corner = el(
    'div',
    { class: 'cell head gutter', role: 'columnheader', title: 'Select all (Ctrl+A)' },
    '#',
  );
  private cells: HeaderCell[] = [];

  constructor() {
    this.corner.style.left = '0px';
    this.el.append(this.corner);
  }

  /** Drops the cells: the columns changed. */
  clear(): void {
    for (const cell of this.cells) cell.el.remove();
    this.cells = [];
  }

  /** Shows columns [first, end), scrolled left by `left`, after a gutter of the given width. */
  render(
    columns: GridColumn[],
    widths: number[],
    edges: number[],
    span: { first: number; end: number },
    left: number,
    gutter: number,
    start: ResultStart | undefined,
  ): void {
    this.corner.style.width = `${gutter}px`;
    const n = span.end - span.first;
    while (this.cells.length < n) {
      const cell = new HeaderCell();
      this.cells.push(cell);
      this.el.append(cell.el);
    }
    for (let k = 0; k < this.cells.length; k++) {
      const c = span.first + k;
      if (k >= n) this.cells[k].hide();
      else this.cells[k].set(c, columns[c], gutter + edges[c] - left, widths[c], start);
    }
  }
}
