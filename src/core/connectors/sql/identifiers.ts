import { ConnectionError } from '../../errors';

function checkName(name: string): void {
  if (name.length === 0) throw new ConnectionError('invalid_config', 'An identifier cannot be empty.');
  if (name.includes('\u0000'))
    throw new ConnectionError('invalid_config', 'An identifier cannot contain a NUL character.');
}

/** PostgreSQL (and Snowflake, Databricks ANSI) double-quoted identifier: embedded quotes are doubled. */
export function quoteDoubleQuoted(name: string): string {
  checkName(name);
  return `"${name.replace(/"/g, '""')}"`;
}

/** MySQL/MariaDB backtick identifier: embedded backticks are doubled. */
export function quoteBacktick(name: string): string {
  checkName(name);
  return `\`${name.replace(/`/g, '``')}\``;
}

export function qualified(quote: (name: string) => string, ...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map(quote)
    .join('.');
}

/** Escapes LIKE wildcards so a search term matches literally (backslash is the escape character). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
