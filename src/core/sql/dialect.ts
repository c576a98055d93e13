/**
 * A SQL dialect is a value its connector owns (`<connector>/dialect.ts`) and hands to everything that
 * reads SQL: the lexer, the statement splitter, the read-only classifier, names shown and inserted.
 * Nothing in `core/sql` keeps a list of dialects or asks which one it has: it reads these rules.
 */
export interface SqlDialect {
  /** Shown in messages and tests ("PostgreSQL"). */
  readonly name: string;
  readonly lexer: LexerRules;
  /** How a name is quoted. */
  readonly quote: 'double' | 'backtick';
  /** What happens to an unquoted name: PostgreSQL folds to lower case, Snowflake to upper case, MySQL keeps it. */
  readonly folding: 'lower' | 'upper' | 'none';
  /** How the server resolves a function's name: unquoted ones folded, quoted ones kept or case-blind. */
  readonly functionNames: { readonly unquoted: 'lower' | 'upper'; readonly quoted: 'exact' | 'lower' };
  readonly statements: StatementRules;
  readonly readOnly: ReadOnlyRules;
  /** VS Code language ids of editors written in this dialect (by the common SQL extensions), besides plain `sql`. */
  readonly languages?: readonly string[];
}

/** How the lexer reads a dialect's comments, strings and quoted names. */
export interface LexerRules {
  hashComments: boolean;
  /** MySQL: `--` starts a comment only when white space (or the end) follows it. */
  dashCommentNeedsSpace: boolean;
  /** Snowflake: `//` starts a line comment. */
  slashComments: boolean;
  /** Spark SQL: r'...' and r"..." are raw strings, no escapes. */
  rawStrings: boolean;
  /** PostgreSQL: E'...' strings take backslash escapes, and U&"..." names spell characters by code point. */
  escapeStringPrefix: boolean;
  nestedBlockComments: boolean;
  /** MySQL runs the inside of /*! ... *\/ and MariaDB of /*M! ... *\/: it is code, not a comment. */
  executableComments: boolean;
  backslashEscapes: boolean;
  doubleQuoteIsString: boolean;
  backtickIdentifiers: boolean;
  bracketIdentifiers: boolean;
  dollarQuotes: 'tagged' | 'plain' | 'none';
}

/** How a dialect's statements end: where a block's body opens, and its client's commands. */
export interface StatementRules {
  /**
   * Whether a BEGIN opens a compound statement's body (whose `;` do not end the statement) rather than a
   * transaction. `next` is the word after BEGIN (upper case, ';' or ''), `words` the statement's first words.
   */
  opensBlock(next: string, words: readonly string[]): boolean;
  /** MySQL's client command DELIMITER changes the terminator. */
  readonly delimiterCommand?: boolean;
  /** DECLARE ...; BEGIN ... END: the declarations' semicolons belong to the block (Snowflake and Spark scripting). */
  readonly declareBlocks?: boolean;
}

/** What the read-only classifier lets through and refuses, beyond the rules common to all SQL. */
export interface ReadOnlyRules {
  /** Leading keywords of statements that only read. */
  readonly readKeywords: ReadonlySet<string>;
  /**
   * Functions whose effects a read-only transaction does not stop (or that read server files, or run
   * SQL text handed to them): exact names, and prefixes ending in `*`, lower case. An entry with a dot
   * (`ml.*`) matches calls qualified by that schema.
   */
  readonly sideEffectFunctions: readonly string[];
  /** Names matched by a prefix above that only read (lower case). */
  readonly readingFunctions?: ReadonlySet<string>;
  /**
   * A dialect's own refusal for a statement that passed the common rules (SQLite's PRAGMA that sets):
   * the reason, or undefined. `words` are upper case, `symbols` as written.
   */
  refuse?(keyword: string, words: readonly string[], symbols: readonly string[]): string | undefined;
}

/**
 * How a session's settings change the lexing of its dialect: MySQL's sql_mode ANSI_QUOTES makes `"`
 * quote names, NO_BACKSLASH_ESCAPES makes `\` an ordinary character in strings.
 */
export interface LexMode {
  ansiQuotes?: boolean;
  noBackslashEscapes?: boolean;
}

/** Standard SQL's lexing (double-quoted names, nested block comments, no escapes): dialects start from it. */
export const standardLexer: LexerRules = {
  hashComments: false,
  dashCommentNeedsSpace: false,
  slashComments: false,
  rawStrings: false,
  escapeStringPrefix: false,
  nestedBlockComments: true,
  executableComments: false,
  backslashEscapes: false,
  doubleQuoteIsString: false,
  backtickIdentifiers: false,
  bracketIdentifiers: false,
  dollarQuotes: 'none',
};

/**
 * SQL scripting as Snowflake and Spark have it: BEGIN opens a block unless it starts a transaction
 * (BEGIN; BEGIN TRANSACTION / WORK / NAME), and DECLARE ...; BEGIN ... END is one statement.
 */
export const scriptingStatements: StatementRules = {
  opensBlock: (next) => next !== ';' && next !== '' && !['TRANSACTION', 'WORK', 'NAME'].includes(next),
  declareBlocks: true,
};

/** For a connection of a type this version does not know: standard SQL, and only what every dialect reads. */
export const standardDialect: SqlDialect = {
  name: 'SQL',
  lexer: standardLexer,
  quote: 'double',
  folding: 'none',
  functionNames: { unquoted: 'lower', quoted: 'exact' },
  statements: { opensBlock: (next) => next === 'ATOMIC' },
  readOnly: { readKeywords: new Set(['SELECT', 'WITH', 'VALUES']), sideEffectFunctions: [] },
};
