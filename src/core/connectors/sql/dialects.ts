import { quoteBacktick, quoteDoubleQuoted } from './identifiers';

// Words that always need quoting as identifiers (the common core; quoting an extra word is harmless).
const reserved = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with key index database schema'.split(
    ' ',
  ),
);

/** The identifier as a user would type it in this connector's SQL: quoted only when it must be. */
export function displayIdentifier(connectorType: string, name: string): string {
  if (connectorType === 'mysql') {
    return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !reserved.has(name.toLowerCase()) ? name : quoteBacktick(name);
  }
  // PostgreSQL folds unquoted names to lower case, so any upper-case letter needs quotes.
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !reserved.has(name) ? name : quoteDoubleQuoted(name);
}

export function displayQualifiedName(connectorType: string, ...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => displayIdentifier(connectorType, p))
    .join('.');
}
