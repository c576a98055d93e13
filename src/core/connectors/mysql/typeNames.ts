import type { FieldPacket } from 'mysql2';

// Wire type codes (mysql2/lib/constants/types) to the names users know.
const names: Record<number, string> = {
  0x00: 'DECIMAL',
  0x01: 'TINYINT',
  0x02: 'SMALLINT',
  0x03: 'INT',
  0x04: 'FLOAT',
  0x05: 'DOUBLE',
  0x06: 'NULL',
  0x07: 'TIMESTAMP',
  0x08: 'BIGINT',
  0x09: 'MEDIUMINT',
  0x0a: 'DATE',
  0x0b: 'TIME',
  0x0c: 'DATETIME',
  0x0d: 'YEAR',
  0x0e: 'DATE',
  0x0f: 'VARCHAR',
  0x10: 'BIT',
  0xf5: 'JSON',
  0xf6: 'DECIMAL',
  0xf7: 'ENUM',
  0xf8: 'SET',
  0xf9: 'TINYBLOB',
  0xfa: 'MEDIUMBLOB',
  0xfb: 'LONGBLOB',
  0xfc: 'BLOB',
  0xfd: 'VARCHAR',
  0xfe: 'CHAR',
  0xff: 'GEOMETRY',
};
const binaryCharset = 63;

export function mysqlTypeName(field: FieldPacket): string {
  const code = field.columnType ?? field.type ?? -1;
  const name = names[code] ?? `TYPE ${code}`;
  const binary = field.characterSet === binaryCharset;
  if (name.endsWith('BLOB') && !binary) return name.replace('BLOB', 'TEXT');
  if (name === 'VARCHAR' && binary) return 'VARBINARY';
  if (name === 'CHAR' && binary) return 'BINARY';
  return name;
}

const binaryTypes = new Set([0x10, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff]);

/** Whether a column's values are bytes (BLOB, BINARY, VARBINARY, BIT, GEOMETRY), not text. */
export function isBinaryField(field: FieldPacket): boolean {
  const code = field.columnType ?? field.type ?? -1;
  if (code === 0x10 || code === 0xff) return true;
  return binaryTypes.has(code) && field.characterSet === binaryCharset;
}
