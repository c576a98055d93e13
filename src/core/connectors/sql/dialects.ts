import type { SqlDialect } from '../../sql/lexer';
import { quoteBacktick, quoteDoubleQuoted } from './identifiers';

/**
 * What a SQL connector's spec says about its language: how statements are read, how names are quoted,
 * and what the server does to a name written without quotes. Everything that shows or inserts a name
 * (copy name, completion, the read-only classifier) asks this, never the connector's type.
 */
export interface SqlDialectSpec {
  /** How the lexer reads this dialect (comments, strings, quoted names). */
  lexer: SqlDialect;
  /** How a name is quoted. */
  quote: 'double' | 'backtick';
  /** What happens to an unquoted name: PostgreSQL folds to lower case, Snowflake to upper case, MySQL keeps it. */
  folding: 'lower' | 'upper' | 'none';
}

export const postgresDialect: SqlDialectSpec = { lexer: 'postgres', quote: 'double', folding: 'lower' };
export const mysqlDialect: SqlDialectSpec = { lexer: 'mysql', quote: 'backtick', folding: 'none' };
/** SQLite compares names blind to case and keeps them as written. */
export const sqliteDialect: SqlDialectSpec = { lexer: 'sqlite', quote: 'double', folding: 'none' };
/** For a connection of a type this version does not know: standard SQL quoting, nothing assumed. */
export const standardDialect: SqlDialectSpec = { lexer: 'postgres', quote: 'double', folding: 'none' };

// Words that always need quoting as identifiers (the common core; quoting an extra word is harmless).
const reserved = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with key index database schema'.split(
    ' ',
  ),
);

export function quoteIdentifier(dialect: SqlDialectSpec, name: string): string {
  return dialect.quote === 'backtick' ? quoteBacktick(name) : quoteDoubleQuoted(name);
}

/** The name as a user would type it in this dialect: quoted only when it must be. */
export function displayIdentifier(dialect: SqlDialectSpec, name: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !reserved.has(name.toLowerCase());
  const survivesFolding = dialect.folding === 'lower' ? name === name.toLowerCase() : dialect.folding === 'upper' ? name === name.toUpperCase() : true;
  return plain && survivesFolding ? name : quoteIdentifier(dialect, name);
}

export function displayQualifiedName(dialect: SqlDialectSpec, ...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => displayIdentifier(dialect, p))
    .join('.');
}
