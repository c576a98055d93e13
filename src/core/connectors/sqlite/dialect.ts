import { standardLexer, type SqlDialect } from '../../sql/dialect';

/** SQLite pragmas that take an argument and only read. */
const readPragmas = new Set([
  'TABLE_INFO',
  'TABLE_XINFO',
  'INDEX_INFO',
  'INDEX_XINFO',
  'INDEX_LIST',
  'FOREIGN_KEY_LIST',
  'FOREIGN_KEY_CHECK',
  'INTEGRITY_CHECK',
  'QUICK_CHECK',
  'TABLE_LIST',
]);

/**
 * SQLite's SQL: backtick and [bracket] names besides double quotes; names compared blind to case and
 * kept as written; CREATE TRIGGER ... BEGIN ... END holds its own semicolons; PRAGMA reads unless it sets.
 */
export const sqliteDialect: SqlDialect = {
  name: 'SQLite',
  lexer: { ...standardLexer, nestedBlockComments: false, backtickIdentifiers: true, bracketIdentifiers: true },
  languages: ['sqlite'],
  quote: 'double',
  folding: 'none',
  functionNames: { unquoted: 'lower', quoted: 'lower' },
  statements: { opensBlock: (_next, words) => words.includes('TRIGGER') },
  readOnly: {
    readKeywords: new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN', 'PRAGMA']),
    sideEffectFunctions: ['load_extension', 'writefile', 'readfile', 'edit', 'fts3_tokenizer'],
    refuse(keyword, words, symbols) {
      if (keyword !== 'PRAGMA') return undefined;
      const pragma = (words[1] === 'MAIN' || words[1] === 'TEMP' ? words[2] : words[1]) ?? '';
      if (symbols.includes('=') || (symbols.includes('(') && !readPragmas.has(pragma)))
        return 'This PRAGMA changes a setting; test queries only read.';
      return undefined;
    },
  },
};
