import type { ResultProgress } from '../../shared/protocol/results';
import { groupDigits as fmt } from './gridModel';
import { count } from '../../shared/counts';

/** The status line for a run: rows, limit and truncation, time, or how it ended. */
export function statusText(p: ResultProgress | undefined, limit: number): string {
  if (!p) return 'Starting…';
  const rows = count(p.rowCount, 'row');
  switch (p.phase) {
    case 'idle':
      return 'Not run since the window reloaded; Refresh runs it again';
    case 'running':
      return `Running… ${rows} so far`;
    case 'failed':
      // A statement the read-only guard refused never ran: it did not fail after anything.
      return p.error?.code === 'read_only' && p.rowCount === 0 ? 'Refused: nothing ran' : `Failed after ${rows}`;
    case 'cancelled':
      return `Cancelled after ${rows}`;
    case 'done': {
      const parts = [rows, p.truncated ? `truncated at the limit of ${fmt(limit)}` : `limit ${fmt(limit)}`];
      if (p.executionMs !== undefined) parts.push(`${fmt(p.executionMs)} ms`);
      if (p.rowsScanned !== undefined) parts.push(`${count(p.rowsScanned, 'row')} scanned`);
      if (p.notes?.length)
        parts.push(`${count(p.notes.length, 'file')} skipped (${p.notes[0]}${p.notes.length > 1 ? ' …' : ''})`);
      return parts.join(' · ');
    }
  }
}
