import sdkAxios from 'snowflake-sdk/dist/lib/http/axios_instance';
import { asText } from '../../../shared/asText';

/** The parts of the SDK's axios instance used here. */
interface RequestConfig {
  url?: string;
  adapter?: unknown;
}
interface Response {
  data: unknown;
  config: RequestConfig;
}
interface Interceptable {
  interceptors: {
    request: { use(onRequest: (config: RequestConfig) => RequestConfig): number; eject(id: number): void };
    response: { use(onResponse: (response: Response) => Response): number; eject(id: number): void };
  };
}
const axios = sdkAxios as unknown as Interceptable;

/**
 * Two things snowflake-sdk does not let its caller do, done at its HTTP layer (its one axios instance;
 * the version is pinned and the integration test against the Snowflake test server checks both):
 * - its in-band telemetry (a value rounded to a JavaScript number, a VARIANT that is not JSON) is
 *   answered here and never sent;
 * - the type Snowflake gives a described statement (`statementTypeId`), which the SDK reads but does
 *   not expose, is kept by query id for the read-only check.
 */

const statementTypes = new Map<string, number>();
const keep = 500;
let installed: { request: number; response: number } | undefined;

/** Idempotent: the driver calls it on load and for every session. */
export function installWireHooks(): void {
  if (installed) return;
  const request = axios.interceptors.request.use((config) => {
    if (/\/telemetry\/send(\?|$)/.test(String(config.url ?? ''))) {
      // Answered here: the request never leaves the machine.
      config.adapter = () =>
        Promise.resolve({
          data: JSON.stringify({ success: true }),
          status: 200,
          statusText: 'OK',
          headers: {},
          config,
        });
    }
    return config;
  });
  const response = axios.interceptors.response.use((answer) => {
    const url = String(answer.config.url ?? '');
    if (/\/queries\/(v1\/query-request|[^/?]+\/result)(\?|$)/.test(url)) remember(answer);
    else if (chunkColumns.has(url)) checkChunk(answer, url);
    return answer;
  });
  installed = { request, response };
}

/** Takes the hooks out again (tests of the bare driver, in the same process). */
export function uninstallWireHooks(): void {
  if (!installed) return;
  axios.interceptors.request.eject(installed.request);
  axios.interceptors.response.eject(installed.response);
  installed = undefined;
}

interface WireColumn {
  name: string;
  type: string;
}
interface QueryBody {
  queryId?: unknown;
  statementTypeId?: unknown;
  rowtype?: { name?: unknown; type?: unknown }[];
  rowset?: unknown[][];
  chunks?: { url?: unknown }[];
}

function remember(answer: Response): void {
  let body = answer.data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return;
    }
  }
  const inner = (body as { data?: QueryBody } | undefined)?.data;
  if (typeof inner?.queryId !== 'string') return;
  if (typeof inner.statementTypeId === 'number') {
    statementTypes.set(inner.queryId, inner.statementTypeId);
    if (statementTypes.size > keep) statementTypes.delete(statementTypes.keys().next().value as string);
  }
  if (!Array.isArray(inner.rowtype)) return;
  const columns = inner.rowtype.map((c) => ({ name: asText(c.name, '?'), type: asText(c.type).toLowerCase() }));
  if (Array.isArray(inner.rowset) && checkRows(inner.rowset, columns, inner.queryId)) {
    // The values the SDK cannot decode are taken out (it would throw where no caller can catch it).
    answer.data = typeof answer.data === 'string' ? JSON.stringify(body) : body;
  }
  for (const chunk of inner.chunks ?? []) {
    if (typeof chunk.url !== 'string') continue;
    chunkColumns.set(chunk.url, { queryId: inner.queryId, columns });
    if (chunkColumns.size > keep * 4) chunkColumns.delete(chunkColumns.keys().next().value as string);
  }
}

/** The raw JSON-result text of each type Snowflake sends, as the SDK expects to decode it. */
const wireFormats: Record<string, RegExp> = {
  fixed: /^-?\d+(\.\d+)?$/,
  date: /^-?\d+$/,
  time: /^-?\d+(\.\d+)?$/,
  timestamp_ntz: /^-?\d+(\.\d+)?$/,
  timestamp_ltz: /^-?\d+(\.\d+)?$/,
  timestamp_tz: /^-?\d+(\.\d+)?( \d+)?$/,
  boolean: /^(0|1|true|false)$/i,
  binary: /^([0-9a-fA-F]{2})*$/,
  real: /^(-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|-?inf|-?Infinity)$/,
};

const chunkColumns = new Map<string, { queryId: string; columns: WireColumn[] }>();
const decodeErrors = new Map<string, string>();

/** Replaces values the SDK cannot decode with NULL and records the first; true when any was found. */
function checkRows(rows: unknown[][], columns: WireColumn[], queryId: string): boolean {
  let changed = false;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    columns.forEach((column, c) => {
      const value = row[c];
      const format = wireFormats[column.type];
      if (value === null || value === undefined || !format || (typeof value === 'string' && format.test(value))) return;
      if (!decodeErrors.has(queryId)) {
        const shown = JSON.stringify(typeof value === 'string' ? value.slice(0, 60) : value);
        decodeErrors.set(
          queryId,
          `Snowflake sent a value in column ${column.name} that is not a valid ${column.type.toUpperCase()} (${shown}).`,
        );
        if (decodeErrors.size > keep) decodeErrors.delete(decodeErrors.keys().next().value as string);
      }
      row[c] = null;
      changed = true;
    });
  }
  return changed;
}

function checkChunk(answer: Response, url: string): void {
  const known = chunkColumns.get(url)!;
  chunkColumns.delete(url);
  const text =
    typeof answer.data === 'string'
      ? answer.data
      : Buffer.isBuffer(answer.data)
        ? answer.data.toString('utf8')
        : undefined;
  if (text === undefined) return;
  let rows: unknown[][];
  try {
    rows = JSON.parse(`[${text}]`) as unknown[][];
  } catch {
    return;
  }
  if (checkRows(rows, known.columns, known.queryId)) {
    const fixed = rows.map((r) => JSON.stringify(r)).join(',');
    answer.data = Buffer.isBuffer(answer.data) ? Buffer.from(fixed) : fixed;
  }
}

/** Why a query's result cannot be shown as Snowflake sent it (a value the SDK cannot decode), once. */
export function takeDecodeError(queryId: string): string | undefined {
  const error = decodeErrors.get(queryId);
  decodeErrors.delete(queryId);
  return error;
}

/** The statement type Snowflake gave a query (once; it is forgotten when read). */
export function takeStatementType(queryId: string): number | undefined {
  const type = statementTypes.get(queryId);
  statementTypes.delete(queryId);
  return type;
}
