import { nameOf } from '../../sql/functionCalls';
import { tokenize, type Token } from '../../sql/lexer';
import { postgresDialect } from './dialect';

/** Words that, anywhere in a function body, mean it writes, runs dynamic SQL or controls transactions. */
const bodyWriters: ReadonlySet<string> = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'COPY',
  'CREATE',
  'DROP',
  'ALTER',
  'GRANT',
  'REVOKE',
  'CALL',
  'NOTIFY',
  'LISTEN',
  'UNLISTEN',
  'LOCK',
  'VACUUM',
  'CLUSTER',
  'REINDEX',
  'REFRESH',
  'COMMIT',
  'ROLLBACK',
  'EXECUTE',
  'IMPORT',
  'PREPARE',
  'DISCARD',
  'SECURITY',
  'REASSIGN',
]);

/** Names and operators a text mentions: every word and quoted name (folded), every run of operator characters. */
export interface References {
  /** Names in a call's place (`name(`) or after a dot (`t.name`, a function in attribute notation). */
  calls: string[];
  names: string[];
  qualified: { schema: string; name: string }[];
  operators: string[];
}

const operatorChars = '+-*/<>=~!@#%^&|`?';

export function references(sql: string): References {
  const tokens = tokenize(sql, postgresDialect);
  const names = new Set<string>();
  const calls = new Set<string>();
  const qualified = new Map<string, { schema: string; name: string }>();
  const operators = new Set<string>();
  const isName = (t: Token | undefined): t is Token =>
    t !== undefined && (t.kind === 'word' || t.kind === 'identifier');
  const code = tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  code.forEach((t, i) => {
    if (!isName(t)) return;
    const name = nameOf(sql, t, postgresDialect);
    names.add(name);
    const dot = code[i - 1];
    const owner = code[i - 2];
    const open = code[i + 1];
    const dotted = dot?.kind === 'symbol' && sql[dot.start] === '.';
    if (dotted || (open?.kind === 'symbol' && sql[open.start] === '(')) calls.add(name);
    if (dotted && isName(owner)) {
      const schema = nameOf(sql, owner, postgresDialect);
      qualified.set(`${schema}\u0000${name}`, { schema, name });
    }
  });
  // Operators are runs of adjacent operator characters (space and comments end a run).
  let run = '';
  const flush = (): void => {
    if (!run) return;
    operators.add(run);
    // PostgreSQL drops trailing + and - from a run without ~ ! @ # % ^ & | ` ? (so `*-` is `*` then `-`).
    const trimmed = /[~!@#%^&|`?]/.test(run) ? run : run.replace(/[+-]+$/, '');
    if (trimmed) operators.add(trimmed);
    for (const c of run) operators.add(c);
    run = '';
  };
  let last = -1;
  for (const t of tokens) {
    if (t.kind === 'symbol' && t.end - t.start === 1 && operatorChars.includes(sql[t.start])) {
      if (t.start !== last) flush();
      run += sql[t.start];
      last = t.end;
    } else flush();
  }
  flush();
  return {
    calls: [...calls].slice(0, 2000),
    names: [...names].slice(0, 2000),
    qualified: [...qualified.values()].slice(0, 2000),
    operators: [...operators].slice(0, 500),
  };
}

/** What a function body holds: a write (its word), and the names it mentions. */
export function readBody(body: string): { writes?: string; refs: References } {
  const tokens = tokenize(body, postgresDialect);
  let writes: string | undefined;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    const word = body.slice(t.start, t.end).toUpperCase();
    if (bodyWriters.has(word)) {
      writes = word;
      break;
    }
  }
  return { writes, refs: references(body) };
}
