import { functionCalls, type FunctionCall } from './functionCalls';
import { codeTokens, type LexMode, type SqlDialect } from './lexer';

export interface Classification {
  readOnly: boolean;
  /** The statement's leading keyword, upper case. */
  keyword: string;
  /** Why it is refused. */
  reason?: string;
}

const readKeywords: Record<SqlDialect, ReadonlySet<string>> = {
  postgres: new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN']),
  mysql: new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'HELP']),
  sqlite: new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN', 'PRAGMA']),
  snowflake: new Set(['SELECT', 'WITH', 'VALUES', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST', 'LS']),
  // Spark SQL also reads FROM-first: FROM t SELECT *.
  databricks: new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST', 'FROM']),
};
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
const dml = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'REPLACE', 'TRUNCATE', 'COPY']);
const ddl = new Set(['CREATE', 'DROP', 'ALTER', 'GRANT', 'REVOKE', 'RENAME', 'COMMENT', 'REFRESH', 'VACUUM', 'REINDEX', 'CLUSTER']);

/**
 * Functions whose effects a read-only transaction does not stop (or that read server files, or run
 * SQL text handed to them), by dialect. Exact names, and prefixes ending in `*`. The server-side
 * checks of each connector go further (PostgreSQL refuses every volatile function outside a vetted
 * list); this list refuses the known ones before anything reaches a server.
 */
const sideEffectFunctions: Record<SqlDialect, readonly string[]> = {
  postgres: [
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_reload_conf',
    'pg_rotate_logfile*',
    'pg_stat_reset*',
    'pg_create_physical_replication_slot',
    'pg_create_logical_replication_slot',
    'pg_drop_replication_slot',
    'pg_copy_physical_replication_slot',
    'pg_copy_logical_replication_slot',
    'pg_replication_slot_advance',
    'pg_logical_slot_get_changes',
    'pg_logical_slot_get_binary_changes',
    'pg_logical_emit_message',
    'pg_replication_origin_*',
    'pg_switch_wal',
    'pg_create_restore_point',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_start_backup',
    'pg_stop_backup',
    'pg_promote',
    'pg_wal_replay_pause',
    'pg_wal_replay_resume',
    'pg_advisory_*',
    'pg_try_advisory_*',
    // Large objects: the writers (lo_get, loread and lo_open for reading only read).
    'lo_import',
    'lo_export',
    'lo_creat',
    'lo_create',
    'lo_unlink',
    'lo_put',
    'lo_from_bytea',
    'lo_truncate*',
    'lowrite',
    'pg_read_file',
    'pg_read_binary_file',
    'pg_ls_*',
    'pg_stat_file',
    'pg_file_*',
    'nextval',
    'setval',
    'set_config',
    'setseed',
    'dblink*',
    'query_to_xml*',
    'query_to_xmlschema',
    'cursor_to_xml*',
    'table_to_xml*',
    'schema_to_xml*',
    'database_to_xml*',
    'ts_stat',
    'pg_notify',
    'pg_import_system_collations',
    'brin_summarize_*',
    'brin_desummarize_range',
    'gin_clean_pending_list',
    'pg_log_backend_memory_contexts',
    'pg_export_snapshot',
    'pg_nextoid',
    'binary_upgrade_*',
    'pg_stat_force_next_flush',
  ],
  mysql: [
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
  sqlite: ['load_extension', 'writefile', 'readfile', 'edit', 'fts3_tokenizer'],
  snowflake: ['system$*'],
  // http_request calls external services (any method); ai_query calls a model serving endpoint.
  databricks: ['reflect', 'java_method', 'try_reflect', 'http_request', 'ai_query'],
};

/** Snowflake SYSTEM$ functions that only read (the rest can suspend, resume, refresh, abort or reveal secrets). */
const readingSystemFunctions: ReadonlySet<string> = new Set([
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
]);

/** The first call in the text to a function the dialect's list says acts outside the transaction. */
export function sideEffectCall(sql: string, dialect: SqlDialect, mode?: LexMode): FunctionCall | undefined {
  return functionCalls(sql, dialect, mode).find((call) => deniedName(dialect, call.name));
}

function deniedName(dialect: SqlDialect, name: string): boolean {
  const lower = name.toLowerCase();
  if (dialect === 'snowflake' && readingSystemFunctions.has(lower)) return false;
  return sideEffectFunctions[dialect].some((n) => (n.endsWith('*') ? lower.startsWith(n.slice(0, -1)) : lower === n));
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
  if (!readKeywords[dialect].has(keyword)) {
    return refuse(`${keyword} can change data or the session; test queries only read.`);
  }
  // One statement at a time: a text that goes on after a `;` is refused whatever its first one is.
  const end = tokens.findIndex((t) => t.kind === 'symbol' && sql[t.start] === ';');
  if (end >= 0 && end < tokens.length - 1 && tokens.slice(end + 1).some((t) => !(t.kind === 'symbol' && sql[t.start] === ';'))) {
    return refuse('This text holds more than one statement; a test query runs one statement at a time.');
  }
  const keywordAt = (i: number): boolean => !callWords.has(i);
  const has = (...sequence: string[]): boolean => words.some((_, i) => sequence.every((w, k) => words[i + k] === w && keywordAt(i + k)));
  // Data-modifying statements can only hide under WITH (PostgreSQL's writable CTEs) or EXPLAIN.
  const writer = keyword === 'WITH' || keyword === 'EXPLAIN' ? words.find((w, i) => dml.has(w) && keywordAt(i)) : undefined;
  if (writer) return refuse(`This ${keyword === 'WITH' ? 'WITH query' : 'EXPLAIN'} contains ${writer}, which changes data; test queries only read.`);
  const schemaChange = words.find((w, i) => i > 0 && ddl.has(w) && keywordAt(i));
  if (keyword === 'EXPLAIN' && schemaChange) return refuse(`This EXPLAIN runs ${schemaChange}, which changes the schema.`);
  if (has('FOR', 'UPDATE') || has('FOR', 'SHARE') || has('FOR', 'NO', 'KEY', 'UPDATE') || has('FOR', 'KEY', 'SHARE') || has('LOCK', 'IN', 'SHARE', 'MODE')) {
    return refuse('This query locks rows (FOR UPDATE / FOR SHARE); test queries only read.');
  }
  // SELECT … INTO writes a table (PostgreSQL), a variable, or a file on the server (MySQL's
  // INTO OUTFILE/DUMPFILE, which no read-only transaction stops), wherever INTO stands.
  if (words.some((w, i) => w === 'INTO' && keywordAt(i))) {
    const target = words[words.indexOf('INTO') + 1];
    const what = target === 'OUTFILE' || target === 'DUMPFILE' ? `a file on the server (INTO ${target})` : 'a table, variable or file';
    return refuse(`SELECT … INTO writes its result into ${what}; test queries only read.`);
  }
  if (has('NEXT', 'VALUE', 'FOR') || has('PREVIOUS', 'VALUE', 'FOR')) {
    return refuse('NEXT VALUE FOR advances a sequence, which no transaction undoes; test queries only read.');
  }
  if (keyword === 'PRAGMA' && symbols.includes('=')) {
    return refuse('This PRAGMA changes a setting; test queries only read.');
  }
  if (keyword === 'PRAGMA' && symbols.includes('(') && !readPragmas.has((words[1] === 'MAIN' || words[1] === 'TEMP' ? words[2] : words[1]) ?? '')) {
    return refuse('This PRAGMA changes a setting; test queries only read.');
  }
  const call = sideEffectCall(sql, dialect, mode);
  if (call) return refuse(`This query calls ${call.text}(), which acts outside the transaction (or on server files); test queries only read.`);
  return { readOnly: true, keyword };
}
