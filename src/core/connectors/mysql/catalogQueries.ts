/** Catalog queries: each listing is one round trip. Names compare in binary so paging is exact. */

export const serverVersionSql = 'SELECT VERSION() AS version';

export const schemasSql = `
SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA
WHERE ? OR SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
ORDER BY BINARY SCHEMA_NAME`;

/** schema (null: current), LIKE pattern or null, name to start after or null, limit. */
export const tablesSql = `
SELECT TABLE_NAME AS name, TABLE_TYPE AS kind FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())
  AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VIEW')
  AND (? IS NULL OR TABLE_NAME LIKE ?)
  AND (? IS NULL OR BINARY TABLE_NAME > BINARY ?)
ORDER BY BINARY TABLE_NAME
LIMIT ?`;

export const columnsSql = `
SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, COLUMN_KEY AS colKey
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`;
