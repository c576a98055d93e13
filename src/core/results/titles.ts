import type { ResultSource } from '../../shared/protocol/results';

/** A results panel's title: a preview by its table and connection, a query by its first line of code. */
export function titleOf(source: ResultSource): string {
  if (source.kind === 'preview') return `${source.table} · ${source.connectionName}`;
  // Titled by the SQL that ran, not by the comments that lead it.
  const code = (source.sql ?? '').replace(/^(\s+|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)*/, '');
  const first = code.trim().split('\n')[0] ?? '';
  return `Result: ${first.length > 30 ? `${first.slice(0, 30)}…` : first}`;
}
