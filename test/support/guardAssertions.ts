import { queryWhole } from './whole';
import * as assert from 'node:assert/strict';
import type { ConnectorSession } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';

/**
 * What every read-only guard test does with a session: run a test query (at most 100 rows), and
 * expect one refused as read_only with a reason matching `pattern`. `session` is read on each call, so
 * a test may swap it.
 */
export function guardRunner(session: () => ConnectorSession): {
  run(sql: string): Promise<unknown[][]>;
  refused(sql: string, pattern?: RegExp): Promise<void>;
} {
  const run = (sql: string): Promise<unknown[][]> =>
    queryWhole(session().sql!, { sql, limit: 100, timeoutMs: 10_000 }).then((r) => r.rows);
  const refused = async (sql: string, pattern: RegExp = /Refused/): Promise<void> => {
    await assert.rejects(run(sql), (error: unknown) => {
      assert.ok(ConnectionError.is(error), String(error));
      assert.equal(error.code, 'read_only', error.message);
      assert.match(error.message, pattern);
      return true;
    });
  };
  return { run, refused };
}
