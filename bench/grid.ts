/** The results grid in Chromium: first paint, next-result paint, memory (`npm run bench -- grid`). */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { openGridPage } from '../test/support/gridPage';
import { bench, median } from './common';

const root = path.resolve(__dirname, '..');

/** Page-side code, as text: this file is compiled without the DOM's types. */
const untilFirstRowsShown = `for (;;) {
    if (performance.getEntriesByName('grid:first-rows')[0]) {
      await new Promise((r) => requestAnimationFrame(r)); // and the frame that shows them
      return performance.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 1));
  }`;

/**
 * A result's arrival to its first rows on screen. As in the extension, the run's start (the page
 * shows "Running…") comes first and the page settles while the query runs; then the result's
 * columns and size come with its first window of rows.
 */
const firstPaintScript = (generation: number): string => `(async () => {
  window.__prepare(1000000, 20);
  window.__start(${generation});
  for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => setTimeout(r, 50));
  performance.clearMarks();
  const t0 = performance.now();
  window.__deliver(${generation});
  ${untilFirstRowsShown}
})()`;

/** The same, with the clock started before the run's start message: start, result and rows at once. */
const wholeRunScript = (generation: number): string => `(async () => {
  window.__prepare(1000000, 20);
  performance.clearMarks();
  const t0 = performance.now();
  window.__start(${generation});
  window.__deliver(${generation});
  ${untilFirstRowsShown}
})()`;

const scrollToScript = (fraction: number): string => `(async () => {
  const scroller = document.querySelector('.scroller');
  scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * ${fraction};
  for (let k = 0; k < 500; k++) {
    await new Promise((r) => requestAnimationFrame(r));
    if (!document.querySelector('.row:not([hidden]) .cell.loading')) return true;
  }
  throw new Error('rows never arrived');
})()`;

/**
 * The results grid in Chromium, fed by an in-page stand-in host: time from the result's arrival to
 * its first rows on screen for 1,000,000 rows, and the page's heap after scrolling through 10,000
 * rows and through 1,000,000 (after a forced collection each time).
 */
export async function gridFigures(): Promise<void> {
  execFileSync('node', [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
  const firstPaint: number[] = [];
  const againPaint: number[] = [];
  const wholeRun: number[] = [];
  for (let i = 0; i < 11; i++) {
    const g = await openGridPage();
    try {
      // A fresh page's first result, then the same panel's next result (refresh, sort, new limit).
      const ms = (await g.page.evaluate(firstPaintScript(1))) as number;
      const again = (await g.page.evaluate(firstPaintScript(2))) as number;
      if (i > 0) {
        firstPaint.push(ms); // the first start warms the browser's own caches
        againPaint.push(again);
      }
    } finally {
      await g.close();
    }
  }
  for (let i = 0; i < 11; i++) {
    const g = await openGridPage();
    try {
      const ms = (await g.page.evaluate(wholeRunScript(1))) as number;
      if (i > 0) wholeRun.push(ms);
    } finally {
      await g.close();
    }
  }
  bench('grid_first_paint_ms', median(firstPaint), 'ms');
  bench('grid_first_paint_ms_max', Math.max(...firstPaint), 'ms');
  bench('grid_next_result_paint_ms', median(againPaint), 'ms');
  bench('grid_whole_run_paint_ms', median(wholeRun), 'ms');

  const heapAfterScrolling = async (rows: number, steps: number): Promise<number> => {
    const g = await openGridPage();
    try {
      const cdp = await g.page.context().newCDPSession(g.page);
      await g.page.evaluate(`window.__show(1, ${rows}, 20)`);
      await g.page.waitForFunction(`performance.getEntriesByName('grid:first-rows').length > 0`);
      for (let s = 0; s <= steps; s++) await g.page.evaluate(scrollToScript(s / steps));
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return usedSize / 1024 / 1024;
    } finally {
      await g.close();
    }
  };
  const at10k = median([
    await heapAfterScrolling(10_000, 100),
    await heapAfterScrolling(10_000, 100),
    await heapAfterScrolling(10_000, 100),
  ]);
  const at1m = median([
    await heapAfterScrolling(1_000_000, 1000),
    await heapAfterScrolling(1_000_000, 1000),
    await heapAfterScrolling(1_000_000, 1000),
  ]);
  bench('grid_memory_mb_10k', at10k, 'MB');
  bench('grid_memory_mb_1m', at1m, 'MB');
  bench('grid_memory_1m_vs_10k', at1m / at10k, 'x');
}
