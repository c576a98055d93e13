// pg's row parser, which pg-cursor uses too; pg ships no types for this deep path.
declare module 'pg/lib/result.js' {
  import type { CustomTypesConfig, FieldDef } from 'pg';
  export default class Result {
    constructor(rowMode?: 'array', types?: CustomTypesConfig);
    fields: FieldDef[];
    addFields(fields: FieldDef[]): void;
    parseRow(fields: unknown[]): unknown;
  }
}

// pg's own value serializer (arrays to PostgreSQL's array literal), as its Query binds values.
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): unknown;
}
