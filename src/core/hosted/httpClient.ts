import { randomUUID } from 'node:crypto';
import { ConnectionError, errorMessage, redact, type ConnectionErrorCode } from '../errors';
import type { Logger } from '../ports';
import { parseJson } from './json';
import { checkHttpsUrl } from '../urls';

/** Where the hosted workspace is and how to address it. */
export interface HostedSettings {
  /** `https://api.planasonix.com` or a tenant host; plain http only for a loopback address. */
  baseUrl: string;
  /** Put in front of every path where the workspace uses URL versioning (`/v1`). */
  pathPrefix?: string;
  /** Sent as `X-Organization-ID` when set. */
  organizationId?: string;
  /** Per request, retries included in no single attempt. */
  timeoutMs?: number;
  /** Retries after 429, 5xx and dropped connections (not counting the first try). */
  maxRetries?: number;
}

/** The bearer token, and a way to get a new one once when the server says it expired (401). */
export interface TokenSource {
  token(): Promise<string | undefined>;
  /**
   * Gets a token to use instead of `refused` (the one the server answered 401 to): another window's
   * newer one, or a rotated one; false when there is no way to (the user must sign in again).
   */
  refresh?(refused?: string): Promise<boolean>;
}

/** What the client needs from its surroundings; tests give a fake clock and fetch. */
export interface HttpDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  logger?: Logger;
}

export interface RequestSpec {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** For a POST: the key for every try (a caller that resumes an operation later passes the same one). */
  idempotencyKey?: string;
  /** The body carries values from a database: numbers a double would round are kept as their text. */
  values?: boolean;
  /**
   * false for a write that must not be sent twice blind (a create, where the server may ignore the
   * idempotency key): after a failure that may have reached the server (dropped, timed out, 5xx, a cut
   * answer) it is not retried here; the error says `ambiguous` and the caller looks for what it made.
   */
  mayRepeat?: boolean;
}

const defaultTimeoutMs = 15_000;
const defaultRetries = 4;
/** A request that timed out is tried once more at most: a hung server is said within about 30 s, not 150. */
const timeoutRetries = 1;
const backoffBaseMs = 250;
const backoffCapMs = 8_000;
/** A Retry-After longer than this is not waited for: the error says when to try again. */
const maxRetryAfterMs = 60_000;

/** The base URL, checked: HTTPS, or plain HTTP to a loopback address only. */
export function checkBaseUrl(raw: string): URL {
  return checkHttpsUrl(raw, 'The Planasonix API', 'baseUrl', 'https://api.planasonix.com');
}

/** Retry-After as milliseconds from now: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: attempt 0 waits up to 250 ms, then 500, 1000 ... capped at 8 s. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface ServerError {
  code?: string;
  message: string;
  details?: unknown;
}

/** The title of an HTML page (a proxy's 502 or 504 page), or its first heading. */
function htmlTitle(html: string): string {
  const found = /<title[^>]*>([^<]*)<\/title>/i.exec(html) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(html);
  const text = (found?.[1] ?? '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"');
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

/**
 * The server's own words from an error body: `{error:{code,message,details}}`, `{error:"..."}`,
 * `{message}` or plain text. An HTML page (a gateway's error page) is reduced to its title.
 */
export function decodeError(text: string, contentType: string | null = null): ServerError {
  const trimmed = text.trim();
  if (trimmed === '') return { message: '' };
  if ((contentType !== null && /html/i.test(contentType)) || /^<(!doctype|html|head|body)\b/i.test(trimmed)) {
    return { message: htmlTitle(trimmed) };
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { message: trimmed.slice(0, 500) };
  }
  if (value && typeof value === 'object') {
    const v = value as { error?: unknown; error_description?: unknown; message?: unknown };
    if (v.error && typeof v.error === 'object') {
      const e = v.error as { code?: unknown; message?: unknown; details?: unknown };
      return {
        code: typeof e.code === 'string' ? e.code : undefined,
        message: typeof e.message === 'string' ? e.message : '',
        details: e.details,
      };
    }
    if (typeof v.error === 'string') {
      const description =
        typeof v.error_description === 'string' ? v.error_description : typeof v.message === 'string' ? v.message : '';
      return { code: v.error, message: description || v.error };
    }
    if (typeof v.message === 'string') return { message: v.message };
  }
  return { message: trimmed.slice(0, 500) };
}

/**
 * HTTP to the hosted Planasonix API: every request has a timeout and honours the caller's signal; 429
 * waits as Retry-After says; 5xx and dropped connections retry with exponential backoff and jitter, a
 * bounded number of times; a POST that may be retried carries one idempotency key for all its tries;
 * 401 refreshes the token once. Errors name the method, path, status and the server's message, never
 * the token.
 */
export class HostedHttp {
  private readonly base: URL;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly settings: HostedSettings,
    private readonly tokens: TokenSource,
    private readonly deps: HttpDeps = {},
  ) {
    this.base = checkBaseUrl(settings.baseUrl);
    this.fetchImpl = deps.fetch ?? fetch;
    this.sleep = deps.sleep ?? sleep;
    this.random = deps.random ?? (() => Math.random());
    this.now = deps.now ?? (() => Date.now());
  }

  /** Which workspace this client talks to: the API's address and path prefix, and the organization. */
  get workspaceId(): string {
    const prefix = (this.settings.pathPrefix ?? '').replace(/\/+$/, '');
    const org = this.settings.organizationId ? `#${this.settings.organizationId}` : '';
    return `${this.base.origin}${this.base.pathname.replace(/\/+$/, '')}${prefix}${org}`;
  }

  /** The URL of a path, with the prefix and the query (undefined values left out). */
  url(path: string, query: RequestSpec['query'] = {}): URL {
    const prefix = (this.settings.pathPrefix ?? '').replace(/\/+$/, '');
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const url = new URL(this.base.origin);
    url.pathname = `${basePath}${prefix}${path}`;
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Waits before the next try of something the caller repeats itself (backoff with jitter). */
  pause(attempt: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(backoffMs(attempt, this.random), signal);
  }

  /** One API call; resolves with the parsed JSON body (or undefined for an empty one). */
  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, spec: RequestSpec = {}): Promise<unknown> {
    const url = this.url(path, spec.query);
    const retries = this.settings.maxRetries ?? defaultRetries;
    // Retried POSTs are the same operation to the server: one key for every try.
    const idempotencyKey = method === 'POST' ? (spec.idempotencyKey ?? randomUUID()) : undefined;
    let refreshed = false;
    let timeouts = 0;
    const repeatable = spec.mayRepeat !== false;
    for (let attempt = 0; ; attempt++) {
      if (spec.signal?.aborted) throw cancelled(method, path);
      const token = await this.tokens.token();
      let response: Response;
      let text: string;
      try {
        // A body cut off mid-answer ("terminated") fails here too, after the status: the same as a dropped connection.
        ({ response, text } = await this.once(method, url, spec, token, idempotencyKey));
      } catch (error) {
        if (spec.signal?.aborted) throw cancelled(method, path);
        const timedOut =
          error instanceof Error &&
          (error.name === 'TimeoutError' || (error.name === 'AbortError' && !spec.signal?.aborted));
        if (timedOut) timeouts++;
        if (repeatable && attempt < retries && (!timedOut || timeouts <= timeoutRetries)) {
          this.deps.logger?.trace(`${method} ${path}: ${timedOut ? 'timed out' : 'connection failed'}; retrying.`);
          await this.sleep(backoffMs(attempt, this.random), spec.signal);
          continue;
        }
        const seconds = Math.round((this.settings.timeoutMs ?? defaultTimeoutMs) / 1000);
        const reason = timedOut ? `no answer in ${seconds} s` : `the connection failed (${transportReason(error)})`;
        throw new ConnectionError(
          timedOut ? 'timeout' : 'unreachable',
          this.safe(`${method} ${path}: ${reason} (${this.base.host}).`, token),
          {
            ...(repeatable ? {} : { ambiguous: true }),
          },
        );
      }
      if (response.ok) {
        if (text.trim() === '') return undefined;
        try {
          return spec.values ? parseJson(text) : (JSON.parse(text) as unknown);
        } catch {
          throw new ConnectionError(
            'internal',
            `${method} ${path}: the server answered ${response.status} with a body that is not JSON.`,
          );
        }
      }
      const status = response.status;
      if (status === 401 && !refreshed && this.tokens.refresh) {
        refreshed = true;
        if (await this.tokens.refresh(token)) {
          attempt--; // a refresh is not a retry
          continue;
        }
      }
      // 429 was refused before any work; a 5xx may have done it, so a write that must not repeat stops here.
      if ((status === 429 || (status >= 500 && repeatable)) && attempt < retries) {
        const wait =
          status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after'), this.now()) : undefined;
        if (wait === undefined || wait <= maxRetryAfterMs) {
          await this.sleep(wait ?? backoffMs(attempt, this.random), spec.signal);
          continue;
        }
      }
      throw this.failure(method, path, status, response, text, token, !repeatable && status >= 500);
    }
  }

  /** One try: the answer and its whole body, within the time limit (which covers reading the body too). */
  private async once(
    method: string,
    url: URL,
    spec: RequestSpec,
    token: string | undefined,
    idempotencyKey: string | undefined,
  ): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.settings.organizationId) headers['X-Organization-ID'] = this.settings.organizationId;
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    // One controller for the time limit and the caller's cancel (AbortSignal.any costs more than the request on a fast network).
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('No answer in time.', 'TimeoutError')),
      this.settings.timeoutMs ?? defaultTimeoutMs,
    );
    const onAbort = (): void => controller.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.fetchImpl(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        redirect: 'error',
      });
      return { response, text: await response.text() };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  private failure(
    method: string,
    path: string,
    status: number,
    response: Response,
    body: string,
    token: string | undefined,
    ambiguous: boolean,
  ): ConnectionError {
    const server = decodeError(body, response.headers.get('content-type'));
    const said = server.message ? `: ${server.message.replace(/[.\s]+$/, '')}` : '';
    const where = `${method} ${path} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}${said}`;
    const details =
      server.code || ambiguous
        ? { ...(server.code ? { serverCode: server.code } : {}), ...(ambiguous ? { ambiguous } : {}) }
        : undefined;
    const say = (code: ConnectionErrorCode, text: string): ConnectionError =>
      new ConnectionError(code, this.safe(text, token), details);
    if (status === 400 || status === 422) return say('invalid_config', where);
    if (status === 401) return say('auth_failed', `${where}. Sign in to Planasonix again.`);
    if (status === 403)
      return say(
        'forbidden',
        `${where}. Your account lacks the permission this needs${server.code ? ` (${server.code})` : ''}.`,
      );
    if (status === 404) return say('not_found', where);
    if (status === 409) return say('conflict', where);
    if (status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), this.now());
      const text = `${where}.${wait === undefined ? '' : ` Try again in ${Math.ceil(wait / 1000)} s.`}`;
      return new ConnectionError('rate_limited', this.safe(text, token), {
        ...details,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    if (status >= 500) return say('unreachable', `${where}. The Planasonix service had a problem; try again later.`);
    return say('internal', where);
  }

  private safe(text: string, token: string | undefined): string {
    return redact(text, [token]);
  }
}

/** Why a connection failed, in a few words (fetch says only "fetch failed"; the cause says more). */
function transportReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  if (error instanceof TypeError && error.message === 'terminated') return 'the answer was cut off';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'closed by the server';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name was not found';
  return code ?? errorMessage(error);
}

function cancelled(method: string, path: string): ConnectionError {
  return new ConnectionError('cancelled', `${method} ${path} was cancelled.`);
}

/** Waits, or rejects as cancelled as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ConnectionError('cancelled', 'Cancelled.'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ConnectionError('cancelled', 'Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
