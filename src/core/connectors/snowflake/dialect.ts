import { scriptingStatements, standardLexer, type SqlDialect } from '../../sql/dialect';

/**
 * Snowflake's SQL: `//` comments, $$ strings, backslash escapes; unquoted names fold to upper case;
 * scripting blocks (DECLARE ...; BEGIN ... END) hold their own semicolons.
 */
export const snowflakeDialect: SqlDialect = {
  name: 'Snowflake',
  lexer: {
    ...standardLexer,
    slashComments: true,
    nestedBlockComments: false,
    backslashEscapes: true,
    dollarQuotes: 'plain',
  },
  languages: ['snowflake-sql'],
  quote: 'double',
  folding: 'upper',
  functionNames: { unquoted: 'upper', quoted: 'exact' },
  statements: scriptingStatements,
  readOnly: {
    readKeywords: new Set(['SELECT', 'WITH', 'VALUES', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST', 'LS']),
    sideEffectFunctions: ['system$*'],
    /** SYSTEM$ functions that only read (the rest can suspend, resume, refresh, abort or reveal secrets). */
    readingFunctions: new Set([
      'system$clustering_information',
      'system$clustering_depth',
      'system$clustering_ratio',
      'system$typeof',
      'system$wait',
      'system$explain_plan_json',
      'system$explain_json_to_text',
      'system$get_tag',
      'system$get_tag_allowed_values',
      'system$pipe_status',
      'system$stream_has_data',
      'system$stream_get_table_timestamp',
      'system$allowlist',
      'system$allowlist_privatelink',
      'system$whitelist',
      'system$whitelist_privatelink',
      'system$get_snowflake_platform_info',
      'system$current_user_task_name',
      'system$estimate_search_optimization_costs',
      'system$estimate_query_acceleration',
      'system$get_predecessor_return_value',
      'system$get_service_status',
      'system$get_login_failure_details',
      'system$is_listing_purchased',
      'system$query_reference',
      'system$verify_external_oauth_token',
    ]),
  },
};
