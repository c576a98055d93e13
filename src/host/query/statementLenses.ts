import * as vscode from 'vscode';
import { inertInLabel } from '../ui/untrusted';
import { isSqlDocument } from './bindings';
import { statementsOf, type QueryDeps as Deps } from './queryDeps';
import { classifyStatement } from '../../core/sql/readOnly';

/** A "Run" lens above each statement of a SQL file. */
export class StatementLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly deps: Deps) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.deps.codeLensEnabled() || !isSqlDocument(this.deps.registry, doc)) return [];
    const binding = this.deps.bindings.get(doc.uri);
    await this.deps.connections.ready;
    const connection = binding ? this.deps.connections.get(binding.connectionId) : undefined;
    if (token.isCancellationRequested) return [];
    const statements = statementsOf(doc, this.deps.registry.dialect(connection?.type ?? ''));
    const dialect = this.deps.registry.dialect(connection?.type ?? '');
    return statements.map((s) => {
      // Above the statement's code (its leading comments run with it); the command finds the statement by that offset.
      const at = doc.positionAt(s.codeStart);
      // No Run above a statement the guard refuses: the lens says why instead, and does nothing.
      const verdict = classifyStatement(s.text, dialect);
      if (!verdict.readOnly) {
        const reason = verdict.reason ?? 'This statement can change data; test queries only read.';
        return new vscode.CodeLens(new vscode.Range(at, at), {
          title: `$(shield) Not run: ${inertInLabel(verdict.keyword || 'this statement')} is refused (read-only)`,
          tooltip: reason,
          command: '',
        });
      }
      return new vscode.CodeLens(new vscode.Range(at, at), {
        title: connection ? `$(play) Run on ${inertInLabel(connection.name)}` : '$(play) Run',
        tooltip: 'Run this statement as a read-only test query',
        command: 'planasonix.query.runSelection',
        arguments: [doc.uri, s.codeStart],
      });
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
