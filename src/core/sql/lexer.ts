import type { LexerRules, LexMode, SqlDialect } from './dialect';

export type { LexMode, SqlDialect } from './dialect';

export type TokenKind = 'word' | 'identifier' | 'string' | 'comment' | 'number' | 'symbol' | 'space';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

// Character classes by code: this runs once per character of files of 10,000 lines.
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isWordStart = (code: number): boolean =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 0x80;
const isWordPart = (code: number): boolean => isWordStart(code) || isDigit(code) || code === 36;

/**
 * Splits SQL text into tokens by its dialect's rules for strings, quoted identifiers and comments.
 * It never fails: an unterminated string or comment runs to the end of the text.
 */
export function tokenize(sql: string, dialect: SqlDialect, mode?: LexMode): Token[] {
  const tokens: Token[] = [];
  scan(sql, dialect, (kind, start, end) => void tokens.push({ kind, start, end }), true, 0, sql.length, mode);
  return tokens;
}

/**
 * The tokens that are code: no space, no comment, and not the opener or closer of a MySQL
 * executable comment (`fg/*!*\/()` calls fg).
 */
export function codeTokens(sql: string, dialect: SqlDialect, mode?: LexMode): Token[] {
  return tokenize(sql, dialect, mode).filter(
    (t) =>
      t.kind !== 'space' &&
      t.kind !== 'comment' &&
      !(t.kind === 'symbol' && (sql.startsWith('/*', t.start) || sql.startsWith('*/', t.start))),
  );
}

/**
 * The lexer itself: hands each token to `visit` without allocating any (a 10,000-statement file is
 * scanned in milliseconds). Space tokens are reported only when asked for.
 */
export function scan(
  sql: string,
  dialect: SqlDialect,
  visit: (kind: TokenKind, start: number, end: number) => void,
  spaces = false,
  from = 0,
  to = sql.length,
  mode?: LexMode,
): void {
  const base = dialect.lexer;
  const r: LexerRules = mode
    ? {
        ...base,
        doubleQuoteIsString: base.doubleQuoteIsString && !mode.ansiQuotes,
        backslashEscapes: base.backslashEscapes && !mode.noBackslashEscapes,
      }
    : base;
  let i = from;
  const push = visit;
  // Where the next backslash is, found once and reused: searching from every string again would scan
  // to the end of a file without one for each of its strings.
  let backslashAt = -2;
  const nextBackslash = (from: number): number => {
    if (backslashAt === -1 || (backslashAt >= from && backslashAt !== -2)) return backslashAt;
    backslashAt = sql.indexOf('\\', from);
    return backslashAt;
  };
  const quoted = (start: number, quote: string, backslash: boolean): number => {
    let j = start + 1;
    while (j < sql.length) {
      // Jump to the next quote (or backslash) instead of walking every character.
      const q = sql.indexOf(quote, j);
      if (q < 0) return sql.length;
      if (backslash) {
        const b = nextBackslash(j);
        if (b >= 0 && b < q) {
          j = b + 2;
          continue;
        }
      }
      if (sql.charCodeAt(q + 1) === quote.charCodeAt(0)) j = q + 2;
      else return q + 1;
    }
    return sql.length;
  };
  while (i < to) {
    const code = sql.charCodeAt(i);
    // Fast path: plain words and runs of space, most of any SQL text.
    const lower = code | 32;
    if (lower >= 97 && lower <= 122 && lower !== 101 && lower !== 114) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
      push('word', i, j);
      i = j;
      continue;
    }
    if (code === 32 || code === 10) {
      let j = i + 1;
      while (j < sql.length && isSpace(sql.charCodeAt(j))) j++;
      if (spaces) push('space', i, j);
      i = j;
      continue;
    }
    const c = sql[i];
    const next = sql[i + 1];
    if (isSpace(code)) {
      let j = i + 1;
      while (j < sql.length && isSpace(sql.charCodeAt(j))) j++;
      if (spaces) push('space', i, j);
      i = j;
    } else if (
      (c === '-' &&
        next === '-' &&
        (!r.dashCommentNeedsSpace || i + 2 >= sql.length || isSpace(sql.charCodeAt(i + 2)))) ||
      (c === '#' && r.hashComments) ||
      (c === '/' && next === '/' && r.slashComments)
    ) {
      let j = i;
      while (j < sql.length && sql[j] !== '\n') j++;
      push('comment', i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const bang = sql[i + 2] === '!' ? 3 : (sql[i + 2] === 'M' || sql[i + 2] === 'm') && sql[i + 3] === '!' ? 4 : 0;
      if (r.executableComments && bang > 0) {
        // /*!50000 code */ and MariaDB's /*M!100100 code */: the server runs the inside, whatever
        // its version number says, so it is lexed as code; the opener and closer are symbols.
        let j = i + bang;
        while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
        push('symbol', i, j);
        i = j;
        continue;
      }
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else if (r.nestedBlockComments && sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else j++;
      }
      push('comment', i, j);
      i = j;
    } else if (
      r.rawStrings &&
      (c === 'r' || c === 'R') &&
      (next === "'" || next === '"') &&
      !isWordPart(sql.charCodeAt(i - 1))
    ) {
      // Spark SQL raw string: no escapes, ends at the first matching quote.
      const close = sql.indexOf(next, i + 2);
      const end = close < 0 ? sql.length : close + 1;
      push('string', i, end);
      i = end;
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'" && r.escapeStringPrefix)) {
      const open = c === "'" ? i : i + 1;
      const end = quoted(open, "'", r.backslashEscapes || open !== i);
      push('string', i, end);
      i = end;
    } else if (c === '"') {
      const end = quoted(i, '"', r.doubleQuoteIsString && r.backslashEscapes);
      push(r.doubleQuoteIsString ? 'string' : 'identifier', i, end);
      i = end;
    } else if (c === '`' && r.backtickIdentifiers) {
      const end = quoted(i, '`', false);
      push('identifier', i, end);
      i = end;
    } else if (c === '[' && r.bracketIdentifiers) {
      const close = sql.indexOf(']', i + 1);
      const end = close < 0 ? sql.length : close + 1;
      push('identifier', i, end);
      i = end;
    } else if (c === '$' && r.dollarQuotes !== 'none') {
      const tag =
        r.dollarQuotes === 'tagged'
          ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))
          : /^\$\$/.exec(sql.slice(i, i + 2));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? sql.length : close + tag[0].length;
        push('string', i, end);
        i = end;
      } else {
        push('symbol', i, i + 1);
        i++;
      }
    } else if (isWordStart(code)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
      push('word', i, j);
      i = j;
    } else if (isDigit(code)) {
      let j = i + 1;
      while (j < sql.length && (isDigit(sql.charCodeAt(j)) || '.eE_'.includes(sql[j]))) j++;
      push('number', i, j);
      i = j;
    } else if (c === '*' && next === '/' && r.executableComments) {
      push('symbol', i, i + 2); // the end of a /*! ... */ block
      i += 2;
    } else {
      push('symbol', i, i + 1);
      i++;
    }
  }
}
