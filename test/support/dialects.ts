import { ConnectorRegistry } from '../../src/core/connectors/registry';
import type { SqlDialect } from '../../src/core/sql/dialect';

/** The shipped SQL connectors, by type: tests name a dialect by its connector. */
export type DialectName = 'postgres' | 'mysql' | 'sqlite' | 'snowflake' | 'databricks';

const registry = new ConnectorRegistry();

/** The dialect a shipped connector's spec owns (standard SQL for a type the manifest does not know). */
export function dialectOf(type: string): SqlDialect {
  return registry.dialect(type);
}
