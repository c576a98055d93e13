import * as vscode from 'vscode';
import type { ConnectionsApi } from '../../core/api/types';
import { displayQualifiedName } from '../../core/connectors/sql/dialects';
import { errorMessage } from '../../core/errors';
import { formatTextTable } from '../../core/preview/textTable';

export const previewScheme = 'planasonix-preview';

export interface PreviewTarget {
  connectionId: string;
  connectionType: string;
  catalog?: string;
  schema?: string;
  table: string;
  limit: number;
}

/**
 * A read-only text document showing the first rows of a table. It stands in until the data grid
 * lands; each open re-queries the server (the document content is not cached by us).
 */
export class PreviewDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly api: ConnectionsApi) {}

  static uriFor(target: PreviewTarget, connectionName: string): vscode.Uri {
    const title = `${connectionName} · ${displayQualifiedName(target.connectionType, target.schema, target.table)}`.replace(/[/\\]/g, '_');
    return vscode.Uri.from({ scheme: previewScheme, path: `/${title}.txt`, query: JSON.stringify(target) });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = JSON.parse(uri.query) as PreviewTarget;
    const controller = new AbortController();
    const listener = token.onCancellationRequested(() => controller.abort());
    const name = displayQualifiedName(target.connectionType, target.schema, target.table);
    try {
      const result = await this.api.preview(
        target.connectionId,
        { catalog: target.catalog, schema: target.schema, table: target.table, limit: target.limit },
        { signal: controller.signal },
      );
      const summary = result.truncated
        ? `first ${result.rows.length} rows (limit ${target.limit}; the table has more)`
        : `all ${result.rows.length} rows`;
      return `-- ${name}: ${summary}. Read-only preview; NULL is a null, '' an empty string.\n\n${formatTextTable(result.columns, result.columnTypes, result.rows)}\n`;
    } catch (error) {
      return `-- Could not preview ${name}: ${errorMessage(error)}\n`;
    } finally {
      listener.dispose();
    }
  }
}
