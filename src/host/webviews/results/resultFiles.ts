import * as os from 'node:os';
import * as vscode from 'vscode';
import type { CellValue } from '../../../core/api/types';
import { ConnectionError } from '../../../core/errors';
import { cellText, columnKind, toTsv } from '../../../core/results/cells';
import type { ExportFormat } from '../../../core/results/export';
import { indentJson, isJsonText } from '../../../core/results/jsonText';
import type { ResultSet } from '../../../core/results/resultSet';
import { msg, notify, withNotificationProgress } from '../../ui/untrusted';
import { count } from '../../../shared/counts';

/** What leaves a results panel: an export to a file, cells copied, one value opened in an editor. */

/**
 * Writes the whole result (up to the limit) to a file the user picks (or `target`), with progress;
 * waits for a running query to finish first. The number of rows written, or undefined if no file was picked.
 */
export async function exportToFile(
  result: ResultSet,
  format: ExportFormat,
  base: string,
  target: vscode.Uri | undefined,
  finished: () => Promise<unknown>,
  escapeFormulas: boolean,
): Promise<number | undefined> {
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: `Export ${format.toUpperCase()}`,
      defaultUri: vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir()),
        `${base.replace(/[\\/:*?"<>|]/g, '_')}.${format}`,
      ),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    }));
  if (!uri) return undefined;
  if (uri.scheme !== 'file') throw new ConnectionError('unsupported', 'Results can be exported to local files only.');
  const rows = await withNotificationProgress(
    msg`Exporting to ${vscode.workspace.asRelativePath(uri)}`,
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      if (result.phase === 'running') {
        progress.report({ message: 'waiting for the query to finish…' });
        await finished();
      }
      let reported = 0;
      // The export and its CSV writer load on first use (dist/export.js): nothing of it at activation.
      const { exportResult } = await import('../../../core/results/export');
      return exportResult(
        result,
        format,
        uri.fsPath,
        (p) => {
          const pct = p.total === 0 ? 100 : (p.rows / p.total) * 100;
          progress.report({
            increment: pct - reported,
            message: `${p.rows.toLocaleString('en-US')} of ${count(p.total, 'row')}`,
          });
          reported = pct;
        },
        abort.signal,
        { escapeFormulas },
      );
    },
  );
  void notify
    .info(msg`Exported ${count(rows, 'row')} to ${vscode.workspace.asRelativePath(uri)}.`, {}, 'Open')
    .then((c) => {
      if (c) void vscode.commands.executeCommand('vscode.open', uri);
    });
  return rows;
}

/** Copies a range of cells as tab-separated text (with the column names when asked). */
export async function copyCells(
  result: ResultSet,
  range: { r0: number; r1: number; c0: number; c1: number },
  headers: boolean,
): Promise<void> {
  const rowCount = range.r1 - range.r0 + 1;
  const rows = (await result.window(range.r0, rowCount)).map((r) => r.slice(range.c0, range.c1 + 1));
  const names = headers ? result.columns.slice(range.c0, range.c1 + 1) : undefined;
  await vscode.env.clipboard.writeText(toTsv(rows, names));
  vscode.window.setStatusBarMessage(
    `Copied ${count(rows.length, 'row')} × ${count(range.c1 - range.c0 + 1, 'column')}`,
    3000,
  );
}

/** One cell's whole value to open in an editor: JSON re-indented (as text), anything else as it is. */
export async function valueView(
  result: ResultSet,
  row: number,
  column: number,
): Promise<{ title: string; content: string; language: 'json' | 'plaintext' } | undefined> {
  const [cells] = await result.window(row, 1);
  const value: CellValue | undefined = cells?.[column];
  if (value === undefined) return undefined;
  // JSON is re-indented as text, never parsed: big numbers, 1.10 and duplicate keys stay as the server wrote them.
  const text = value === null ? 'NULL' : cellText(value);
  const isObject = value !== null && typeof value === 'object' && !(value instanceof Uint8Array);
  const structured =
    isObject ||
    (typeof value === 'string' &&
      columnKind(result.columnTypes[column] ?? '') === 'json' &&
      /^\s*[[{]/.test(value) &&
      isJsonText(value));
  const content = structured ? indentJson(text) : text;
  const name = result.columns[column] ?? 'value';
  return { title: `${name} (row ${row + 1})`, content, language: structured ? 'json' : 'plaintext' };
}
