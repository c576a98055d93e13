import { scriptingStatements, standardLexer, type SqlDialect } from '../../sql/dialect';

/**
 * Databricks SQL (Spark SQL): raw strings r'...', backslash escapes, double-quoted strings, backtick
 * names folded to lower case; scripting blocks hold their own semicolons; FROM-first queries read.
 */
export const databricksDialect: SqlDialect = {
  name: 'Databricks SQL',
  lexer: {
    ...standardLexer,
    rawStrings: true,
    backslashEscapes: true,
    doubleQuoteIsString: true,
    backtickIdentifiers: true,
  },
  languages: ['databricks-sql', 'sparksql'],
  quote: 'backtick',
  folding: 'lower',
  functionNames: { unquoted: 'lower', quoted: 'lower' },
  statements: scriptingStatements,
  readOnly: {
    readKeywords: new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST', 'FROM']),
    // http_request calls external services (any method); ai_query calls a model serving endpoint.
    sideEffectFunctions: ['reflect', 'java_method', 'try_reflect', 'http_request', 'ai_query'],
  },
};
