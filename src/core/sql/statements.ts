import { scan, type SqlDialect } from './lexer';

export interface StatementRange {
  /** Offsets in the original text of what runs: leading comments (hints) and code, no trailing space, comment or terminator. */
  start: number;
  end: number;
  text: string;
  /** Where the statement's code begins (after its leading comments): where a Run lens goes. */
  codeStart: number;
  /** The end of the whole span the statement owns: its terminator (`;` or DELIMITER's), or its last token. */
  spanEnd: number;
}

/** The next word after `from` (past space and comments), upper case; '' when a symbol or nothing comes first. */
function nextWord(sql: string, dialect: SqlDialect, from: number): { word: string; start: number; end: number } {
  let found = { word: '', start: -1, end: -1 };
  let done = false;
  // Look ahead a little: what follows BEGIN or END is almost always the next few characters.
  scan(
    sql,
    dialect,
    (kind, start, end) => {
      if (done || kind === 'comment') return;
      done = true;
      if (kind === 'word') found = { word: sql.slice(start, end).toUpperCase(), start, end };
      else found = { word: sql[start] === ';' ? ';' : '', start, end };
    },
    false,
    from,
    Math.min(sql.length, from + 256),
  );
  return found;
}

// Words the splitter acts on, by length: everything else is skipped without building a string.
const keywordLengths = new Set([3, 4, 5, 7, 9]);
const isKeywordStart = (c: number): boolean =>
  c === 66 || c === 98 || c === 69 || c === 101 || c === 67 || c === 99 || c === 68 || c === 100;

/**
 * The statements of a SQL text, found by our own lexer (each dialect's strings, quoted names,
 * comments, dollar quotes, executable comments) and per-dialect block rules: a `;` inside a
 * BEGIN ... END body (PostgreSQL BEGIN ATOMIC, SQLite triggers, MySQL routines and MariaDB
 * BEGIN NOT ATOMIC, Snowflake and Databricks scripting blocks) or a CASE ... END does not end the
 * statement. MySQL's DELIMITER command changes the terminator. Leading comments belong to the
 * statement they precede (optimizer hints live there); comments on the line of the previous
 * terminator belong to that statement. Comment-only parts are no statement.
 */
export function splitStatements(sql: string, dialect: SqlDialect): StatementRange[] {
  const out: StatementRange[] = [];
  let delimiter = ';';
  let start = -1; // the statement's first character: a leading comment or code
  let codeStart = -1;
  let lastEnd = -1;
  let depth = 0;
  let declaring = false;
  // The offsets of a statement's first words: they say what it is (CREATE ... TRIGGER). Upper-cased only when asked.
  const wordStarts = new Int32Array(8);
  const wordEnds = new Int32Array(8);
  let wordCount = 0;
  const words = (): string[] =>
    Array.from({ length: wordCount }, (_, k) => sql.slice(wordStarts[k], wordEnds[k]).toUpperCase());
  let skipUntil = -1; // tokens before this offset were consumed by a look-ahead
  let nextDelimiter = -1; // with a custom delimiter: where it next occurs (-1: nowhere)
  let previousTerminatorLine = -1;
  let lineCursor = 0;
  let lineCount = 0;
  const lineAt = (offset: number): number => {
    for (let i = sql.indexOf('\n', lineCursor); i >= 0 && i < offset; i = sql.indexOf('\n', i + 1)) {
      lineCount++;
      lineCursor = i + 1;
    }
    return lineCount;
  };
  const finish = (terminatorEnd: number): void => {
    if (codeStart >= 0)
      out.push({ start, end: lastEnd, text: sql.slice(start, lastEnd), codeStart, spanEnd: terminatorEnd });
    start = -1;
    codeStart = -1;
    lastEnd = -1;
    depth = 0;
    declaring = false;
    wordCount = 0;
  };
  const code = (from: number, to: number): void => {
    if (start < 0) start = from;
    if (codeStart < 0) codeStart = from;
    lastEnd = to;
  };
  scan(sql, dialect, (kind, tStart, tEnd) => {
    if (tStart < skipUntil) return;
    if (kind === 'comment') {
      // A comment on the line the previous statement ended belongs to it; later ones lead the next.
      if (start < 0 && !(previousTerminatorLine >= 0 && lineAt(tStart) === previousTerminatorLine)) start = tStart;
      return;
    }
    if (delimiter !== ';') {
      // A custom delimiter can stand inside what lexes as one token (END$$, 1//). Its next occurrence
      // is looked up once and reused until the scan passes it, not once per token.
      if (nextDelimiter !== -1 && nextDelimiter < tStart) nextDelimiter = sql.indexOf(delimiter, tStart);
      const at = kind === 'string' || kind === 'identifier' || nextDelimiter < 0 ? -1 : nextDelimiter;
      if (at >= 0 && at < tEnd) {
        if (at > tStart) code(tStart, at);
        finish(at + delimiter.length);
        previousTerminatorLine = lineAt(at);
        skipUntil = at + delimiter.length;
        return;
      }
    } else if (kind === 'symbol' && sql.charCodeAt(tStart) === 59 && depth === 0 && !declaring) {
      finish(tEnd);
      previousTerminatorLine = lineAt(tStart);
      return;
    }
    if (
      kind === 'word' &&
      codeStart < 0 &&
      dialect.statements.delimiterCommand === true &&
      tEnd - tStart === 9 &&
      sql.slice(tStart, tEnd).toUpperCase() === 'DELIMITER'
    ) {
      // MySQL's DELIMITER command (a client command, not SQL): the rest of its line is the new terminator.
      const lineEnd = sql.indexOf('\n', tEnd) < 0 ? sql.length : sql.indexOf('\n', tEnd);
      const value = sql.slice(tEnd, lineEnd).trim();
      if (value) delimiter = value;
      nextDelimiter = delimiter === ';' ? -1 : sql.indexOf(delimiter, lineEnd);
      start = -1;
      skipUntil = lineEnd;
      return;
    }
    if (start < 0) start = tStart;
    if (codeStart < 0) codeStart = tStart;
    lastEnd = tEnd;
    if (kind !== 'word') return;
    if (wordCount < 8) {
      wordStarts[wordCount] = tStart;
      wordEnds[wordCount++] = tEnd;
    }
    if (delimiter !== ';' || !keywordLengths.has(tEnd - tStart) || !isKeywordStart(sql.charCodeAt(tStart))) return;
    const w = sql.slice(tStart, tEnd).toUpperCase();
    if (w === 'BEGIN') {
      if (depth > 0 || dialect.statements.opensBlock(nextWord(sql, dialect, tEnd).word, words())) {
        depth++;
        declaring = false;
      }
    } else if (w === 'CASE') {
      if (depth > 0) depth++;
    } else if (w === 'END') {
      if (depth === 0) return;
      // END IF / END LOOP / END WHILE / END REPEAT / END FOR close constructs that are not counted;
      // END CASE closes a CASE statement as END closes a CASE expression.
      const next = nextWord(sql, dialect, tEnd);
      if (['IF', 'LOOP', 'WHILE', 'REPEAT', 'FOR', 'CASE'].includes(next.word)) {
        code(next.start, next.end);
        skipUntil = next.end;
        if (next.word !== 'CASE') return;
      }
      depth--;
    } else if (w === 'DECLARE' && wordCount === 1 && dialect.statements.declareBlocks === true) {
      declaring = true; // DECLARE ...; BEGIN ... END: the declarations' semicolons belong to the block
    }
  });
  finish(lastEnd);
  return out;
}

/**
 * The statement to run for a cursor at `offset`: the one whose span (leading comments to its
 * terminator) holds the cursor, preferring one that starts exactly there (`a;b` with the cursor on
 * b); between statements, the one whose terminator is on the cursor's line, else the next, else the last.
 */
export function statementAt(
  sql: string,
  offset: number,
  dialect: SqlDialect,
  statements: readonly StatementRange[] = splitStatements(sql, dialect),
): StatementRange | undefined {
  let lo = 0;
  let hi = statements.length - 1;
  // The first statement whose span ends at or after the cursor.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (statements[mid].spanEnd < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  const candidate = statements[lo];
  const following = statements[lo + 1];
  if (following && (offset === following.start || offset === following.codeStart)) return following;
  if (candidate && offset >= candidate.start) return candidate;
  const previous = statements[lo - 1];
  const lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
  if (previous && previous.spanEnd >= lineStart) return previous;
  return candidate ?? previous;
}

/**
 * The statements of documents by version: the Run lenses and the command read one split per edit,
 * not one per refresh. Keeps the few most recently used documents.
 */
export class StatementCache {
  private readonly entries = new Map<string, { version: number; dialect: SqlDialect; statements: StatementRange[] }>();
  constructor(private readonly capacity = 8) {}

  get(key: string, version: number, dialect: SqlDialect, text: () => string): StatementRange[] {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.dialect === dialect) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.statements;
    }
    const statements = splitStatements(text(), dialect);
    this.entries.delete(key);
    this.entries.set(key, { version, dialect, statements });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return statements;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
