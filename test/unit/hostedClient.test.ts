import * as assert from 'node:assert/strict';
import { names } from '../../src/core/hosted/browse';
import { toConnection, unwrapList, unwrapOne } from '../../src/core/hosted/decode';
import {
  backoffMs,
  checkBaseUrl,
  decodeError,
  HostedHttp,
  retryAfterMs,
  type TokenSource,
} from '../../src/core/hosted/httpClient';
import { ConnectionError } from '../../src/core/errors';

const isCode = (code: string) => (e: unknown) => {
  assert.ok(ConnectionError.is(e), String(e));
  assert.equal(e.code, code, e.message);
  return true;
};

/** A scripted server: each call takes the next answer; what was sent is kept. */
function fakeFetch(answers: (Response | Error | ((init: RequestInit) => Response))[]) {
  const sent: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: URL | string, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(init ?? {}) : next;
  }) as typeof fetch;
  return { impl, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

function client(
  answers: Parameters<typeof fakeFetch>[0],
  tokens: TokenSource = { token: async () => 'tok_secret_123' },
) {
  const f = fakeFetch(answers);
  const waits: number[] = [];
  const http = new HostedHttp({ baseUrl: 'https://api.example.test', organizationId: 'org_1', maxRetries: 3 }, tokens, {
    fetch: f.impl,
    sleep: async (ms) => void waits.push(ms),
    random: () => 1,
    now: () => Date.parse('2026-11-29T12:00:00Z'),
  });
  return { http, sent: f.sent, waits };
}

describe('hosted API client: decoding what the docs and the deployed back end send', () => {
  it('reads errors in every documented and deployed shape', () => {
    assert.deepEqual(
      decodeError(
        '{"error":{"code":"invalid_request","message":"Missing required field: connection_id","details":[{"field":"connection_id"}]}}',
      ),
      {
        code: 'invalid_request',
        message: 'Missing required field: connection_id',
        details: [{ field: 'connection_id' }],
      },
    );
    assert.deepEqual(
      decodeError('{"error":"authorization_pending","error_description":"The user has not approved yet."}'),
      {
        code: 'authorization_pending',
        message: 'The user has not approved yet.',
      },
    );
    assert.deepEqual(decodeError('{"error":"rate limit exceeded"}'), {
      code: 'rate limit exceeded',
      message: 'rate limit exceeded',
    });
    assert.deepEqual(decodeError('upstream connect error'), { message: 'upstream connect error' });
    assert.deepEqual(decodeError(''), { message: '' });
  });

  it('reads one resource bare or in data (with attributes), and lists bare, in data, or paged', () => {
    assert.equal(unwrapOne({ id: 'a' }).id, 'a');
    assert.equal(unwrapOne({ data: { id: 'b' } }).id, 'b');
    assert.deepEqual(unwrapOne({ data: { id: 'c', type: 'pipeline', attributes: { name: 'n' } } }), {
      id: 'c',
      type: 'pipeline',
      name: 'n',
    });
    assert.deepEqual(unwrapList([{ id: 1 }]), { items: [{ id: 1 }] });
    assert.deepEqual(unwrapList({ data: [{ id: 2 }], meta: { total: 1 } }), { items: [{ id: 2 }], total: 1 });
    assert.deepEqual(unwrapList({ data: [{ id: 3 }], meta: { page: { limit: 1, cursor: 'next' } } }), {
      items: [{ id: 3 }],
      cursor: 'next',
    });
    assert.deepEqual(unwrapList({ data: [], meta: { page: { limit: 1, cursor: null } } }), { items: [] });
    assert.throws(() => unwrapList({ connections: [] }), /something other than a list/);
    assert.deepEqual(names({ catalogs: [{ name: 'a' }, 'b'] }, 'catalogs'), [{ name: 'a' }, { name: 'b' }]);
  });

  it('reads a connection from config or params, camelCase or snake_case, and drops secrets sent inline', () => {
    const secret = (type: string, field: string) => type === 'postgres' && field === 'password';
    const c = toConnection(
      {
        id: 'conn_1',
        name: 'PG',
        type: 'postgres',
        params: { host: 'h', port: 5432, password: 'leaked' },
        credential_id: 'cred_1',
        updated_at: 't',
      },
      secret,
    );
    assert.deepEqual(c, {
      id: 'conn_1',
      name: 'PG',
      type: 'postgres',
      config: { host: 'h', port: 5432 },
      credentialId: 'cred_1',
      updatedAt: 't',
      scope: 'hosted',
    });
    assert.throws(() => toConnection({ name: 'x' }, secret), /an id, a name and a type/);
  });

  it('accepts HTTPS, and plain HTTP only to loopback', () => {
    assert.equal(checkBaseUrl('https://acme.planasonixapis.com/v1').host, 'acme.planasonixapis.com');
    assert.equal(checkBaseUrl('http://127.0.0.1:8080').port, '8080');
    assert.throws(() => checkBaseUrl('http://api.planasonix.com'), /HTTPS/);
    assert.throws(() => checkBaseUrl('https://user:pw@api.planasonix.com'), /user name or password/);
    assert.throws(() => checkBaseUrl('api.planasonix.com'), /not a URL/);
  });

  it('reads Retry-After as seconds or a date, and backs off exponentially with jitter, capped', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs('Sun, 29 Nov 2026 12:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
    assert.deepEqual(
      [0, 1, 2, 3, 10].map((a) => backoffMs(a, () => 1)),
      [250, 500, 1000, 2000, 8000],
    );
    assert.deepEqual(
      [0, 1, 2].map((a) => backoffMs(a, () => 0)),
      [125, 250, 500],
    );
  });
});

describe('hosted API client: numbers kept as the server sent them', () => {
  it('keeps integers beyond 2^53 and long decimals as their exact digits, and the rest as numbers', async () => {
    const body =
      '{"columns":["id","amount","n","ratio","label"],"rows":[' +
      '[9007199254740993,12345678901234567890.123456789,42,0.30000000000000004,"a 12345678901234567 in text"],' +
      '[-18446744073709551615,1e400,-7,1.5,"x"]]}';
    const { http } = client([json(200, body)]);
    const parsed = (await http.request('GET', '/api/connections/c1/preview', { values: true })) as {
      rows: unknown[][];
    };
    assert.deepEqual(parsed.rows, [
      ['9007199254740993', '12345678901234567890.123456789', 42, 0.30000000000000004, 'a 12345678901234567 in text'],
      ['-18446744073709551615', '1e400', -7, 1.5, 'x'],
    ]);
  });

  it('parses bodies without long numbers with JSON.parse, unchanged', async () => {
    const { http } = client([json(200, { data: [{ id: 'c1', n: 9007199254740991, f: 0.1 }] })]);
    assert.deepEqual(await http.request('GET', '/api/connections'), {
      data: [{ id: 'c1', n: 9007199254740991, f: 0.1 }],
    });
  });
});

describe('hosted API client: resilience', () => {
  it('waits as a 429 says, retries 5xx and dropped connections with backoff, then succeeds', async () => {
    const { http, sent, waits } = client([
      json(429, { error: 'rate limit exceeded' }, { 'Retry-After': '2' }),
      json(503, 'busy'),
      new TypeError('fetch failed'),
      json(200, { ok: 1 }),
    ]);
    assert.deepEqual(await http.request('GET', '/api/connections'), { ok: 1 });
    assert.deepEqual(waits, [2000, 500, 1000]);
    assert.equal(sent.length, 4);
    const headers = sent[0].init.headers as Record<string, string>;
    assert.equal(headers.Authorization, 'Bearer tok_secret_123');
    assert.equal(headers['X-Organization-ID'], 'org_1');
  });

  it("gives up after the bounded retries, naming method, path, status and the server's words, never the token", async () => {
    const { http, waits } = client(
      [1, 2, 3, 4].map(() => json(502, { error: { code: 'bad_gateway', message: 'upstream tok_secret_123 down' } })),
    );
    await assert.rejects(http.request('GET', '/api/connections/x'), (e: unknown) => {
      assert.ok(ConnectionError.is(e, 'unreachable'));
      assert.match(e.message, /^GET \/api\/connections\/x answered 502: upstream \*\*\*\* down/);
      assert.ok(!e.message.includes('tok_secret_123'));
      return true;
    });
    assert.equal(waits.length, 3);
  });

  it('does not wait a Retry-After longer than a minute: it says when to try again', async () => {
    const { http, waits } = client([json(429, { error: 'slow down' }, { 'Retry-After': '3600' })]);
    await assert.rejects(
      http.request('GET', '/api/connections'),
      (e: unknown) => isCode('rate_limited')(e) && /Try again in 3600 s/.test((e as Error).message),
    );
    assert.deepEqual(waits, []);
  });

  it('retries a POST with the same idempotency key each time', async () => {
    const { http, sent } = client([json(500, 'oops'), json(201, { id: 'c' })]);
    await http.request('POST', '/api/connections', { body: { name: 'n' } });
    const keys = sent.map((s) => (s.init.headers as Record<string, string>)['Idempotency-Key']);
    assert.ok(keys[0] && keys[0] === keys[1]);
  });

  it('refreshes the token once on 401, then asks for a new sign-in', async () => {
    let token = 'old';
    let refreshes = 0;
    const tokens: TokenSource = {
      token: async () => token,
      refresh: async () => ((token = `new${++refreshes}`), true),
    };
    const ok = client([json(401, { error: 'expired' }), json(200, [])], tokens);
    assert.deepEqual(await ok.http.request('GET', '/api/connections'), []);
    assert.equal((ok.sent[1].init.headers as Record<string, string>).Authorization, 'Bearer new1');
    const bad = client([json(401, { error: 'expired' }), json(401, { error: 'expired' })], tokens);
    await assert.rejects(
      bad.http.request('GET', '/api/connections'),
      (e: unknown) => isCode('auth_failed')(e) && /Sign in to Planasonix again/.test((e as Error).message),
    );
    assert.equal(refreshes, 2, 'one refresh per request, not a loop');
  });

  it('says which permission is missing on 403, and maps 404 and 409', async () => {
    const { http } = client([
      json(403, { error: { code: 'connections:write', message: 'Forbidden' } }),
      json(404, { error: { code: 'not_found', message: 'No such connection' } }),
      json(409, { error: { code: 'connection_in_use', message: 'In use' } }),
    ]);
    await assert.rejects(
      http.request('PUT', '/api/connections/a'),
      (e: unknown) => isCode('forbidden')(e) && /\(connections:write\)/.test((e as Error).message),
    );
    await assert.rejects(http.request('GET', '/api/connections/a'), isCode('not_found'));
    await assert.rejects(
      http.request('DELETE', '/api/connections/a'),
      (e: unknown) => isCode('conflict')(e) && (e as ConnectionError).details?.serverCode === 'connection_in_use',
    );
  });

  it('stops at once when the caller aborts, and reports a request that never answers as a timeout', async () => {
    const controller = new AbortController();
    controller.abort();
    const { http } = client([json(200, {})]);
    await assert.rejects(http.request('GET', '/api/connections', { signal: controller.signal }), isCode('cancelled'));
    const timeout = () =>
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const slow = client([timeout(), timeout(), timeout(), timeout()]);
    // A hung server is tried twice, not five times: the tree says so within about 30 s.
    await assert.rejects(
      slow.http.request('GET', '/api/connections'),
      (e: unknown) => isCode('timeout')(e) && /no answer in 15 s/.test((e as Error).message),
    );
    assert.equal(slow.sent.length, 2);
  });
});
