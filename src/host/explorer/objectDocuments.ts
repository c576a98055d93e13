import * as vscode from 'vscode';
import type { ConnectionBrowser } from '../../core/api/types';
import { ConnectionError } from '../../core/errors';
import type { ObjectNode } from '../../core/explorer/nodes';

/** Files of object storage open read-only under this scheme; the tab shows the key's file name. */
export const objectScheme = 'planasonix-object';
/** The largest file opened in an editor; larger ones are previewed instead. */
export const maxOpenBytes = 1024 * 1024;

/**
 * Small text files of object storage in a read-only editor (language from the file name). The bytes are
 * read once when the command opens the file and kept while the document is open.
 */
export class ObjectDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  constructor(private readonly api: Pick<ConnectionBrowser, 'readObject'>) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  async open(node: ObjectNode): Promise<void> {
    const bucket = node.path.find((s) => s.level === 'bucket')?.name;
    if (node.size > maxOpenBytes) {
      throw new ConnectionError(
        'unsupported',
        `"${node.name}" is ${(node.size / 1024 / 1024).toFixed(1)} MB; files up to 1 MB open in an editor. Preview it instead.`,
      );
    }
    if (!this.api.readObject)
      throw new ConnectionError('unsupported', 'Files of this connection cannot be opened here; preview them instead.');
    const { bytes, size } = await this.api.readObject(node.connection.id, {
      path: node.name,
      size: node.size,
      maxBytes: maxOpenBytes,
      ...(bucket !== undefined ? { bucket } : {}),
    });
    if (size > maxOpenBytes)
      throw new ConnectionError('unsupported', `"${node.name}" has grown past 1 MB; preview it instead.`);
    let text: string;
    try {
      if (bytes.subarray(0, 8000).includes(0)) throw new Error('binary');
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ConnectionError(
        'unsupported',
        `"${node.name}" is not a UTF-8 text file; preview it if it is Parquet, CSV or JSON Lines.`,
      );
    }
    const uri = vscode.Uri.from({
      scheme: objectScheme,
      path: `/${bucket ?? ''}/${node.name}`,
      query: new URLSearchParams({ connection: node.connection.id }).toString(),
    });
    this.texts.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
