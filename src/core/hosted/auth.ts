import { randomUUID } from 'node:crypto';
import { ConnectionError } from '../errors';
import { hostedAuthKey } from './keys';
import type { SecretVault } from '../ports';
import { withMachineLock } from './lock';
import { checkBaseUrl, HostedHttp, sleep, type HostedSettings, type HttpDeps, type TokenSource } from './httpClient';
import { isObject } from '../../shared/isObject';

/** What the device authorization start returns (camelCase, as Planasonix spells it). */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the codes stay valid. */
  expiresIn: number;
  /** Seconds between polls at least. */
  interval: number;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds; undefined when the server did not say. */
  expiresAt?: number;
}

/**
 * How the extension signed in: a device-flow session (tokens that refresh) or an API key. `server` is
 * the API it was issued by: the token or key is sent there and nowhere else.
 */
export type StoredAuth = ({ kind: 'session'; tokens: TokenSet } | { kind: 'apiKey'; key: string }) & {
  account?: string;
  server?: string;
};

const storeKey = hostedAuthKey;
/** The device flow's own answers (RFC 8628 §3.5). */
const deviceCodes = new Set(['authorization_pending', 'slow_down', 'expired_token', 'access_denied']);
const noToken: TokenSource = { token: () => Promise.resolve(undefined) };

function toTokens(body: unknown, now: number): TokenSet {
  const o = isObject(body) && isObject(body.data) ? body.data : body;
  if (!isObject(o) || typeof o.accessToken !== 'string')
    throw new ConnectionError('auth_failed', 'The Planasonix sign-in answered without an access token.');
  return {
    accessToken: o.accessToken,
    ...(typeof o.refreshToken === 'string' ? { refreshToken: o.refreshToken } : {}),
    ...(typeof o.expiresIn === 'number' ? { expiresAt: now + o.expiresIn * 1000 } : {}),
  };
}

/**
 * Signing in to the hosted workspace without a password in VS Code: device authorization (the user
 * approves a short code in the browser), polled at the server's interval, `slow_down` adding 5 s,
 * `expired_token` and `access_denied` (and the codes' own lifetime) ending it.
 */
export class DeviceFlow {
  private readonly http: HostedHttp;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(
    settings: HostedSettings,
    private readonly clientId: string,
    deps: HttpDeps = {},
  ) {
    this.http = new HostedHttp({ ...settings, maxRetries: settings.maxRetries ?? 2 }, noToken, deps);
    this.sleep = deps.sleep ?? sleep;
    this.now = deps.now ?? (() => Date.now());
  }

  async start(
    scope = 'openid profile connections:read connections:write',
    signal?: AbortSignal,
  ): Promise<DeviceAuthorization> {
    const body = await this.http.request('POST', '/api/v2/auth/device', {
      body: { clientId: this.clientId, scope },
      signal,
    });
    const o = isObject(body) && isObject(body.data) ? body.data : body;
    if (
      !isObject(o) ||
      typeof o.deviceCode !== 'string' ||
      typeof o.userCode !== 'string' ||
      typeof o.verificationUri !== 'string'
    ) {
      throw new ConnectionError('auth_failed', 'The Planasonix sign-in did not start: the server sent no device code.');
    }
    // The page the user is sent to: a web page (HTTPS, or HTTP on this machine), never a command: or file: link.
    const complete =
      typeof o.verificationUriComplete === 'string' && isWebPage(o.verificationUriComplete)
        ? o.verificationUriComplete
        : undefined;
    if (!isWebPage(o.verificationUri)) {
      throw new ConnectionError(
        'auth_failed',
        'The Planasonix sign-in did not start: the approval page the server named is not an HTTPS address.',
      );
    }
    return {
      deviceCode: o.deviceCode,
      userCode: o.userCode,
      verificationUri: o.verificationUri,
      ...(complete ? { verificationUriComplete: complete } : {}),
      expiresIn: typeof o.expiresIn === 'number' ? o.expiresIn : 900,
      interval: typeof o.interval === 'number' && o.interval >= 0 ? o.interval : 5,
    };
  }

  /** Polls until the user approves (tokens), denies, the code expires, or the signal aborts. */
  async complete(start: DeviceAuthorization, signal?: AbortSignal): Promise<TokenSet> {
    let interval = start.interval;
    const deadline = this.now() + start.expiresIn * 1000;
    for (;;) {
      await this.sleep(interval * 1000, signal);
      if (this.now() > deadline)
        throw new ConnectionError('auth_failed', 'The sign-in code expired before it was approved. Sign in again.');
      let code: string | undefined;
      try {
        const body = await this.http.request('POST', '/api/v2/auth/device/token', {
          body: { deviceCode: start.deviceCode, clientId: this.clientId },
          signal,
        });
        // RFC 8628 answers "not yet" with 400, but servers differ: an error in a 200 body means the same.
        const said = isObject(body) ? (isObject(body.data) ? body.data.error : body.error) : undefined;
        if (typeof said !== 'string' || said === '') return toTokens(body, this.now());
        code = said;
      } catch (error) {
        code = ConnectionError.is(error) ? error.details?.serverCode : undefined;
        if (code === undefined || !deviceCodes.has(code)) throw error;
      }
      if (code === 'authorization_pending') continue;
      if (code === 'slow_down') {
        interval += 5;
        continue;
      }
      if (code === 'expired_token')
        throw new ConnectionError(
          'auth_failed',
          'The sign-in code expired before it was approved. Start the sign-in again.',
        );
      if (code === 'access_denied')
        throw new ConnectionError('auth_failed', 'The sign-in was denied in the browser: nothing was signed in.');
      throw new ConnectionError('auth_failed', `The Planasonix sign-in failed (${code}).`, { serverCode: code });
    }
  }
}

/**
 * The signed-in state, kept only in secret storage: the access token for requests, refreshed with the
 * refresh token when it expires or the server says 401 (the rotated refresh token is stored at once),
 * or an API key. Sign-out removes everything.
 */
export class HostedSession implements TokenSource {
  private readonly now: () => number;
  private refreshing: Promise<boolean> | undefined;
  /** What secret storage holds, read once: every request needs the token, secret storage is not free to ask. */
  private cached: Promise<StoredAuth | undefined> | undefined;

  /** `settings` is read at each refresh, so a changed base URL applies without a reload. */
  constructor(
    private readonly vault: SecretVault,
    private readonly settings: HostedSettings | (() => HostedSettings),
    private readonly deps: HttpDeps = {},
  ) {
    this.now = deps.now ?? (() => Date.now());
  }

  read(): Promise<StoredAuth | undefined> {
    this.cached ??= this.load();
    return this.cached;
  }

  private async load(): Promise<StoredAuth | undefined> {
    const raw = await this.vault.get(storeKey);
    if (!raw) return undefined;
    try {
      const value = JSON.parse(raw) as StoredAuth;
      return value.kind === 'session' || value.kind === 'apiKey' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private async save(auth: StoredAuth): Promise<void> {
    const bound: StoredAuth = { ...auth, server: auth.server ?? this.server() };
    await this.vault.store(storeKey, JSON.stringify(bound));
    this.cached = Promise.resolve(bound);
  }

  /** The API the sign-in is for now: its address and path prefix. */
  private server(): string {
    const settings = typeof this.settings === 'function' ? this.settings() : this.settings;
    const url = checkBaseUrl(settings.baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}${(settings.pathPrefix ?? '').replace(/\/+$/, '')}`;
  }

  /**
   * The sign-in, if it was made with the API configured now. One made with another server is never sent
   * to this one (the address changed in the settings): the user signs in again.
   */
  private async bound(): Promise<StoredAuth | undefined> {
    const auth = await this.read();
    if (!auth) return undefined;
    const now = this.server();
    if (auth.server === undefined) {
      // Kept before sign-ins were bound to their server: bound now, to the one it has been used with.
      await this.save({ ...auth, server: now });
      return this.read();
    }
    if (auth.server !== now) {
      throw new ConnectionError(
        'auth_failed',
        `Your Planasonix sign-in is for ${auth.server}, but the API address is now ${now}. Nothing was sent there: sign in again to use it.`,
      );
    }
    return auth;
  }

  async signedInWith(tokens: TokenSet, account?: string): Promise<void> {
    await this.save({ kind: 'session', tokens, ...(account ? { account } : {}) });
  }

  async useApiKey(key: string, account?: string): Promise<void> {
    const trimmed = key.trim();
    if (!/^[\x21-\x7e]{8,}$/.test(trimmed))
      throw new ConnectionError(
        'invalid_config',
        'That does not look like an API key (at least 8 visible characters, no spaces).',
        { field: 'apiKey' },
      );
    await this.save({ kind: 'apiKey', key: trimmed, ...(account ? { account } : {}) });
  }

  /** Removes every token and key. */
  async signOut(): Promise<void> {
    await this.vault.delete(storeKey);
    this.cached = Promise.resolve(undefined);
  }

  async token(): Promise<string | undefined> {
    const auth = await this.bound();
    if (!auth) return undefined;
    if (auth.kind === 'apiKey') return auth.key;
    // A token about to expire is refreshed first, rather than spending a request on a 401.
    if (this.expiring(auth.tokens) && auth.tokens.refreshToken) {
      await this.refresh(auth.tokens.accessToken);
      const after = await this.read();
      return after?.kind === 'session' ? after.tokens.accessToken : undefined;
    }
    return auth.tokens.accessToken;
  }

  /** Drops what was read from secret storage: another window signed in, out, or refreshed. */
  forget(): void {
    this.cached = undefined;
  }

  /**
   * One refresh at a time, in this window and across windows: secret storage is read again first (a
   * token another window already rotated is used, never spent twice), and the new refresh token
   * replaces the old one before anything else happens.
   */
  refresh(refused?: string): Promise<boolean> {
    this.refreshing ??= this.doRefresh(refused).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(refused: string | undefined): Promise<boolean> {
    const settings = typeof this.settings === 'function' ? this.settings() : this.settings;
    return withMachineLock(`refresh ${settings.baseUrl}`, async () => {
      this.forget();
      const auth = await this.bound();
      if (auth?.kind !== 'session') return auth !== undefined && refused !== undefined && auth.key !== refused;
      // Another window refreshed while this one waited: its tokens are the ones to use.
      if (refused !== undefined && auth.tokens.accessToken !== refused && !this.expiring(auth.tokens)) return true;
      if (!auth.tokens.refreshToken) return false;
      // Tried again by hand after an answer that may have been lost, with the same idempotency key (a
      // server that honours it answers the first renewal again), so the user can be told what happened.
      const http = new HostedHttp({ ...settings, maxRetries: 0 }, noToken, this.deps);
      const key = randomUUID();
      const ask = (): Promise<unknown> =>
        http.request('POST', '/api/auth/refresh', {
          body: { refreshToken: auth.tokens.refreshToken },
          idempotencyKey: key,
          mayRepeat: false,
        });
      let lost = false;
      try {
        let body: unknown;
        for (let attempt = 0; ; attempt++) {
          try {
            body = await ask();
            break;
          } catch (error) {
            const again =
              ConnectionError.is(error) &&
              (error.details?.ambiguous === true || error.code === 'rate_limited') &&
              attempt < 2;
            if (!again) throw error;
            lost ||= error.details?.ambiguous === true;
            await http.pause(attempt);
          }
        }
        const next = toTokens(body, this.now());
        // A server that does not rotate keeps the old refresh token valid.
        await this.signedInWith({ ...next, refreshToken: next.refreshToken ?? auth.tokens.refreshToken }, auth.account);
        return true;
      } catch (error) {
        if (ConnectionError.is(error, 'auth_failed') || ConnectionError.is(error, 'invalid_config')) {
          // Rotated meanwhile by a window that did not wait for the lock: not a reason to sign out.
          this.forget();
          const now = await this.read();
          if (now?.kind === 'session' && now.tokens.refreshToken !== auth.tokens.refreshToken) return true;
          // The refresh token is no good any more: the user signs in again.
          await this.signOut();
          if (lost) {
            // The server renewed the sign-in but its answer never arrived, and it takes each renewal token once.
            throw new ConnectionError(
              'auth_failed',
              'Your Planasonix sign-in could not be renewed: the answer to the renewal was lost on the way, and the server accepts a renewal only once. Sign in again.',
            );
          }
          return false;
        }
        throw error;
      }
    });
  }

  private expiring(tokens: TokenSet): boolean {
    return tokens.expiresAt !== undefined && tokens.expiresAt - 30_000 < this.now();
  }
}

/** An address a browser may open for the user: HTTPS, or plain HTTP to this machine's loopback. */
export function isWebPage(address: string): boolean {
  try {
    checkBaseUrl(address);
    return true;
  } catch {
    return false;
  }
}
