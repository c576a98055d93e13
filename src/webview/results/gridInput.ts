/**
 * Mouse and keyboard on the results grid: selection by click, drag and keys, sorting by header click,
 * resizing columns by dragging an edge or with Alt+Shift+Left/Right, copy, and Enter for the whole value.
 */
import type { ResultsToHost, SortState } from '../../shared/protocol/results';
import { moveFocus, rowHeight } from './gridModel';
import { resizeStep, type DragMode, type GridController } from './gridController';

export function bindGridInput(grid: GridController, post: (message: ResultsToHost) => void): void {
  const { overlay, scroller } = grid;
  let drag: DragMode | undefined;

  const startResize = (c: number, x0: number): void => {
    const w0 = grid.widths[c];
    const move = (e: MouseEvent): void => grid.setWidth(c, w0 + e.clientX - x0);
    const up = (): void => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  overlay.addEventListener('mousedown', (e) => {
    const target = e.target as HTMLElement;
    if (target.dataset.sort !== undefined) return;
    if (target.dataset.grip !== undefined) {
      startResize(Number(target.dataset.grip), e.clientX);
      e.preventDefault();
      return;
    }
    const hit = grid.cellAt(e.clientX, e.clientY);
    overlay.focus();
    if (!hit || e.button !== 0) return;
    e.preventDefault();
    if (hit.zone === 'corner') {
      grid.selectAll();
      return;
    }
    drag = hit.zone === 'header' ? 'columns' : hit.zone === 'gutter' ? 'rows' : 'cell';
    const cell = { r: hit.zone === 'header' ? 0 : hit.r, c: hit.c };
    grid.select(e.shiftKey && grid.anchor ? grid.anchor : cell, cell, drag);
  });
  window.addEventListener('mousemove', (e) => {
    const anchor = grid.anchor;
    if (!drag || !anchor) return;
    const hit = grid.cellAt(e.clientX, e.clientY);
    if (!hit) return;
    grid.select(anchor, { r: drag === 'columns' ? anchor.r : hit.r, c: drag === 'rows' ? anchor.c : hit.c }, drag);
  });
  window.addEventListener('mouseup', () => {
    drag = undefined;
  });
  overlay.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const start = grid.start;
    if (target.dataset.sort === undefined || !start?.canSort) return;
    const col = grid.columns[Number(target.dataset.sort)];
    if (!col) return;
    const current = start.sort?.column === col.name ? start.sort.direction : undefined;
    const next: SortState | null =
      current === undefined
        ? { column: col.name, direction: 'asc' }
        : current === 'asc'
          ? { column: col.name, direction: 'desc' }
          : null;
    post({ type: 'sort', sort: next });
  });
  overlay.addEventListener('dblclick', (e) => {
    const hit = grid.cellAt(e.clientX, e.clientY);
    if (hit?.zone === 'cell') grid.showValue(hit);
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
  scroller.addEventListener('scroll', () => grid.scrolled());
  // A new size needs a render, unless the last render already measured it (a result's first frame
  // often changes the size itself, as the progress bar goes).
  new ResizeObserver(() => {
    if (scroller.clientWidth !== grid.measured.width || scroller.clientHeight !== grid.measured.height) grid.schedule();
  }).observe(grid.wrap);

  overlay.addEventListener('keydown', (e) => {
    if (grid.rowCount === 0 || grid.columns.length === 0) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'a') {
      grid.selectAll();
      e.preventDefault();
      return;
    }
    // Alt+Shift+Left/Right: the focused cell's column narrower or wider, as dragging its edge does.
    if (e.altKey && e.shiftKey && !mod && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      const c = (grid.focus ?? { c: 0 }).c;
      grid.setWidth(c, grid.widths[c] + (e.key === 'ArrowRight' ? resizeStep : -resizeStep));
      e.preventDefault();
      return;
    }
    if (mod && e.shiftKey && e.key.toLowerCase() === 'c') {
      grid.copy(true);
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && grid.focus) {
      grid.showValue(grid.focus);
      e.preventDefault();
      return;
    }
    const at = grid.focus ?? { r: 0, c: 0 };
    const page = Math.max(1, Math.floor(grid.viewportRows() / rowHeight) - 1);
    const cell = moveFocus(e.key, mod, at, page, grid.rowCount, grid.columns.length);
    if (!cell) return;
    e.preventDefault();
    grid.select(e.shiftKey && grid.anchor ? grid.anchor : cell, cell, 'cell');
    grid.reveal(cell);
  });
  // Ctrl+C goes through the copy event: VS Code and the browser both raise it.
  document.addEventListener('copy', (e) => {
    if (!overlay.contains(document.activeElement) && document.activeElement !== overlay) return;
    e.preventDefault();
    grid.copy(false);
  });
}
