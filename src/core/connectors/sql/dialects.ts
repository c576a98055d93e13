import type { SqlDialect } from '../../sql/dialect';
import { quoteBacktick, quoteDoubleQuoted } from './identifiers';

// Words that always need quoting as identifiers (the common core; quoting an extra word is harmless).
const reserved = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with key index database schema'.split(
    ' ',
  ),
);

export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  return dialect.quote === 'backtick' ? quoteBacktick(name) : quoteDoubleQuoted(name);
}

/** The name as a user would type it in this dialect: quoted only when it must be. */
export function displayIdentifier(dialect: SqlDialect, name: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !reserved.has(name.toLowerCase());
  const survivesFolding =
    dialect.folding === 'lower'
      ? name === name.toLowerCase()
      : dialect.folding === 'upper'
        ? name === name.toUpperCase()
        : true;
  return plain && survivesFolding ? name : quoteIdentifier(dialect, name);
}

export function displayQualifiedName(dialect: SqlDialect, ...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => displayIdentifier(dialect, p))
    .join('.');
}
