import { tokenize, type SqlDialect } from './lexer';

export interface Classification {
  readOnly: boolean;
  /** The statement's leading keyword, upper case. */
  keyword: string;
  /** Why it is refused. */
  reason?: string;
}

const readKeywords = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'PRAGMA', 'LIST']);
const dml = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'REPLACE', 'TRUNCATE', 'COPY']);

/**
 * Says whether a single statement only reads. A courtesy that refuses writes before they reach the
 * server with a clear message; the guarantee is the server-side read-only session, whatever this says.
 */
export function classifyStatement(sql: string, dialect: SqlDialect): Classification {
  const words: string[] = [];
  const symbols: string[] = [];
  for (const t of tokenize(sql, dialect)) {
    if (t.kind === 'word') words.push(sql.slice(t.start, t.end).toUpperCase());
    else if (t.kind === 'symbol') symbols.push(sql.slice(t.start, t.end));
  }
  const keyword = words[0] ?? '';
  if (!keyword) return { readOnly: false, keyword, reason: 'There is no SQL statement here.' };
  const refuse = (reason: string): Classification => ({ readOnly: false, keyword, reason });
  if (!readKeywords.has(keyword)) {
    return refuse(`${keyword} can change data or the session; test queries only read.`);
  }
  const has = (...sequence: string[]): boolean =>
    words.some((_, i) => sequence.every((w, k) => words[i + k] === w));
  const writer = words.find((w) => dml.has(w));
  if ((keyword === 'WITH' || keyword === 'EXPLAIN') && writer) {
    return refuse(`This ${keyword === 'WITH' ? 'WITH query' : 'EXPLAIN'} contains ${writer}, which changes data; test queries only read.`);
  }
  if (keyword === 'EXPLAIN' && words.slice(1).some((w) => ['CREATE', 'DROP', 'ALTER', 'GRANT'].includes(w))) {
    return refuse('This EXPLAIN runs a statement that changes the schema.');
  }
  if (has('FOR', 'UPDATE') || has('FOR', 'SHARE') || has('FOR', 'NO', 'KEY', 'UPDATE') || has('FOR', 'KEY', 'SHARE') || has('LOCK', 'IN', 'SHARE', 'MODE')) {
    return refuse('This query locks rows (FOR UPDATE / FOR SHARE); test queries only read.');
  }
  if ((keyword === 'SELECT' || keyword === 'WITH') && words.includes('INTO')) {
    return refuse('SELECT … INTO writes its result into a table, variable or file; test queries only read.');
  }
  if (keyword === 'PRAGMA' && symbols.includes('=')) {
    return refuse('This PRAGMA changes a setting; test queries only read.');
  }
  if (keyword === 'SELECT' && dialect === 'postgres' && words.some((w) => ['NEXTVAL', 'SETVAL', 'PG_TERMINATE_BACKEND', 'PG_CANCEL_BACKEND', 'LO_UNLINK', 'DBLINK_EXEC'].includes(w))) {
    return refuse('This query calls a function with side effects; test queries only read.');
  }
  return { readOnly: true, keyword };
}
