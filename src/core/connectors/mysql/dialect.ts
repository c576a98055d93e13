import { standardLexer, type LexMode, type SqlDialect } from '../../sql/dialect';

/**
 * MySQL's and MariaDB's SQL: `#` comments, `--` only before white space, executable comments
 * (/*! and /*M!), backslash escapes, double-quoted strings, backtick names; DELIMITER sets the terminator.
 */
export const mysqlDialect: SqlDialect = {
  name: 'MySQL',
  lexer: {
    ...standardLexer,
    hashComments: true,
    dashCommentNeedsSpace: true,
    nestedBlockComments: false,
    executableComments: true,
    backslashEscapes: true,
    doubleQuoteIsString: true,
    backtickIdentifiers: true,
  },
  languages: ['mysql'],
  quote: 'backtick',
  folding: 'none',
  functionNames: { unquoted: 'lower', quoted: 'lower' },
  statements: {
    // Routines, triggers and events have BEGIN ... END bodies; MariaDB runs BEGIN NOT ATOMIC blocks.
    // A statement that is only BEGIN [WORK] starts a transaction.
    opensBlock: (next, words) =>
      next === 'NOT' ||
      (words[0] === 'CREATE' && ['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT'].some((w) => words.includes(w))),
    delimiterCommand: true,
  },
  readOnly: {
    readKeywords: new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'HELP']),
    sideEffectFunctions: [
      'get_lock',
      'release_lock',
      'release_all_locks',
      'load_file',
      'sys_exec',
      'sys_eval',
      'lastval',
      'nextval',
      'setval',
      'master_pos_wait',
      'source_pos_wait',
      'wait_for_executed_gtid_set',
      'wait_until_sql_thread_after_gtids',
    ],
  },
};

/** The lexing mode a MySQL/MariaDB sql_mode value sets (ANSI includes ANSI_QUOTES). */
export function mysqlLexMode(sqlMode: string): LexMode {
  const flags = new Set(
    sqlMode
      .toUpperCase()
      .split(',')
      .map((f) => f.trim()),
  );
  return {
    ansiQuotes: flags.has('ANSI_QUOTES') || flags.has('ANSI'),
    noBackslashEscapes: flags.has('NO_BACKSLASH_ESCAPES'),
  };
}
