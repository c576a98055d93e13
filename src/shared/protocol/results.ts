/**
 * Messages between the results panel (table previews and test-query results) and the extension host.
 * Declared once; both sides import it. Rows travel in windows the page asks for, never the whole result.
 */
import type { AnswerOf, RequestOf } from './requests';

export const resultsViewType = 'planasonix.results';

/** How a column's values are shown: numbers right-aligned, the rest as text. */
export type ColumnKind = 'number' | 'boolean' | 'text' | 'date' | 'json' | 'binary';

export interface GridColumn {
  name: string;
  /** The type as the server spells it; empty when unknown. */
  type: string;
  kind: ColumnKind;
}

/**
 * One cell as the page shows it. Plain values for the common case; a tagged object when the
 * value was shortened (the full value is asked for on demand).
 */
export type GridCell =
  | null
  | string
  | number
  | boolean
  | { t: 'json'; text: string; length: number }
  | { t: 'bin'; size: number; hex: string }
  | { t: 'long'; text: string; length: number };

export interface QueryErrorInfo {
  code: string;
  message: string;
  sqlState?: string;
  /** 1-based character offset into the SQL, when the server gives one. */
  position?: number;
  line?: number;
  column?: number;
  /** The SQL line the position falls on. */
  excerpt?: string;
}

/** idle: restored after a reload and not run again yet. */
export type ResultPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ResultSource {
  kind: 'preview' | 'query';
  connectionId: string;
  connectionName: string;
  /** Table previews: the table and where it lives. */
  table?: string;
  schema?: string;
  catalog?: string;
  /** Test queries: the statement. */
  sql?: string;
  /** Test queries: what the extension says about how read-only is kept on this connector (its own text). */
  notice?: string;
}

export interface SortState {
  column: string;
  direction: 'asc' | 'desc';
}

/** Sent when a (re)run starts: the page clears its rows. */
export interface ResultStart {
  type: 'start';
  generation: number;
  source: ResultSource;
  limit: number;
  sort?: SortState;
  /** Whether sorting re-queries the server (previews) or is not offered (test queries). */
  canSort: boolean;
  /** A pinned result stays when the editor runs another query; only test queries can be pinned. */
  pinned?: boolean;
}

export interface ResultProgress {
  type: 'progress';
  generation: number;
  phase: ResultPhase;
  columns: GridColumn[];
  rowCount: number;
  truncated: boolean;
  executionMs?: number;
  rowsScanned?: number;
  /** What the run skipped, in words (plain text). */
  notes?: string[];
  error?: QueryErrorInfo;
}

/** The grid's requests and the answer each gets, paired by request id (requests.ts). */
export interface ResultsExchanges {
  [kind: string]: { request: object; answer: { type: string } };
  /** A window of rows of the current result (its generation), as the grid scrolls to it. */
  window: {
    request: { generation: number; offset: number; count: number };
    answer: { type: 'rows'; generation: number; offset: number; rows: GridCell[][] };
  };
}

/** Rows for the grid: the answer to a window request, or (request id 0) the first window, sent unasked with the result. */
export type ResultRows = AnswerOf<ResultsExchanges, 'window'>;

export type HostToResults = ResultStart | ResultProgress | ResultRows;

export interface CellRange {
  /** Inclusive row and column bounds. */
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export type ResultsToHost =
  | { type: 'ready' }
  | RequestOf<ResultsExchanges, 'window'>
  | { type: 'sort'; sort: SortState | null }
  | { type: 'setLimit'; limit: number }
  | { type: 'refresh' }
  | { type: 'cancel' }
  | { type: 'pin' }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'copy'; generation: number; range: CellRange; headers: boolean }
  | { type: 'showValue'; generation: number; row: number; column: number };

/** What the page keeps with setState, so a reloaded window brings the panel back. */
export interface ResultsState {
  source: ResultSource;
  limit: number;
  sort?: SortState;
  scrollTop?: number;
}

/** Rows per window the grid asks for; the host sends the first window with the result. */
export const windowRows = 200;
/** The largest window the page may ask for at once. */
export const maxWindowRows = 2000;
export const maxRowLimitSetting = 1_000_000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isSort = (v: unknown): v is SortState =>
  isObj(v) && typeof v.column === 'string' && (v.direction === 'asc' || v.direction === 'desc');

/** Checks a message from the page before the host acts on it. */
export function isResultsToHost(value: unknown): value is ResultsToHost {
  if (!isObj(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'ready':
    case 'refresh':
    case 'cancel':
    case 'pin':
      return true;
    case 'window':
      return (
        isCount(value.generation) &&
        isCount(value.requestId) &&
        value.requestId > 0 &&
        isCount(value.offset) &&
        isCount(value.count, maxWindowRows) &&
        value.count > 0
      );
    case 'sort':
      return value.sort === null || isSort(value.sort);
    case 'setLimit':
      return isCount(value.limit, maxRowLimitSetting) && value.limit >= 1;
    case 'export':
      return value.format === 'csv' || value.format === 'json';
    case 'copy': {
      const r = value.range;
      return (
        isCount(value.generation) &&
        typeof value.headers === 'boolean' &&
        isObj(r) &&
        isCount(r.r0) &&
        isCount(r.r1) &&
        isCount(r.c0) &&
        isCount(r.c1) &&
        r.r0 <= r.r1 &&
        r.c0 <= r.c1
      );
    }
    case 'showValue':
      return isCount(value.generation) && isCount(value.row) && isCount(value.column);
    default:
      return false;
  }
}

/** Checks a saved page state before the serializer trusts it. */
export function isResultsState(value: unknown): value is ResultsState {
  if (!isObj(value) || !isObj(value.source)) return false;
  const s = value.source;
  return (
    typeof s.connectionId === 'string' &&
    (s.kind === 'preview' || s.kind === 'query') &&
    typeof s.connectionName === 'string' &&
    (s.kind === 'preview' ? typeof s.table === 'string' : typeof s.sql === 'string') &&
    (s.notice === undefined || typeof s.notice === 'string') &&
    isCount(value.limit, maxRowLimitSetting) &&
    (value.sort === undefined || isSort(value.sort))
  );
}
