import type { PreviewQuery } from '../../api/types';
import { qualified } from './identifiers';

/**
 * SELECT * of one table, optionally sorted, asking for one row more than the limit. `withCatalog` for a
 * server whose names have three parts (Snowflake's database.schema.table; PostgreSQL's do not cross databases).
 */
export function previewSql(
  quote: (name: string) => string,
  query: PreviewQuery & { limit: number },
  withCatalog = false,
): string {
  const from = withCatalog
    ? qualified(quote, query.catalog, query.schema, query.table)
    : qualified(quote, query.schema, query.table);
  const order = query.orderBy
    ? ` ORDER BY ${quote(query.orderBy.column)} ${query.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`
    : '';
  return `SELECT * FROM ${from}${order} LIMIT ${query.limit + 1}`;
}
