/**
 * The server-side layer of PostgreSQL's read-only guard. A read-only transaction stops writes to
 * tables, but not functions that act outside it (ending sessions, replication slots, advisory locks,
 * configuration reloads, server files, other connections). Before a statement runs, the planner says
 * which functions it will call, including those inside the views it reads (EXPLAIN VERBOSE expands
 * them); the statement's own text adds the calls a plan does not print (a VALUES list). Every volatile
 * function among them is refused unless it is on a vetted list of volatile functions that only read.
 */
import type pg from 'pg';
import { ConnectionError } from '../../errors';
import { functionCalls, type FunctionCall } from '../../sql/functionCalls';
import { classifyStatement } from '../../sql/readOnly';
import { CappedQuery } from './cappedQuery';
import { tokenize } from '../../sql/lexer';
import { closureRefusal, closureSql, type ReachedRow } from './closure';

/** Volatile pg_catalog functions that only read or wait (and the system views built on them). */
export const vettedVolatile: ReadonlySet<string> = new Set([
  'random',
  'random_normal',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'currval',
  'lastval',
  'pg_database_size',
  'pg_relation_size',
  'pg_table_size',
  'pg_indexes_size',
  'pg_total_relation_size',
  'pg_tablespace_size',
  'pg_is_in_recovery',
  'pg_current_wal_lsn',
  'pg_current_wal_insert_lsn',
  'pg_current_wal_flush_lsn',
  'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn',
  'pg_last_xact_replay_timestamp',
  'pg_is_wal_replay_paused',
  'pg_get_wal_replay_pause_state',
  'pg_lock_status',
  'pg_blocking_pids',
  'pg_safe_snapshot_blocking_pids',
  'pg_partition_tree',
  'pg_partition_ancestors',
  'pg_jit_available',
  'pg_notification_queue_usage',
  'pg_prepared_xact',
  'pg_get_backend_memory_contexts',
  'pg_get_shmem_allocations',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  'pg_show_all_file_settings',
  'pg_stat_have_stats',
  'pg_xact_commit_timestamp',
  'pg_xact_commit_timestamp_origin',
  'pg_xact_status',
  'txid_status',
  'pg_sequence_last_value',
  'pg_control_checkpoint',
  'pg_control_init',
  'pg_control_recovery',
  'pg_control_system',
  'pg_collation_actual_version',
  'pg_database_collation_actual_version',
  'pg_current_logfile',
  'pg_get_multixact_members',
  'pg_get_wal_resource_managers',
  'pg_show_replication_origin_status',
  'pg_stat_get_recovery_prefetch',
  'pg_last_committed_xact',
  'current_query',
  'pg_stat_get_xact_blocks_fetched',
  'pg_stat_get_xact_blocks_hit',
  'pg_stat_get_xact_function_calls',
  'pg_stat_get_xact_function_self_time',
  'pg_stat_get_xact_function_total_time',
  'pg_stat_get_xact_numscans',
  'pg_stat_get_xact_tuples_deleted',
  'pg_stat_get_xact_tuples_fetched',
  'pg_stat_get_xact_tuples_hot_updated',
  'pg_stat_get_xact_tuples_inserted',
  'pg_stat_get_xact_tuples_returned',
  'pg_stat_get_xact_tuples_updated',
  // Large objects, read only (lo_open for writing fails in a read-only transaction).
  'lo_get',
  'loread',
  'lo_open',
  'lo_close',
  'lo_lseek',
  'lo_lseek64',
  'lo_tell',
  'lo_tell64',
  // TABLESAMPLE SYSTEM (10) / BERNOULLI (10): the sampling methods' handlers.
  'system',
  'bernoulli',
]);

const explainPrefix = 'EXPLAIN (VERBOSE, FORMAT JSON) ';

/** What to plan: the statement that will run, with its offset in the text (EXPLAIN ANALYZE runs its inner one). */
export interface PlanTarget {
  sql: string;
  /** The text sent to the server. */
  explain: string;
  /** Characters to subtract from a server error position in `explain` to point into the user's text. */
  offset: number;
}

/** The EXPLAIN to send for a statement, or none when the statement runs no plan (SHOW, EXPLAIN without ANALYZE). */
export function planTarget(sql: string): PlanTarget | undefined {
  const tokens = tokenize(sql, 'postgres').filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const word = (i: number): string => (tokens[i]?.kind === 'word' ? sql.slice(tokens[i]!.start, tokens[i]!.end).toUpperCase() : '');
  let first = 0;
  while (tokens[first] && sql[tokens[first]!.start] === '(') first++;
  const keyword = word(first);
  if (keyword !== 'EXPLAIN') {
    if (keyword === 'SHOW') return undefined;
    return { sql, explain: explainPrefix + sql, offset: explainPrefix.length };
  }
  let i = first + 1;
  let analyze = false;
  if (tokens[i] && sql[tokens[i]!.start] === '(') {
    let depth = 0;
    for (; i < tokens.length; i++) {
      const s = sql.slice(tokens[i]!.start, tokens[i]!.end);
      if (/^ANALY[SZ]E$/i.test(s)) analyze = true;
      if (s === '(') depth++;
      else if (s === ')' && --depth === 0) {
        i++;
        break;
      }
    }
  }
  while (['ANALYZE', 'ANALYSE', 'VERBOSE'].includes(word(i))) {
    if (word(i) !== 'VERBOSE') analyze = true;
    i++;
  }
  const inner = tokens[i];
  if (!analyze || !inner) return undefined;
  return { sql: sql.slice(inner.start), explain: explainPrefix + sql.slice(inner.start), offset: explainPrefix.length - inner.start };
}

/** The functions a plan (EXPLAIN VERBOSE, FORMAT JSON) calls, from every expression it prints. */
export function planCalls(plan: unknown): FunctionCall[] {
  const calls: FunctionCall[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.includes('(')) calls.push(...functionCalls(value, 'postgres'));
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      if (typeof node['Function Name'] === 'string') {
        calls.push({ name: node['Function Name'], schema: typeof node.Schema === 'string' ? node.Schema : undefined, text: node['Function Name'] });
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(plan);
  return calls;
}

/** Volatile functions among the names, with their schema; $1 is the names. */
export const volatileFunctionsSql = `SELECT n.nspname AS schema, p.proname AS name
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE p.provolatile = 'v' AND p.proname = ANY($1::text[])`;

/**
 * Why the statement is refused, or undefined when it may run. `volatile` lists the volatile
 * functions the server has with the called names; a call names one when the names match and, where
 * the call is qualified, the schemas too.
 */
export function refusal(statementCalls: FunctionCall[], planned: FunctionCall[], volatile: { schema: string; name: string }[]): string | undefined {
  const inText = new Set(statementCalls.map((c) => c.name));
  for (const call of [...statementCalls, ...planned]) {
    const hit = volatile.find(
      (v) => v.name === call.name && (call.schema === undefined || call.schema === v.schema) && !(v.schema === 'pg_catalog' && vettedVolatile.has(v.name)),
    );
    if (!hit) continue;
    const where = inText.has(call.name) ? '' : ' (inside a view or function the statement reads)';
    return (
      `This query calls ${hit.schema}.${hit.name}()${where}, a VOLATILE function: it can act outside the read-only ` +
      'transaction (end sessions, take locks, write files or slots), so test queries do not run it. ' +
      'Functions marked STABLE or IMMUTABLE run, and a few vetted volatile ones such as random() and pg_sleep().'
    );
  }
  return undefined;
}

/** What the server-side check needs of a session inside the read-only transaction. */
export interface GuardPort {
  /** Runs one round of the catalog closure query ({@link closureSql}) with these values. */
  closure(values: unknown[]): Promise<ReachedRow[]>;
  /** Runs an EXPLAIN text and returns its one JSON value; errors keep the server's position. */
  explain(target: PlanTarget): Promise<unknown>;
  volatile(names: string[]): Promise<{ schema: string; name: string }[]>;
}

/**
 * The server-side check alone: why the statement is refused, or undefined. `ownSql` is true for the
 * extension's own statements (a preview), whose text calls nothing but whose views may.
 */
export async function serverRefusal(port: GuardPort, sql: string, ownSql: boolean): Promise<string | undefined> {
  const target = planTarget(sql);
  if (!target) return undefined; // SHOW, or EXPLAIN without ANALYZE: nothing is executed
  // First what the catalogs say the statement reaches: planning runs IMMUTABLE functions on constants.
  const unsafe = await closureRefusal(target.sql, port.closure, vettedVolatile);
  if (unsafe) return `This query ${unsafe}. Test queries only read; a function is judged by what it calls, not by its STABLE or IMMUTABLE label.`;
  const statementCalls = ownSql ? [] : functionCalls(target.sql, 'postgres');
  const plan = await port.explain(target);
  const planned = planCalls(typeof plan === 'string' ? (JSON.parse(plan) as unknown) : plan);
  const names = [...new Set([...statementCalls, ...planned].map((c) => c.name))];
  if (names.length === 0) return undefined;
  return refusal(statementCalls, planned, await port.volatile(names));
}

/**
 * Opens the read-only transaction (the `setup` statements) and refuses the statement, before it runs,
 * if the classifier does or if it would call a volatile function outside the vetted list: the names in
 * its text and those the planner reports (views expanded). `ownSql`: the extension's own preview SQL.
 */
export async function openGuarded(client: pg.PoolClient, sql: string, ownSql: boolean, setup: string[], types: pg.CustomTypesConfig): Promise<void> {
  const verdict = classifyStatement(sql, 'postgres');
  if (!verdict.readOnly) throw new ConnectionError('read_only', `Refused: ${verdict.reason ?? 'this statement can change data.'}`);
  // Transaction, snapshot and search path first: names resolve as they will when the statement runs.
  await client.query(setup.join('; '));
  const reason = await serverRefusal(
    {
      closure: async (values) => (await client.query<ReachedRow>(closureSql, values)).rows,
      explain: async (target) => {
        const explain = new CappedQuery(target.explain, 0, types);
        client.query(explain);
        try {
          return (await explain.done).rows[0]?.[0];
        } catch (error) {
          const e = error as { position?: string };
          // Point a syntax error at the user's text, not at our EXPLAIN around it.
          if (e.position) e.position = String(Math.max(1, Number(e.position) - target.offset));
          throw error;
        }
      },
      volatile: async (names) => (await client.query<{ schema: string; name: string }>(volatileFunctionsSql, [names])).rows,
    },
    sql,
    ownSql,
  );
  if (reason) throw new ConnectionError('read_only', `Refused: ${reason}`);
}
