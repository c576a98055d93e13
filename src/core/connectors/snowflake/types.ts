/** Snowflake's types: of a statement (what its description says it is) and of a column (as Snowflake names it). */
import type snowflake from 'snowflake-sdk';

/** Snowflake's statement type for a query (its JDBC driver's SFStatementType); SHOW and DESCRIBE read too. */
export const selectType = 0x1000;
const showType = 0x4400;
const describeType = 0x4500;

/**
 * Whether Snowflake's description of a statement says it only reads. LIST has no type of its own
 * (Snowflake's drivers find it in the text): a LIST by our lexer is let through unless Snowflake
 * types it as something that changes things.
 */
export function describedAsRead(type: number | undefined, keyword: string): boolean {
  if (type === selectType || type === showType || type === describeType) return true;
  if (keyword !== 'LIST' && keyword !== 'LS') return false;
  return type === 0 || type === 0x0003 || type === 0x4000 || type === 0x4700 || type === 0x4701;
}

/** What Snowflake's statement type id says, in words, for a refusal. */
export function statementTypeName(type: number | undefined): string {
  if (type === undefined) return 'a statement of unknown type';
  const family = type & 0xf000;
  if (type === 0x4100) return 'ALTER SESSION, which changes the session';
  if ((type & 0xff00) === 0x4300) return 'USE, which changes the session';
  if (family === 0x3000) return 'a statement that changes data (DML)';
  if (family === 0x4000) return 'a session or system command';
  if (family === 0x5000) return 'a transaction command';
  if (family === 0x6000) return 'a statement that changes objects or calls a procedure (DDL, CALL)';
  return 'a statement that is not a query';
}

/** Snowflake's type as its own client spells it, from SHOW COLUMNS' data_type JSON. */
export function snowflakeTypeName(dataType: string): { type: string; nullable: boolean } {
  let t: { type?: string; precision?: number; scale?: number; length?: number; nullable?: boolean };
  try {
    t = JSON.parse(dataType) as typeof t;
  } catch {
    return { type: dataType, nullable: true };
  }
  const kind = String(t.type ?? '').toUpperCase();
  const nullable = t.nullable !== false;
  switch (kind) {
    case 'FIXED':
      return { type: `NUMBER(${t.precision ?? 38},${t.scale ?? 0})`, nullable };
    case 'TEXT':
      return { type: `VARCHAR(${t.length ?? 16777216})`, nullable };
    case 'REAL':
      return { type: 'FLOAT', nullable };
    case 'TIME':
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return { type: `${kind}(${t.scale ?? 9})`, nullable };
    default:
      return { type: kind, nullable };
  }
}

/** A result column's type as the tree names it (SHOW COLUMNS): NUMBER(38,0), VARCHAR(100), TIMESTAMP_TZ(9). */
export function resultTypeName(column: snowflake.Column): string {
  const length = (column as unknown as { getLength?: () => number }).getLength?.();
  const described = {
    type: column.getType(),
    precision: column.getPrecision(),
    scale: column.getScale(),
    ...(length ? { length } : {}),
  };
  return snowflakeTypeName(JSON.stringify(described)).type;
}
