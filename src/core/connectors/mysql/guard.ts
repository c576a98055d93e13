/**
 * The server-side layer of MySQL/MariaDB's read-only guard. A read-only transaction does not stop a
 * stored or loadable function from changing a global variable or taking a lock, nor a view from
 * calling GET_LOCK(). Before a statement runs, the server is asked which of the names it calls are
 * stored or loadable functions (refused), and which of the names it reads are views, whose
 * definitions go through the same checks (to a few levels of views on views).
 */
import { functionCalls } from '../../sql/functionCalls';
import { tokenize } from '../../sql/lexer';
import { classifyStatement, sideEffectCall } from '../../sql/readOnly';

export type Lookup = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const maxViewDepth = 4;

/** Names the statement may read from, as MySQL resolves them: `name` in the current database, or `schema.name`. */
function namesRead(sql: string): { local: string[]; qualified: string[] } {
  const tokens = tokenize(sql, 'mysql').filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const text = (i: number): string => {
    const t = tokens[i]!;
    const raw = sql.slice(t.start, t.end);
    return t.kind === 'identifier' ? raw.slice(1, -1).split('``').join('`') : raw;
  };
  const isName = (i: number): boolean => tokens[i]?.kind === 'word' || tokens[i]?.kind === 'identifier';
  const isDot = (i: number): boolean => tokens[i]?.kind === 'symbol' && sql[tokens[i]!.start] === '.';
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
export async function mysqlRefusal(sql: string, lookup: Lookup, depth = 0, via = ''): Promise<string | undefined> {
  if (depth === 0) {
    const verdict = classifyStatement(sql, 'mysql');
    if (!verdict.readOnly) return verdict.reason;
  }
  const known = sideEffectCall(sql, 'mysql');
  if (known) return `This query${via} calls ${known.text}(), which acts outside the transaction; test queries only read.`;
  const calls = [...new Set(functionCalls(sql, 'mysql').map((c) => c.name))];
  if (calls.length > 0) {
    const stored = await lookup(
      `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_NAME IN (?)`,
      [calls],
    );
    // Loadable functions (CREATE FUNCTION ... SONAME) run native code; mysql.func may be unreadable.
    const loadable = await lookup('SELECT name AS n FROM mysql.func WHERE name IN (?)', [calls]).catch(() => []);
    const hit = stored.find((r) => !vettedSchemas.has(String(r.s).toLowerCase())) ?? loadable[0];
    if (hit) {
      const name = hit.s ? `${String(hit.s)}.${String(hit.n)}` : String(hit.n);
      return (
        `This query${via} calls ${name}(), a stored or loadable function: it can change global variables or take ` +
        'locks, which no read-only transaction stops, so test queries do not run it.'
      );
    }
  }
  if (depth >= maxViewDepth) return undefined;
  const { local, qualified } = namesRead(sql);
  if (local.length + qualified.length === 0) return undefined;
  const views = await lookup(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d FROM information_schema.VIEWS
      WHERE (TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)) OR CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) IN (?)`,
    [local.length ? local : [''], qualified.length ? qualified : ['']],
  );
  for (const view of views) {
    if (typeof view.d !== 'string' || view.d === '') continue;
    const reason = await mysqlRefusal(view.d, lookup, depth + 1, ` (through view ${String(view.s)}.${String(view.n)})`);
    if (reason) return reason;
  }
  return undefined;
}
