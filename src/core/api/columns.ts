/** A column of a table or a file, as the Connections API describes it. */
export interface ColumnInfo {
  name: string;
  /** The type as the server spells it. */
  type: string;
  nullable: boolean;
  /** extension */
  default?: string | null;
  /** extension */
  primaryKey?: boolean;
}
