import { standardLexer, type SqlDialect } from '../../../../src/core/sql/dialect';

/**
 * Warehouse SQL, a dialect no shipped connector speaks (modelled on BigQuery's): `#` starts a comment,
 * names are quoted with backticks and kept as written, strings take double quotes and backslash
 * escapes, and EXTERNAL_QUERY runs SQL text on another database, so a test query may not call it.
 */
export const warehouseDialect: SqlDialect = {
  name: 'Warehouse SQL',
  lexer: {
    ...standardLexer,
    hashComments: true,
    nestedBlockComments: false,
    backslashEscapes: true,
    doubleQuoteIsString: true,
    backtickIdentifiers: true,
  },
  languages: ['warehouse-sql'],
  quote: 'backtick',
  folding: 'none',
  functionNames: { unquoted: 'lower', quoted: 'lower' },
  statements: {
    // Scripting: BEGIN ... END holds its own semicolons; BEGIN TRANSACTION starts a transaction.
    opensBlock: (next) => next !== ';' && next !== '' && next !== 'TRANSACTION',
    declareBlocks: true,
  },
  readOnly: { readKeywords: new Set(['SELECT', 'WITH']), sideEffectFunctions: ['external_query', 'ml.*'] },
};
