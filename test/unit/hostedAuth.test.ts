import * as assert from 'node:assert/strict';
import { DeviceFlow, HostedSession } from '../../src/core/hosted/auth';
import { ConnectionError } from '../../src/core/errors';
import { MemorySecretVault } from '../support/doubles';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A device flow against scripted answers, on a fake clock that the waits move forward. */
function flow(answers: Response[]) {
  let now = 0;
  const waits: number[] = [];
  const sent: unknown[] = [];
  const device = new DeviceFlow({ baseUrl: 'https://api.example.test' }, 'plnx_cli_vscode', {
    fetch: (async (_url: URL | string, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body ?? '{}')));
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next;
    }) as typeof fetch,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    now: () => now,
  });
  return { device, waits, sent };
}

const start = {
  deviceCode: 'dev_1',
  userCode: 'WDJB-JQKL',
  verificationUri: 'https://x/device',
  expiresIn: 60,
  interval: 5,
};

describe('hosted sign-in: device authorization', () => {
  it('polls at the interval, adds 5 s on slow_down, and returns the tokens once approved', async () => {
    const { device, waits, sent } = flow([
      json(400, { error: 'authorization_pending' }),
      json(400, { error: 'slow_down' }),
      json(400, { error: 'authorization_pending' }),
      json(200, { accessToken: 'at', refreshToken: 'rt', expiresIn: 3600, tokenType: 'Bearer' }),
    ]);
    const tokens = await device.complete(start);
    assert.deepEqual(waits, [5000, 5000, 10_000, 10_000]);
    assert.equal(tokens.accessToken, 'at');
    assert.equal(tokens.refreshToken, 'rt');
    assert.equal(tokens.expiresAt, 30_000 + 3600_000);
    assert.deepEqual(sent[0], { deviceCode: 'dev_1', clientId: 'plnx_cli_vscode' });
  });

  it('ends on access_denied, on expired_token, and when the code outlives its lifetime', async () => {
    await assert.rejects(flow([json(400, { error: 'access_denied' })]).device.complete(start), /denied in the browser/);
    await assert.rejects(
      flow([json(400, { error: 'expired_token' })]).device.complete(start),
      /expired before it was approved/,
    );
    const pending = Array.from({ length: 20 }, () => json(400, { error: 'authorization_pending' }));
    const f = flow(pending);
    await assert.rejects(f.device.complete({ ...start, expiresIn: 12 }), /expired before it was approved/);
    assert.equal(f.waits.length, 3, 'it stopped once the code had expired');
  });

  it('sends the user only to a web page: a command: or file: approval link from the server is refused or dropped', async () => {
    const answer = (verificationUri: string, verificationUriComplete: string) =>
      json(200, {
        deviceCode: 'd',
        userCode: 'ABCD-EFGH',
        verificationUri,
        verificationUriComplete,
        expiresIn: 60,
        interval: 1,
      });
    const ok = await flow([
      answer('https://app.example.test/device', 'command:workbench.action.terminal.new'),
    ]).device.start();
    assert.equal(ok.verificationUri, 'https://app.example.test/device');
    assert.equal(ok.verificationUriComplete, undefined, 'a command: link was kept');
    for (const bad of [
      'command:planasonix.hosted.signOut',
      'file:///etc/passwd',
      'http://evil.example.test/device',
      'javascript:alert(1)',
    ]) {
      await assert.rejects(flow([answer(bad, bad)]).device.start(), /not an HTTPS address/, bad);
    }
    assert.equal(
      (await flow([answer('http://127.0.0.1:9/device', 'http://127.0.0.1:9/device?user_code=A')]).device.start())
        .verificationUriComplete,
      'http://127.0.0.1:9/device?user_code=A',
    );
  });

  it('stops polling when the user cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const device = new DeviceFlow({ baseUrl: 'https://api.example.test' }, 'c', {
      fetch: async () => json(400, { error: 'authorization_pending' }),
    });
    await assert.rejects(device.complete({ ...start, interval: 1 }, controller.signal), (e: unknown) =>
      ConnectionError.is(e, 'cancelled'),
    );
  });
});

describe('hosted sign-in: the session in secret storage', () => {
  it('refreshes an expiring token first, stores the rotated refresh token at once, and signs out completely', async () => {
    const vault = new MemorySecretVault();
    let now = 1_000_000;
    const refreshBodies: unknown[] = [];
    const session = new HostedSession(
      vault,
      { baseUrl: 'https://api.example.test' },
      {
        fetch: (async (_url: URL | string, init?: RequestInit) => {
          refreshBodies.push(JSON.parse(String(init?.body)));
          return json(200, { accessToken: 'at2', refreshToken: 'rt2', expiresIn: 3600 });
        }) as typeof fetch,
        now: () => now,
      },
    );
    await session.signedInWith({ accessToken: 'at1', refreshToken: 'rt1', expiresAt: now + 10_000 });
    now += 1000;
    assert.equal(await session.token(), 'at2', 'a token within 30 s of expiry is refreshed before use');
    assert.deepEqual(refreshBodies, [{ refreshToken: 'rt1' }]);
    const stored = await session.read();
    assert.equal(stored?.kind === 'session' && stored.tokens.refreshToken, 'rt2');
    await session.signOut();
    assert.equal(vault.entries.size, 0, 'no token left in secret storage');
    assert.equal(await session.token(), undefined);
  });

  it('keeps an API key as the token, and refuses one that cannot be a key', async () => {
    const session = new HostedSession(new MemorySecretVault(), { baseUrl: 'https://api.example.test' });
    await session.useApiKey('  plnx_live_0123456789  ');
    assert.equal(await session.token(), 'plnx_live_0123456789');
    assert.equal(await session.refresh(), false, 'an API key does not refresh');
    await assert.rejects(session.useApiKey('short'), /does not look like an API key/);
  });

  it('signs out when the refresh token is refused, so the user is asked to sign in again', async () => {
    const vault = new MemorySecretVault();
    const session = new HostedSession(
      vault,
      { baseUrl: 'https://api.example.test' },
      {
        fetch: async () => json(401, { error: { code: 'invalid_refresh_token', message: 'revoked' } }),
      },
    );
    await session.signedInWith({ accessToken: 'at1', refreshToken: 'rt1' });
    assert.equal(await session.refresh(), false);
    assert.equal(vault.entries.size, 0);
  });

  it('reads secret storage once, not on every request, and never refreshes against a base URL changed since the sign-in', async () => {
    const vault = new MemorySecretVault();
    let reads = 0;
    const counting = {
      ...vault,
      get: async (k: string) => (reads++, vault.get(k)),
      store: vault.store.bind(vault),
      delete: vault.delete.bind(vault),
    };
    let base = 'https://old.example.test';
    const asked: string[] = [];
    const session = new HostedSession(counting, () => ({ baseUrl: base }), {
      fetch: (async (url: URL | string) => (
        asked.push(String(url)),
        json(200, { accessToken: 'at2', refreshToken: 'rt2' })
      )) as typeof fetch,
    });
    await session.signedInWith({ accessToken: 'at1', refreshToken: 'rt1' });
    for (let i = 0; i < 5; i++) assert.equal(await session.token(), 'at1');
    assert.equal(reads, 0, 'what was just stored is known without asking secret storage again');
    const fresh = new HostedSession(counting, () => ({ baseUrl: base }));
    for (let i = 0; i < 5; i++) await fresh.token();
    assert.equal(reads, 1);
    assert.equal(await session.refresh(), true);
    assert.deepEqual(asked, ['https://old.example.test/api/auth/refresh']);
    // The setting now names another server: the refresh token is not sent there.
    base = 'https://new.example.test';
    await assert.rejects(session.refresh(), /sign in again/);
    assert.deepEqual(asked, ['https://old.example.test/api/auth/refresh']);
  });
});
