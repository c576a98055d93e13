/**
 * The server-side layer of MySQL/MariaDB's read-only guard. A read-only transaction does not stop a
 * stored or loadable function from changing a global variable or taking a lock, nor a view from
 * calling GET_LOCK(). Before a statement runs, the server is asked which of the names it calls are
 * stored or loadable functions (refused), and which of the names it reads are views, whose
 * definitions go through the same checks (to a few levels of views on views).
 */
import { functionCalls } from '../../sql/functionCalls';
import { codeTokens, type LexMode } from '../../sql/lexer';
import { classifyStatement, sideEffectCall } from '../../sql/readOnly';
import { mysqlDialect } from './dialect';
import { asText } from '../../../shared/asText';

export type Lookup = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const maxViewDepth = 4;

/** Names the statement may read from, as MySQL resolves them: `name` in the current database, or `schema.name`. */
function namesRead(sql: string, mode?: LexMode): { local: string[]; qualified: string[] } {
  const tokens = codeTokens(sql, mysqlDialect, mode);
  const text = (i: number): string => {
    const t = tokens[i];
    const raw = sql.slice(t.start, t.end);
    if (t.kind !== 'identifier') return raw;
    const q = raw[0];
    return raw
      .slice(1, -1)
      .split(q + q)
      .join(q);
  };
  const isName = (i: number): boolean => tokens[i]?.kind === 'word' || tokens[i]?.kind === 'identifier';
  const isDot = (i: number): boolean => tokens[i]?.kind === 'symbol' && sql[tokens[i].start] === '.';
  const local = new Set<string>();
  const qualified = new Set<string>();
  tokens.forEach((_, i) => {
    if (!isName(i)) return;
    if (isDot(i - 1) && isName(i - 2)) qualified.add(`${text(i - 2)}.${text(i)}`);
    else local.add(text(i));
  });
  return { local: [...local].slice(0, 500), qualified: [...qualified].slice(0, 500) };
}

/** Functions of the sys schema that MySQL and MariaDB ship: formatting and lookups, read-only. */
const vettedSchemas = new Set(['sys']);

/** Why the statement is refused, or undefined when it may run. */
export async function mysqlRefusal(
  sql: string,
  lookup: Lookup,
  mode?: LexMode,
  depth = 0,
  via = '',
): Promise<string | undefined> {
  // A view's definition is stored as the server prints it (backquotes, escapes), whatever the session's mode.
  const lexMode = depth === 0 ? mode : undefined;
  if (depth === 0) {
    const verdict = classifyStatement(sql, mysqlDialect, lexMode);
    if (!verdict.readOnly) return verdict.reason;
  }
  const known = sideEffectCall(sql, mysqlDialect, lexMode);
  if (known)
    return `This query${via} calls ${known.text}(), which acts outside the transaction; test queries only read.`;
  const calls = [...new Set(functionCalls(sql, mysqlDialect, lexMode).map((c) => c.name))];
  if (calls.length > 0) {
    const stored = await lookup(
      `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_NAME IN (?)`,
      [calls],
    );
    // Loadable functions (CREATE FUNCTION ... SONAME) run native code; mysql.func may be unreadable.
    const loadable = await lookup('SELECT name AS n FROM mysql.func WHERE name IN (?)', [calls]).catch(() => []);
    const hit = stored.find((r) => !vettedSchemas.has(String(r.s).toLowerCase())) ?? loadable[0];
    if (hit) {
      const name = hit.s ? `${asText(hit.s)}.${asText(hit.n)}` : asText(hit.n);
      return (
        `This query${via} calls ${name}(), a stored or loadable function: it can change global variables or take ` +
        'locks, which no read-only transaction stops, so test queries do not run it.'
      );
    }
  }
  if (depth >= maxViewDepth) return undefined;
  const { local, qualified } = namesRead(sql, lexMode);
  if (local.length + qualified.length === 0) return undefined;
  const views = await lookup(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d FROM information_schema.VIEWS
      WHERE (TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)) OR CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) IN (?)`,
    [local.length ? local : [''], qualified.length ? qualified : ['']],
  );
  for (const view of views) {
    if (typeof view.d !== 'string' || view.d === '') continue;
    const reason = await mysqlRefusal(
      view.d,
      lookup,
      undefined,
      depth + 1,
      ` (through view ${String(view.s)}.${String(view.n)})`,
    );
    if (reason) return reason;
  }
  return undefined;
}

/**
 * The second, server-enforced layer: the statement, as a derived table, must be accepted by the
 * server's own grammar, which refuses INTO OUTFILE/DUMPFILE, INTO @variable, SET, CALL and every
 * other statement that is not a query there, however the text hides them from our lexer. Returns the
 * text to prepare (never run), or undefined for statements that cannot be wrapped and cannot write
 * (SHOW, HELP, DESCRIBE of a table, EXPLAIN without ANALYZE).
 */
export function grammarProbe(sql: string, mode?: LexMode): string | undefined {
  const tokens = codeTokens(sql, mysqlDialect, mode);
  const word = (i: number): string =>
    tokens[i]?.kind === 'word' ? sql.slice(tokens[i].start, tokens[i].end).toUpperCase() : '';
  const isQueryStart = (i: number): boolean =>
    ['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(word(i)) || sql[tokens[i]?.start ?? -1] === '(';
  let from = 0;
  if (['SHOW', 'HELP'].includes(word(0))) return undefined;
  if (['EXPLAIN', 'DESCRIBE', 'DESC'].includes(word(0))) {
    // EXPLAIN ANALYZE (MySQL 8) runs its statement: that statement is what must be a query.
    if (word(1) !== 'ANALYZE') return undefined;
    from = tokens.findIndex((_, i) => i > 1 && isQueryStart(i));
    if (from < 0) return undefined;
  }
  if (!tokens[from]) return undefined;
  const body = sql.slice(tokens[from].start).replace(/[\s;]+$/, '');
  // The newline ends a trailing -- or # comment before our closing parenthesis.
  return `SELECT 1 FROM (${body}\n) AS planasonix_probe`;
}

/** MySQL/MariaDB error numbers that mean the grammar did not accept the text. */
export const parseErrors: ReadonlySet<number> = new Set([1064, 1221, 1149]);

/**
 * Why the server's grammar refuses the statement as a query, or undefined. `parses` prepares a text
 * (never runs it) and says whether the server's parser accepted it. A statement that does not parse
 * on its own is let through, to fail with the server's own message and position.
 */
export async function grammarRefusal(
  parses: (text: string) => Promise<boolean>,
  sql: string,
  mode?: LexMode,
): Promise<string | undefined> {
  const probe = grammarProbe(sql, mode);
  if (!probe || (await parses(probe)) || !(await parses(sql))) return undefined;
  return (
    'the server does not accept this statement as a pure query (inside a subquery): it writes a file or a ' +
    'variable (INTO), or is not a query at all (SET, CALL, DO…). Test queries only read.'
  );
}
