/**
 * The grid's row arithmetic against a maintained virtualizer, @tanstack/virtual-core, on what the
 * results grid needs: flat memory from 10,000 to 1,000,000 rows, and a row count that grows every
 * 100 ms while a result streams. Run by `npm run bench -- virtualizer` (it needs --expose-gc).
 * Prints `BENCH <name> <value> <unit>`.
 */
import { performance } from 'node:perf_hooks';
import { Virtualizer } from '@tanstack/virtual-core';
import { rowHeight, scrollHeight, visibleRows } from '../src/webview/results/gridModel';

const viewport = { width: 1400, height: 900 };

function bench(name: string, value: number, unit: string): void {
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

/** Heap and array-buffer bytes held, in MB. */
function held(): number {
  collect();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024;
}

// The virtualizer's DOM hooks, answered without a DOM: a fixed viewport scrolled to the top.
(globalThis as { ResizeObserver?: unknown }).ResizeObserver = class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
const scrollElement = {} as never; // no DOM here: the bench is compiled without its types

function tanstack(count: number): Virtualizer<never, never> {
  const v = new Virtualizer<never, never>({
    count,
    getScrollElement: () => scrollElement,
    estimateSize: () => rowHeight,
    scrollToFn: () => undefined,
    observeElementRect: (_instance, cb) => {
      cb(viewport);
      return () => undefined;
    },
    observeElementOffset: (_instance, cb) => {
      cb(0, false);
      return () => undefined;
    },
    overscan: 0,
  });
  v._willUpdate();
  return v;
}

function tanstackHeld(count: number): number {
  const before = held();
  const v = tanstack(count);
  if (v.getVirtualItems().length === 0) throw new Error('no rows on screen');
  const after = held();
  if (v.getTotalSize() !== count * rowHeight) throw new Error('unexpected total size');
  return after - before;
}

function ownHeld(count: number): number {
  const before = held();
  // All the grid keeps of a result's size is its count; the span is arithmetic on it.
  const span = visibleRows(0, viewport.height, count);
  const height = scrollHeight(count);
  const after = held();
  if (span.end - span.first <= 0 || height <= 0) throw new Error('no rows on screen');
  return after - before;
}

/** A streaming result: the count grows to 1,000,000 in ten steps, each followed by a render's question. */
function growthMs(render: (count: number) => number): number {
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let shown = 0;
    for (let count = 100_000; count <= 1_000_000; count += 100_000) shown += render(count);
    samples.push(performance.now() - start);
    if (shown === 0) throw new Error('nothing shown');
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}

function main(): void {
  bench('virtualizer_tanstack_held_mb_10k', tanstackHeld(10_000), 'MB');
  bench('virtualizer_tanstack_held_mb_1m', tanstackHeld(1_000_000), 'MB');
  bench('virtualizer_own_held_mb_1m', ownHeld(1_000_000), 'MB');

  const v = tanstack(1000);
  bench(
    'virtualizer_tanstack_stream_to_1m_ms',
    growthMs((count) => {
      v.setOptions({ ...v.options, count });
      return v.getVirtualItems().length;
    }),
    'ms',
  );
  bench(
    'virtualizer_own_stream_to_1m_ms',
    growthMs((count) => {
      const span = visibleRows(0, viewport.height, count);
      return span.end - span.first;
    }),
    'ms',
  );
}

main();
