import type { TestQueryRequest } from '../api/types';
import { ConnectionError } from '../errors';
import { maxRowLimitSetting } from '../../shared/protocol/results';

/** Row and time limits of previews and test queries, from the user's settings. */
export interface QueryLimits {
  defaultRowLimit: number;
  maxRowLimit: number;
  defaultTimeoutMs: number;
}

/** The most rows one preview or test query may return: the grid pages through them from a spool on disk. */
export const maxRowLimit = maxRowLimitSetting;
export const defaultLimits: QueryLimits = { defaultRowLimit: 100, maxRowLimit, defaultTimeoutMs: 30_000 };

/** The row limit a request asks for (or the default), checked against the maximum. */
export function rowLimit(limits: QueryLimits, requested: number | undefined): number {
  const limit = requested ?? limits.defaultRowLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.maxRowLimit) {
    throw new ConnectionError(
      'invalid_config',
      `The row limit must be a whole number from 1 to ${limits.maxRowLimit}, not ${limit}.`,
      {
        field: 'limit',
      },
    );
  }
  return limit;
}

/** A test query's row limit and timeout, checked; a request without SQL is refused here. */
export function queryLimits(limits: QueryLimits, request: TestQueryRequest): { limit: number; timeoutMs: number } {
  if (!request.sql || request.sql.trim() === '') {
    throw new ConnectionError('invalid_config', 'There is no SQL to run.', { field: 'sql' });
  }
  const limit = rowLimit(limits, request.limit);
  const timeoutMs = request.timeoutMs ?? limits.defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConnectionError(
      'invalid_config',
      `The timeout must be a positive number of milliseconds, not ${timeoutMs}.`,
    );
  }
  return { limit, timeoutMs };
}
