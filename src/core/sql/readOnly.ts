import { functionCalls, type FunctionCall } from './functionCalls';
import { codeTokens, type LexMode, type SqlDialect } from './lexer';

export interface Classification {
  readOnly: boolean;
  /** The statement's leading keyword, upper case. */
  keyword: string;
  /** Why it is refused. */
  reason?: string;
}

const dml = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'REPLACE', 'TRUNCATE', 'COPY']);
const ddl = new Set([
  'CREATE',
  'DROP',
  'ALTER',
  'GRANT',
  'REVOKE',
  'RENAME',
  'COMMENT',
  'REFRESH',
  'VACUUM',
  'REINDEX',
  'CLUSTER',
]);

/** The first call in the text to a function the dialect's list says acts outside the transaction. */
export function sideEffectCall(sql: string, dialect: SqlDialect, mode?: LexMode): FunctionCall | undefined {
  return functionCalls(sql, dialect, mode).find(
    (call) =>
      denied(dialect, call.name) || (call.schema !== undefined && denied(dialect, `${call.schema}.${call.name}`)),
  );
}

/** Whether a name (bare, or qualified as `schema.name`) is on the dialect's list and not among its readers. */
function denied(dialect: SqlDialect, name: string): boolean {
  const lower = name.toLowerCase();
  if (dialect.readOnly.readingFunctions?.has(lower)) return false;
  return dialect.readOnly.sideEffectFunctions.some((n) =>
    n.endsWith('*') ? lower.startsWith(n.slice(0, -1)) : lower === n,
  );
}

/**
 * Says whether a single statement only reads. It refuses, before anything reaches the server, what
 * would write, lock, write files or act outside the transaction; the connector's server-side checks
 * and its read-only session are further layers behind it.
 */
export function classifyStatement(sql: string, dialect: SqlDialect, mode?: LexMode): Classification {
  const tokens = codeTokens(sql, dialect, mode);
  const words: string[] = [];
  // A word followed by `(` is a function name (replace(...), insert(...)), not a keyword.
  const callWords = new Set<number>();
  const symbols: string[] = [];
  let lastWord = -1;
  for (const t of tokens) {
    if (t.kind === 'word') {
      words.push(sql.slice(t.start, t.end).toUpperCase());
      lastWord = words.length - 1;
    } else if (t.kind === 'symbol') {
      const s = sql.slice(t.start, t.end);
      symbols.push(s);
      if (s === '(' && lastWord === words.length - 1 && lastWord >= 0) callWords.add(lastWord);
      lastWord = -2;
    } else lastWord = -2;
  }
  const keyword = words[0] ?? '';
  if (!keyword) return { readOnly: false, keyword, reason: 'There is no SQL statement here.' };
  const refuse = (reason: string): Classification => ({ readOnly: false, keyword, reason });
  if (!dialect.readOnly.readKeywords.has(keyword)) {
    return refuse(`${keyword} can change data or the session; test queries only read.`);
  }
  // One statement at a time: a text that goes on after a `;` is refused whatever its first one is.
  const end = tokens.findIndex((t) => t.kind === 'symbol' && sql[t.start] === ';');
  if (
    end >= 0 &&
    end < tokens.length - 1 &&
    tokens.slice(end + 1).some((t) => !(t.kind === 'symbol' && sql[t.start] === ';'))
  ) {
    return refuse('This text holds more than one statement; a test query runs one statement at a time.');
  }
  const keywordAt = (i: number): boolean => !callWords.has(i);
  const has = (...sequence: string[]): boolean =>
    words.some((_, i) => sequence.every((w, k) => words[i + k] === w && keywordAt(i + k)));
  // Data-modifying statements can only hide under WITH (PostgreSQL's writable CTEs) or EXPLAIN.
  const writer =
    keyword === 'WITH' || keyword === 'EXPLAIN' ? words.find((w, i) => dml.has(w) && keywordAt(i)) : undefined;
  if (writer)
    return refuse(
      `This ${keyword === 'WITH' ? 'WITH query' : 'EXPLAIN'} contains ${writer}, which changes data; test queries only read.`,
    );
  const schemaChange = words.find((w, i) => i > 0 && ddl.has(w) && keywordAt(i));
  if (keyword === 'EXPLAIN' && schemaChange)
    return refuse(`This EXPLAIN runs ${schemaChange}, which changes the schema.`);
  if (
    has('FOR', 'UPDATE') ||
    has('FOR', 'SHARE') ||
    has('FOR', 'NO', 'KEY', 'UPDATE') ||
    has('FOR', 'KEY', 'SHARE') ||
    has('LOCK', 'IN', 'SHARE', 'MODE')
  ) {
    return refuse('This query locks rows (FOR UPDATE / FOR SHARE); test queries only read.');
  }
  // SELECT … INTO writes a table (PostgreSQL), a variable, or a file on the server (MySQL's
  // INTO OUTFILE/DUMPFILE, which no read-only transaction stops), wherever INTO stands.
  if (words.some((w, i) => w === 'INTO' && keywordAt(i))) {
    const target = words[words.indexOf('INTO') + 1];
    const what =
      target === 'OUTFILE' || target === 'DUMPFILE'
        ? `a file on the server (INTO ${target})`
        : 'a table, variable or file';
    return refuse(`SELECT … INTO writes its result into ${what}; test queries only read.`);
  }
  if (has('NEXT', 'VALUE', 'FOR') || has('PREVIOUS', 'VALUE', 'FOR')) {
    return refuse('NEXT VALUE FOR advances a sequence, which no transaction undoes; test queries only read.');
  }
  const own = dialect.readOnly.refuse?.(keyword, words, symbols);
  if (own) return refuse(own);
  const call = sideEffectCall(sql, dialect, mode);
  if (call)
    return refuse(
      `This query calls ${call.text}(), which acts outside the transaction (or on server files); test queries only read.`,
    );
  return { readOnly: true, keyword };
}
