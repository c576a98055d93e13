import type { SqlDialect } from '../sql/dialect';
import { codeTokens, type Token } from '../sql/lexer';

/** A table a statement reads, as written: its name, the schema it names (if any), and its alias. */
export interface TableRef {
  table: string;
  schema?: string;
  alias?: string;
}

/** Words that end a table reference: what may follow a table (and its alias) in FROM or JOIN. */
const after = new Set(
  'WHERE JOIN ON USING LEFT RIGHT INNER OUTER FULL CROSS NATURAL GROUP ORDER LIMIT HAVING UNION EXCEPT INTERSECT WINDOW OFFSET FETCH FOR SET VALUES LATERAL TABLESAMPLE QUALIFY WITH STRAIGHT_JOIN PARTITION AS SELECT'.split(
    ' ',
  ),
);

const unquote = (raw: string): string => {
  const q = raw[0];
  if (q !== '"' && q !== '`' && q !== '[') return raw;
  const close = q === '[' ? ']' : q;
  return raw
    .slice(1, raw.endsWith(close) && raw.length > 1 ? -1 : undefined)
    .split(close + close)
    .join(close);
};

/**
 * The tables a statement reads from (FROM lists and JOINs, schema-qualified or not, with their aliases)
 * and the names its WITH clause defines: what completion needs to offer `o.` the columns of `orders o`.
 * Read with the dialect's own lexer, so names in strings and comments are not tables.
 */
export function tableRefs(sql: string, dialect: SqlDialect): { tables: TableRef[]; ctes: string[] } {
  const tokens = codeTokens(sql, dialect);
  const text = (t: Token | undefined): string => (t ? sql.slice(t.start, t.end) : '');
  const upper = (t: Token | undefined): string => (t?.kind === 'word' ? text(t).toUpperCase() : '');
  const isName = (t: Token | undefined): t is Token =>
    t !== undefined && (t.kind === 'identifier' || (t.kind === 'word' && !after.has(upper(t))));
  const symbol = (t: Token | undefined, s: string): boolean => t?.kind === 'symbol' && text(t) === s;
  const tables: TableRef[] = [];
  const ctes: string[] = [];
  /** Past a parenthesised part (a subquery, a column list): the index after its closing parenthesis. */
  const skipParens = (i: number): number => {
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (symbol(tokens[i], '(')) depth++;
      else if (symbol(tokens[i], ')') && --depth === 0) return i + 1;
    }
    return i;
  };
  for (let i = 0; i < tokens.length; i++) {
    const word = upper(tokens[i]);
    if (word === 'WITH' || (word === 'RECURSIVE' && upper(tokens[i - 1]) === 'WITH') || symbol(tokens[i], ',')) {
      // name AS ( ... ) after WITH, or after the comma that ends the previous one.
      const j = upper(tokens[i + 1]) === 'RECURSIVE' ? i + 2 : i + 1;
      if (isName(tokens[j]) && upper(tokens[j + 1]) === 'AS' && symbol(tokens[j + 2], '('))
        ctes.push(unquote(text(tokens[j])));
      continue;
    }
    if (word !== 'FROM' && word !== 'JOIN') continue;
    let j = i + 1;
    for (;;) {
      if (symbol(tokens[j], '(')) {
        // A derived table: its alias names no table of the schema.
        j = skipParens(j);
        if (upper(tokens[j]) === 'AS') j++;
        if (isName(tokens[j])) j++;
      } else if (isName(tokens[j])) {
        const parts = [unquote(text(tokens[j]))];
        j++;
        while (symbol(tokens[j], '.') && isName(tokens[j + 1])) {
          parts.push(unquote(text(tokens[j + 1])));
          j += 2;
        }
        const ref: TableRef = { table: parts[parts.length - 1] };
        if (parts.length > 1) ref.schema = parts[parts.length - 2];
        if (upper(tokens[j]) === 'AS') j++;
        if (isName(tokens[j])) ref.alias = unquote(text(tokens[j++]));
        tables.push(ref);
      } else break;
      // A FROM list goes on after a comma; a JOIN names one table.
      if (word === 'FROM' && symbol(tokens[j], ',')) j++;
      else break;
    }
  }
  return { tables, ctes };
}
