import sdkAxios from 'snowflake-sdk/dist/lib/http/axios_instance';

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
      config.adapter = async () => ({ data: JSON.stringify({ success: true }), status: 200, statusText: 'OK', headers: {}, config });
    }
    return config;
  });
  const response = axios.interceptors.response.use((answer) => {
    if (/\/queries\/(v1\/query-request|[^/?]+\/result)(\?|$)/.test(String(answer.config.url ?? ''))) remember(answer.data);
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

function remember(data: unknown): void {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return;
    }
  }
  const inner = (body as { data?: { queryId?: unknown; statementTypeId?: unknown } } | undefined)?.data;
  if (typeof inner?.queryId !== 'string' || typeof inner.statementTypeId !== 'number') return;
  statementTypes.set(inner.queryId, inner.statementTypeId);
  if (statementTypes.size > keep) statementTypes.delete(statementTypes.keys().next().value as string);
}

/** The statement type Snowflake gave a query (once; it is forgotten when read). */
export function takeStatementType(queryId: string): number | undefined {
  const type = statementTypes.get(queryId);
  statementTypes.delete(queryId);
  return type;
}
