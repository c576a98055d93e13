/**
 * The hosted workspace's sign-in in the real extension host: what it keeps, and where. Reaches the
 * extension only through the `vscode` API and the test API that activate() returns.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { PlanasonixTestApi } from '../../src/host/extension';

describe('Planasonix workspace sign-in in the real extension host', function () {
  let t: PlanasonixTestApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<PlanasonixTestApi>('planasonix.planasonix-connections');
    assert.ok(ext, 'the extension is not installed in this host');
    t = await ext.activate();
    await t.ready;
  });

  it('keeps a Planasonix sign-in only in SecretStorage (never in settings), and sign-out leaves no token there', async () => {
    const key = 'plnx_ext_host_key_0123456789';
    const seen: string[] = [];
    // A stand-in for the workspace that only lists: what the sign-in needs to be verified.
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":[],"meta":{"total":0}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = vscode.workspace.getConfiguration('planasonix.hosted');
    await config.update(
      'baseUrl',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      vscode.ConfigurationTarget.Global,
    );
    try {
      await t.hosted.useApiKey(key);
      assert.ok(t.hosted.signedIn);
      assert.ok(
        seen.some((s) => s === `GET /api/connections Bearer ${key}`),
        seen.join('\n'),
      );
      assert.match((await t.signInEntry.get()) ?? '', new RegExp(key));
      // Any extension can ask VS Code for the Planasonix session (VS Code hands out what the provider
      // gives): it shows the sign-in, never the key.
      const [offered] = await t.accounts.getSessions();
      assert.ok(offered, 'the Accounts menu has no Planasonix session');
      assert.ok(!offered.accessToken.includes(key), 'the API key is handed to any extension that asks');
      assert.ok(!JSON.stringify(offered).includes(key));
      const settings = JSON.stringify(vscode.workspace.getConfiguration('planasonix'));
      assert.ok(!settings.includes(key), 'the key reached the settings');
      await t.hosted.signOut();
      assert.equal(t.hosted.signedIn, false);
      assert.equal(await t.signInEntry.get(), undefined, 'a token is left in SecretStorage');
      assert.deepEqual(await t.accounts.getSessions(), [], 'the Accounts menu still has a Planasonix session');
    } finally {
      await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
      server.close();
    }
  });

  it('follows a sign-in and a sign-out made in another window (a change in shared secret storage)', async () => {
    const key = 'plnx_other_window_key_0123';
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = vscode.workspace.getConfiguration('planasonix.hosted');
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await config.update('baseUrl', baseUrl, vscode.ConfigurationTarget.Global);
    const until = async (what: () => boolean, label: string): Promise<void> => {
      for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(what(), label);
    };
    try {
      assert.equal(t.hosted.signedIn, false);
      // Another window stores its sign-in: this one attaches the workspace without being asked.
      await t.signInEntry.store(JSON.stringify({ kind: 'apiKey', key, server: baseUrl }));
      await until(() => t.hosted.signedIn, 'this window did not follow the sign-in');
      // The other window signs out: this one follows.
      await t.signInEntry.delete();
      await until(() => !t.hosted.signedIn, 'this window did not follow the sign-out');
    } finally {
      await t.signInEntry.delete();
      await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
      server.close();
    }
  });
});
