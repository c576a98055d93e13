import type { CellValue, ColumnInfo } from '../../api/types';
import type { FilesResponse } from '../../api/storageTypes';
import { ConnectionError, errorMessage } from '../../errors';
import type { RowSink } from '../types';
import { CappedSink } from '../sql/streaming';
import { widen, widenValue } from './hive';
import { deltaLiveFiles, tableFormatOf, unreadableTable } from './tableFormats';

/** What a folder preview needs of the connector: listing, and one part's columns and rows. */
export interface FolderSource {
  list(prefix: string, pageToken?: string): Promise<FilesResponse>;
  /** A part's own columns (partition folders below the previewed folder included) and whether it is text. */
  columns(
    key: string,
    size: number,
  ): Promise<{ columns: ColumnInfo[]; text: boolean; read: (sink: CappedSink) => Promise<void> }>;
  /** A small object's text (a table format's log). */
  text(key: string): Promise<string>;
}

/** The most unreadable part files a folder preview skips before it stops trying. */
export const maxSkippedParts = 20;

/** A part file of a folder: not hidden (`_SUCCESS`, `_delta_log/`, `.crc` files), not empty. */
export function isPartFile(key: string, prefix: string, size: number): boolean {
  return (
    size > 0 &&
    !key.endsWith('/') &&
    key
      .slice(prefix.length)
      .split('/')
      .every((p) => !p.startsWith('_') && !p.startsWith('.'))
  );
}

interface ReadPart {
  key: string;
  columns: ColumnInfo[];
  rows: CellValue[][];
}

/**
 * A folder of part files (Spark's, Hive's, DuckDB's output; Parquet, CSV and JSON Lines) as one table:
 * parts in key order until the cap, their columns unified by name (a column a part lacks is NULL there;
 * integers and decimals widened as pyarrow and DuckDB widen them), partition folders as columns. A part
 * that cannot be read, or whose column cannot be unified, is skipped with a note naming it; the preview
 * goes on. A Delta Lake table is its live files only (tableFormats). Returns the notes.
 */
export async function previewFolder(
  source: FolderSource,
  prefix: string,
  where: string,
  capped: CappedSink,
  maxParts: number,
): Promise<string[]> {
  const listed: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await source.list(prefix, token);
    listed.push(...page.objects.map((o) => ({ key: o.key, size: o.size })));
    token = page.nextPageToken;
  } while (token && listed.length < maxParts);
  let keys = listed.filter((o) => isPartFile(o.key, prefix, o.size));
  // A table format's folder holds old versions' files too: only its live files are the table.
  const relative = listed.map((o) => o.key.slice(prefix.length));
  const format = tableFormatOf(relative);
  if (format === 'iceberg' || format === 'hudi') throw unreadableTable(format, where);
  if (format === 'delta') {
    const live = await deltaLiveFiles(relative, (k) => source.text(prefix + k), where);
    keys = keys.filter((o) => live.has(o.key.slice(prefix.length)));
  }
  if (keys.length === 0) throw new ConnectionError('unsupported', `${where}: no files in this folder to preview.`);
  const notes: string[] = [];
  const failures: ConnectionError[] = [];
  const merged: ColumnInfo[] = [];
  let anyText = false;
  const parts: ReadPart[] = [];
  let collected = 0;
  for (const { key, size } of keys.slice(0, maxParts)) {
    if (collected >= capped.remaining) break;
    if (failures.length >= maxSkippedParts) {
      notes.push(
        `Stopped after ${maxSkippedParts} part files that could not be read; ${keys.length - parts.length - failures.length} were not tried.`,
      );
      break;
    }
    const partWhere = `s3://${where.slice(5).split('/')[0]}/${key}`;
    try {
      const part = await source.columns(key, size);
      // Unify before reading: a part whose column cannot join the others is skipped, not half-shown.
      const next = merged.map((c) => ({ ...c }));
      for (const column of part.columns) {
        const at = next.findIndex((c) => c.name === column.name);
        if (at < 0) {
          next.push({ ...column, nullable: parts.length > 0 || column.nullable });
          continue;
        }
        const type = widen(next[at].type, column.type, anyText || part.text);
        if (!type)
          throw new ConnectionError(
            'unsupported',
            `${partWhere}: column ${column.name} is ${column.type} here but ${next[at].type} in the parts before it`,
          );
        next[at] = { ...next[at], type, nullable: next[at].nullable || column.nullable };
      }
      const rows: CellValue[][] = [];
      const collector: RowSink = {
        start: () => undefined,
        rows: (batch) => void rows.push(...batch),
      };
      await part.read(new CappedSink(collector, capped.remaining - collected, false));
      for (const c of next) if (!part.columns.some((p) => p.name === c.name)) c.nullable = true;
      merged.splice(0, merged.length, ...next);
      anyText ||= part.text;
      parts.push({ key, columns: part.columns, rows });
      collected += rows.length;
    } catch (error) {
      const failure = ConnectionError.is(error)
        ? error
        : new ConnectionError('unsupported', `${partWhere}: ${errorMessage(error)}`);
      failures.push(failure);
      notes.push(`Skipped ${failure.message.replace(/\.$/, '')}.`);
    }
  }
  if (parts.length === 0)
    throw failures[0] ?? new ConnectionError('unsupported', `${where}: no part file could be read.`);
  // The files' columns first, in the order they appear, then the partition folders'.
  const isPartition = (c: ColumnInfo): boolean => c.type.endsWith(' (partition)');
  merged.splice(0, merged.length, ...merged.filter((c) => !isPartition(c)), ...merged.filter(isPartition));
  capped.start(
    merged.map((c) => c.name),
    merged.map((c) => c.type),
  );
  for (const part of parts) {
    if (capped.remaining <= 0) break;
    const at = merged.map((c) => part.columns.findIndex((p) => p.name === c.name));
    await capped.rows(
      part.rows.map((row) =>
        at.map((i, m) => (i < 0 ? null : widenValue(row[i] ?? null, part.columns[i].type, merged[m].type))),
      ),
    );
  }
  return notes;
}
