import type { CellValue } from '../../api/types';
import type { RowSink, StreamSummary } from '../types';
import { toCellsInPlace } from './rows';

/** Rows per batch handed to a sink (and fetched per round trip where the driver fetches in batches). */
export const batchRows = 1000;

/**
 * Wraps a sink for a stream fetched with a cap of limit + 1 rows: converts driver values to cells,
 * passes on at most `limit` rows, and notes the extra row as truncation.
 */
export class CappedSink {
  private passed = 0;
  private seenExtra = false;
  private started = false;

  /**
   * @param convert false when the driver's values are cells already (pg with this extension's type
   * parsers gives strings, numbers, booleans, null, Buffers, arrays and parsed JSON only).
   */
  constructor(
    private readonly sink: RowSink,
    private readonly limit: number,
    private readonly convert = true,
  ) {}

  get truncated(): boolean {
    return this.seenExtra;
  }

  get rowsReturned(): number {
    return this.passed;
  }

  /** Rows the driver should still fetch: the rest of limit + 1. */
  get remaining(): number {
    return this.seenExtra ? 0 : this.limit + 1 - this.passed;
  }

  start(columns: string[], columnTypes: string[]): void {
    if (this.started) return;
    this.started = true;
    this.sink.start(columns, columnTypes);
  }

  async rows(batch: readonly unknown[][]): Promise<void> {
    if (batch.length === 0 || this.seenExtra) return;
    // A driver may hand over a status object (MySQL's OK packet for a statement without a result set).
    if (!batch.every((r) => Array.isArray(r))) batch = batch.filter((r) => Array.isArray(r));
    const room = this.limit - this.passed;
    if (batch.length > room) this.seenExtra = true;
    const kept = batch.length > room ? batch.slice(0, room) : batch;
    if (kept.length === 0) return;
    this.passed += kept.length;
    await this.sink.rows(this.convert ? kept.map(toCellsInPlace) : (kept as CellValue[][]));
  }

  summary(executionMs: number): StreamSummary {
    return { executionMs, rowsReturned: this.passed, truncated: this.seenExtra };
  }
}
