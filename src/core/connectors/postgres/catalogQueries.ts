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

/** $1 schema (null: current), $2 LIKE pattern or null, $3 name to start after or null, $4 limit or null. */
export const tablesSql = `
SELECT c.relname AS name, c.relkind AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = COALESCE($1::text, current_schema())
  AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND NOT c.relispartition
  AND ($2::text IS NULL OR c.relname ILIKE $2::text)
  AND ($3::text IS NULL OR c.relname > $3::name)
ORDER BY c.relname
LIMIT $4::bigint`;

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
