import type { SqlDialect } from '../sql/lexer';
import { classifyStatement } from '../sql/readOnly';
import { splitStatements, statementAt, type StatementRange } from '../sql/statements';
import { count } from '../../shared/counts';

export type Prepared =
  | { ok: true; sql: string; start: number; end: number }
  | { ok: false; reason: string; sql?: string; start?: number; end?: number };

/**
 * What "Run Selection as Test Query" runs: the selection (one statement), or with no selection the
 * statement under the cursor. Refuses, before anything reaches a server, a selection of several
 * statements and any statement that is not read-only (a courtesy: the server-side read-only session
 * is the guarantee).
 */
export function prepareStatement(
  text: string,
  selection: { start: number; end: number },
  dialect: SqlDialect,
  statements?: readonly StatementRange[],
): Prepared {
  let found: { sql: string; start: number; end: number } | undefined;
  if (selection.end > selection.start) {
    const selected = text.slice(selection.start, selection.end);
    const parts = splitStatements(selected, dialect);
    if (parts.length === 0) return { ok: false, reason: 'The selection holds no SQL statement.' };
    if (parts.length > 1) {
      return {
        ok: false,
        reason: `The selection holds ${count(parts.length, 'statement')}; select one, or put the cursor in it.`,
      };
    }
    found = { sql: parts[0].text, start: selection.start + parts[0].start, end: selection.start + parts[0].end };
  } else {
    const at = statementAt(text, selection.start, dialect, statements);
    if (!at) return { ok: false, reason: 'There is no SQL statement at the cursor.' };
    found = { sql: at.text, start: at.start, end: at.end };
  }
  const verdict = classifyStatement(found.sql, dialect);
  if (!verdict.readOnly)
    return { ok: false, reason: `Refused: ${verdict.reason ?? 'this statement can change data.'}`, ...found };
  return { ok: true, ...found };
}
