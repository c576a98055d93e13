import * as vscode from 'vscode';

export const valueScheme = 'planasonix-value';
const kept = 20;

/**
 * Whole cell values shown on demand, as read-only documents: closing one never asks to save, and
 * only the last few values are held.
 */
export class ValueDocuments implements vscode.TextDocumentContentProvider {
  private readonly values = new Map<string, string>();
  private next = 1;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.values.get(uri.toString()) ?? 'This value is no longer held; show it again from the grid.';
  }

  async show(title: string, content: string, language: string): Promise<void> {
    const safe = title.replace(/[\\/:*?"<>|#%]/g, '_').slice(0, 80) || 'value';
    const uri = vscode.Uri.from({ scheme: valueScheme, path: `/${this.next++}/${safe}` });
    this.values.set(uri.toString(), content);
    while (this.values.size > kept) this.values.delete(this.values.keys().next().value!);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
