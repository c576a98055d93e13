import { mysqlSplitterOptions, postgreSplitterOptions, splitQuery, sqliteSplitterOptions, type SplitterOptions } from 'dbgate-query-splitter';
import { neutralize, type SqlDialect } from './lexer';

export interface StatementRange {
  /** Offsets in the original text of the statement without surrounding space or its semicolon. */
  start: number;
  end: number;
  text: string;
}

interface RichPart {
  trimStart: { position: number };
  trimEnd: { position: number };
}

const splitterOptions: Record<SqlDialect, SplitterOptions> = {
  postgres: postgreSplitterOptions,
  mysql: mysqlSplitterOptions,
  sqlite: sqliteSplitterOptions,
  // Snowflake: $$ bodies like PostgreSQL, and backslash escapes in strings.
  snowflake: { ...postgreSplitterOptions, stringEscapes: { ...postgreSplitterOptions.stringEscapes, "'": '\\' } },
  // Databricks (Spark SQL): backtick identifiers and backslash escapes, like MySQL, but no DELIMITER command.
  databricks: { ...mysqlSplitterOptions, allowCustomDelimiter: false },
};

/**
 * The statements of a SQL text, split by dbgate-query-splitter (statement ends, DELIMITER, blocks).
 * It splits a neutralized copy: our lexer knows each dialect's strings, identifiers and comments
 * (E'…', nested comments, #, [names]) better than the splitter does. Comment-only parts are dropped.
 */
export function splitStatements(sql: string, dialect: SqlDialect): StatementRange[] {
  const text = neutralize(sql, dialect);
  const parts = splitQuery(text, { ...splitterOptions[dialect], returnRichInfo: true }) as unknown as RichPart[];
  const out: StatementRange[] = [];
  for (const part of parts) {
    // Leading comments belong to no statement; in the neutralized text they are blanks, so the
    // statement starts at the first character that is not white space.
    let start = part.trimStart.position;
    const end = part.trimEnd.position;
    while (start < end && /\s/.test(text[start]!)) start++;
    if (start >= end) continue;
    out.push({ start, end, text: sql.slice(start, end) });
  }
  return out;
}

/**
 * The statement to run for a cursor at `offset`: the one the cursor is in (its semicolon counts);
 * between statements, the one that ends on the cursor's line, else the next one, else the last.
 */
export function statementAt(sql: string, offset: number, dialect: SqlDialect): StatementRange | undefined {
  const statements = splitStatements(sql, dialect);
  const inside = statements.find((s) => offset >= s.start && offset <= s.end + (sql[s.end] === ';' ? 1 : 0));
  if (inside) return inside;
  const lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
  const before = statements.filter((s) => s.end <= offset);
  const previous = before[before.length - 1];
  if (previous && previous.end >= lineStart) return previous;
  return statements.find((s) => s.start >= offset) ?? previous;
}
