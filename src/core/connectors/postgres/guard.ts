/**
 * The server-side layer of PostgreSQL's read-only guard. A read-only transaction stops writes to
 * tables, but not functions that act outside it (ending sessions, replication slots, advisory locks,
 * configuration reloads, server files, other connections). Before a statement runs, everything it can
 * reach is found in the catalogs and judged (closure.ts): in the common case on the server, in the same
 * round trip as the statement, which a gate keeps from running unless the verdict was clean; where a
 * user function's body must be read, here, before the statement is sent again.
 */
import type pg from 'pg';
import { ConnectionError } from '../../errors';
import { classifyStatement } from '../../sql/readOnly';
import { CappedQuery, type PipelineStatement } from './cappedQuery';
import { tokenize } from '../../sql/lexer';
import { postgresDialect } from './dialect';
import {
  closureRefusal,
  closureSql,
  closureVerdictSql,
  gateSql,
  isGateError,
  verdictValues,
  type ReachedRow,
} from './closure';

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

/**
 * The text whose reach matters: the statement itself, or the one an EXPLAIN plans (with or without
 * ANALYZE: planning alone runs IMMUTABLE functions on constants); none for SHOW.
 */
export function guardTarget(sql: string): string | undefined {
  const tokens = tokenize(sql, postgresDialect).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const word = (i: number): string =>
    tokens[i]?.kind === 'word' ? sql.slice(tokens[i].start, tokens[i].end).toUpperCase() : '';
  let first = 0;
  while (tokens[first] && sql[tokens[first].start] === '(') first++;
  const keyword = word(first);
  if (keyword === 'SHOW') return undefined;
  if (keyword !== 'EXPLAIN') return sql;
  let i = first + 1;
  if (tokens[i] && sql[tokens[i].start] === '(') {
    let depth = 0;
    for (; i < tokens.length; i++) {
      const s = sql.slice(tokens[i].start, tokens[i].end);
      if (s === '(') depth++;
      else if (s === ')' && --depth === 0) {
        i++;
        break;
      }
    }
  }
  while (['ANALYZE', 'ANALYSE', 'VERBOSE'].includes(word(i))) i++;
  const inner = tokens[i];
  return inner ? sql.slice(inner.start) : undefined;
}

/** Refuses what the classifier refuses, with its reason. */
function classify(sql: string): void {
  const verdict = classifyStatement(sql, postgresDialect);
  if (!verdict.readOnly)
    throw new ConnectionError('read_only', `Refused: ${verdict.reason ?? 'this statement can change data.'}`);
}

const refusedBecause = (unsafe: string): ConnectionError =>
  new ConnectionError(
    'read_only',
    `Refused: This query ${unsafe}. Test queries only read; a function is judged by what it calls, not by its STABLE or IMMUTABLE label.`,
  );

/**
 * What goes in front of the statement in its round trip: the transaction (`setup`), the verdict on
 * what the statement reaches, and the gate that stops the pipeline unless the verdict was clean. The
 * classifier runs first and throws.
 */
export function guardPipeline(sql: string, setup: string[]): PipelineStatement[] {
  classify(sql);
  const target = guardTarget(sql);
  if (!target) return [...setup];
  return [...setup, { text: closureVerdictSql, values: verdictValues(target, vettedVolatile) }, gateSql];
}

/** Whether the pipeline stopped at the gate (the statement did not run): then call reviewGuard(). */
export { isGateError };

/** What the closer look needs of a session: one round of the catalog walk ({@link closureSql}). */
export interface GuardPort {
  closure(values: unknown[]): Promise<ReachedRow[]>;
}

/** Why the statement is refused after reading the bodies it reaches, or undefined when it may run. */
export async function serverRefusal(port: GuardPort, sql: string): Promise<string | undefined> {
  const target = guardTarget(sql);
  if (!target) return undefined;
  const unsafe = await closureRefusal(target, (sql) => port.closure(sql), vettedVolatile);
  return unsafe ? refusedBecause(unsafe).message.replace(/^Refused: /, '') : undefined;
}

/**
 * The closer look, after the gate stopped the pipeline: the failed transaction is rolled back and
 * opened again, and the statement's reach is walked round by round, reading the bodies of the user
 * functions on the way. Throws a read_only error naming what is refused; otherwise leaves the
 * transaction open for the statement.
 */
export async function reviewGuard(client: pg.PoolClient, sql: string, setup: string[]): Promise<void> {
  await client.query('ROLLBACK');
  await client.query(setup.join('; '));
  const reason = await serverRefusal(
    { closure: async (values) => (await client.query<ReachedRow>(closureSql, values)).rows },
    sql,
  );
  if (reason) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new ConnectionError('read_only', `Refused: ${reason}`);
  }
}

/**
 * Opens the read-only transaction and guards the statement in a round trip of its own (for the cursor
 * path, which cannot share one): on return the statement may run in the open transaction.
 */
export async function openGuarded(
  client: pg.PoolClient,
  sql: string,
  setup: string[],
  types: pg.CustomTypesConfig,
): Promise<void> {
  const before = guardPipeline(sql, setup);
  const probe = new CappedQuery('SELECT WHERE false', 0, types, { before, after: [] });
  client.query(probe);
  try {
    await probe.done;
  } catch (error) {
    if (!isGateError(error)) throw error;
    await reviewGuard(client, sql, setup);
  }
}
