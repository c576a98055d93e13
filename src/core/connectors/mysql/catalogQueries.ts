/** Catalog queries: each listing is one round trip. Names compare in binary so paging is exact. */

export const serverVersionSql = 'SELECT VERSION() AS version';

export const schemasSql = `
SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA
WHERE ? OR SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
ORDER BY BINARY SCHEMA_NAME`;

/**
 * schema (null: current), LIKE pattern or null (folded; compared blind to case and accents by a
 * Unicode collation, so É finds é and e finds é), name to start after or null, limit. MariaDB's
 * sequences and system-versioned tables are tables too.
 */
export const tablesSql = `
SELECT TABLE_NAME AS name, TABLE_TYPE AS kind FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())
  AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VIEW', 'SEQUENCE', 'SYSTEM VERSIONED')
  AND (? IS NULL OR CONVERT(TABLE_NAME USING utf8mb4) COLLATE utf8mb4_unicode_ci LIKE ?)
  AND (? IS NULL OR BINARY TABLE_NAME > BINARY ?)
ORDER BY BINARY TABLE_NAME
LIMIT ?`;

/** Whether a table or view exists, and which: for telling a broken view from a missing table. */
export const tableKindSql = `SELECT TABLE_TYPE AS kind FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?`;

export const columnsSql = `
SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, COLUMN_KEY AS colKey
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`;
