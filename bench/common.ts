/** What every benchmark group shares: the output line, the median, and paired timing. */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection before each timed call, so one side does not pay for the other's garbage. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export function bench(name: string, value: number, unit: string): void {
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times two functions back to back, alternating which goes first. Returns each side's median and the
 * median of the per-round ratios a/b: a pair shares the machine's state of the moment, so the paired
 * ratio is far steadier on a busy 2-core box than a ratio of two separate medians.
 */
export async function sideBySide(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number; b: number; ratio: number }> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [fn, into] of (i % 2
      ? [
          [b, tb],
          [a, ta],
        ]
      : [
          [a, ta],
          [b, tb],
        ]) as [() => Promise<unknown>, number[]][]) {
      collectGarbage();
      const start = performance.now();
      await fn();
      into.push(performance.now() - start);
    }
  }
  return { a: median(ta), b: median(tb), ratio: median(ta.map((x, i) => x / tb[i])) };
}
