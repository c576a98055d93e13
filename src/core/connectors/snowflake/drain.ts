import type snowflake from 'snowflake-sdk';
import { batchRows, type CappedSink } from '../sql/streaming';

/** Closes a login nobody waits for any more, once it ends. */
export function abandon(pending: Promise<snowflake.Connection>): void {
  pending.then(
    (conn) => conn.isUp() && conn.destroy(() => undefined),
    () => undefined,
  );
}

/**
 * Reads a row stream into the capped sink in batches: paused while the sink is busy (the grid's
 * back-pressure), stopped once the cap is passed. Events rather than async iteration, which cost more
 * per row in the preview benchmark.
 */
export function drain(
  rows: NodeJS.ReadableStream & { destroy(): void },
  capped: CappedSink,
  cancelled: () => boolean,
  check: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let batch: unknown[][] = [];
    let busy = Promise.resolve();
    let done = false;
    const settle = (): boolean => {
      if (done) return false;
      done = true;
      rows.removeAllListeners('data');
      return true;
    };
    /** The rows are all in (or the cap or a cancel ended them). */
    const finish = (): void => void (settle() && resolve());
    /** What went wrong, as the driver or the sink gave it. */
    const fail = (error: unknown): void => void (settle() && reject(error));
    const flush = (): void => {
      const full = batch;
      batch = [];
      rows.pause();
      busy = busy
        .then(() => check())
        .then(() => capped.rows(full))
        .then(() => {
          // Chunks already answered keep coming after a cancel: stop reading them.
          if (capped.remaining <= 0 || cancelled()) finish();
          else rows.resume();
        }, fail);
    };
    rows.on('data', (row: unknown[]) => {
      batch.push(row);
      if (batch.length >= batchRows) flush();
    });
    rows.on('error', fail);
    rows.on('end', () => {
      busy = busy.then(() => capped.rows(batch)).then(finish, fail);
    });
  });
}
