import { codeTokens, type LexMode, type SqlDialect, type Token } from './lexer';

/** A call-shaped name in SQL text: `name(`, `schema.name (`, `"Name"(`, with comments or space before `(`. */
export interface FunctionCall {
  /** As the server resolves it: folded as its dialect's functionNames say. */
  name: string;
  schema?: string;
  /** The spelling in the text, for messages. */
  text: string;
}

const unquote = (raw: string): string => {
  const q = raw[0];
  const close = q === '[' ? ']' : q;
  const inner = raw.endsWith(close) && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  return inner.split(close + close).join(close);
};

/** The name a word or quoted identifier token stands for, folded the way the dialect folds it. */
export function nameOf(sql: string, t: Token, dialect: SqlDialect): string {
  const raw = sql.slice(t.start, t.end);
  if (t.kind === 'identifier') {
    let name = unquote(raw);
    // PostgreSQL's U&"\0070g_..." spells characters by code point.
    if (dialect.lexer.escapeStringPrefix && /^u&$/i.test(sql.slice(t.start - 2, t.start)))
      name = decodeUnicodeEscapes(name);
    // MySQL, SQLite and Spark resolve function names without regard to case, quoted or not.
    return dialect.functionNames.quoted === 'exact' ? name : name.toLowerCase();
  }
  return dialect.functionNames.unquoted === 'upper' ? raw.toUpperCase() : raw.toLowerCase();
}

function decodeUnicodeEscapes(text: string): string {
  return text.replace(/\\(\\|\+[0-9A-Fa-f]{6}|[0-9A-Fa-f]{4})/g, (_, code: string) =>
    code === '\\' ? '\\' : String.fromCodePoint(parseInt(code.replace('+', ''), 16)),
  );
}

const isName = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'word' || t.kind === 'identifier');

/**
 * Every call-shaped name in the text, wherever it stands (select list, CTE, VALUES, FROM, WHERE,
 * under EXPLAIN), however it is spelled (quoted, qualified, with comments before the parenthesis).
 * Over-inclusive on purpose: keywords followed by `(` (IN, VALUES, EXISTS...) come back too, and the
 * caller looks the names up.
 */
export function functionCalls(sql: string, dialect: SqlDialect, mode?: LexMode): FunctionCall[] {
  const tokens = codeTokens(sql, dialect, mode);
  const calls: FunctionCall[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (!isName(t)) continue;
    const open = tokens[i + 1];
    if (open.kind !== 'symbol' || sql[open.start] !== '(') continue;
    const call: FunctionCall = { name: nameOf(sql, t, dialect), text: sql.slice(t.start, t.end) };
    const dot = tokens[i - 1];
    const owner = tokens[i - 2];
    if (dot && dot.kind === 'symbol' && sql[dot.start] === '.' && isName(owner)) {
      call.schema = nameOf(sql, owner, dialect);
      call.text = `${sql.slice(owner.start, owner.end)}.${call.text}`;
    }
    calls.push(call);
  }
  return calls;
}
