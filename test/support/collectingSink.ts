import type { CellValue } from '../../src/core/api/types';
import type { RowSink } from '../../src/core/connectors/types';

/** A sink that keeps what a stream hands it: the columns, their types and every row. */
export interface Collected extends RowSink {
  columns: string[];
  types: string[];
  got: CellValue[][];
}

export function collecting(): Collected {
  const sink: Collected = {
    columns: [],
    types: [],
    got: [],
    start(columns, types) {
      sink.columns = columns;
      sink.types = types;
    },
    rows(batch) {
      sink.got.push(...batch);
    },
  };
  return sink;
}
