/** Catalog queries: each listing is one round trip. */

export const serverVersionSql = `SELECT current_setting('server_version') AS version`;

export const catalogsSql = `
SELECT datname AS name FROM pg_catalog.pg_database
WHERE datallowconn AND NOT datistemplate
ORDER BY datname`;

export const schemasSql = `
SELECT nspname AS name FROM pg_catalog.pg_namespace
WHERE nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
  AND ($1::boolean OR (nspname <> 'information_schema' AND nspname <> 'pg_catalog'))
ORDER BY nspname`;

import { accentedLetters, plainLetters } from '../sql/search';

/** The oid of a schema (null: the current one); no row when there is no such schema. */
export const namespaceOidSql = `SELECT oid::bigint AS oid FROM pg_catalog.pg_namespace WHERE nspname = COALESCE($1::text, current_schema())`;

/**
 * One page of a schema's tables (or of a partitioned table's partitions): $1 the schema's oid (for
 * partitions: the schema's name, null: current),
 * then, only where given, the folded LIKE pattern, the name to start after, and the limit. Each
 * condition is in the text only when it applies: `$n IS NULL OR ...` would keep the planner from
 * walking pg_class's name index from the page's first name, and a page near the end of a 100,000-table
 * schema would cost as much as reading them all.
 */
export function tablesSql(options: { search: boolean; after: boolean; limit: boolean; partitionsOf: boolean }): string {
  const params: string[] = [];
  const param = (type: string): string => {
    params.push(type);
    return `$${params.length + 1}::${type}`;
  };
  const parent = options.partitionsOf ? param('text') : '';
  const where = options.partitionsOf
    ? [
        `c.oid IN (SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
          JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
          WHERE pn.nspname = COALESCE($1::text, current_schema()) AND p.relname = ${parent})`,
      ]
    : // $1 is the schema's oid, resolved first (namespaceOidSql): with the value in the query the planner
      // knows how many tables the schema holds, and walks the name index from a page's first name
      // instead of sorting the whole schema (a subquery there made early pages of 100,000 tables slow).
      ['c.relnamespace = $1::oid', 'NOT c.relispartition'];
  where.push(`c.relkind IN ('r', 'v', 'm', 'p', 'f')`);
  if (options.search) {
    // A name of lower-case ASCII letters, digits, _ and $ (nearly all of them) folds to itself: the
    // folding itself (translate(), costly per row) only runs for the others.
    const pattern = param('text');
    where.push(
      `(c.relname LIKE ${pattern} OR (c.relname ~ '[^a-z0-9_$]' AND ` +
        `pg_catalog.translate(pg_catalog.lower(c.relname), '${accentedLetters}', '${plainLetters}') LIKE ${pattern}))`,
    );
  }
  if (options.after) where.push(`c.relname > ${param('name')}`);
  return `
SELECT c.relname AS name, c.relkind AS kind, c.relispartition AS partition, n.nspname AS schema
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${where.join('\n  AND ')}
ORDER BY c.relname${options.limit ? `\nLIMIT ${param('bigint')}` : ''}`;
}

/**
 * $1 schema (null: current), $2 table. One row per column; a single row with a null name for a table
 * without columns; no row when the table does not exist.
 */
export const columnsSql = `
SELECT a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default",
       COALESCE(a.attnum = ANY(pk.indkey::smallint[]), false) AS pk
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_index pk ON pk.indrelid = c.oid AND pk.indisprimary
WHERE n.nspname = COALESCE($1::text, current_schema()) AND c.relname = $2::text
  AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
ORDER BY a.attnum`;

export const typeNamesSql = `SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])`;

/** Declared types of table columns by (table oid, attribute number); $1 and $2 are parallel arrays. */
export const declaredTypesSql = `SELECT a.attrelid::int AS rel, a.attnum::int AS num, pg_catalog.format_type(a.atttypid, a.atttypmod) AS name
  FROM pg_catalog.pg_attribute a
  JOIN unnest($1::oid[], $2::int2[]) AS k(rel, num) ON a.attrelid = k.rel AND a.attnum = k.num`;
