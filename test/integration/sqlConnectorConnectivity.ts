import * as assert from 'node:assert/strict';
import type { ConnectionConfig } from '../../src/core/api/types';
import { makeHarness, type Harness } from '../support/harness';
import { startSilentServer } from '../support/tcpProxy';
import { isCode, type SqlDialect } from './sqlConnectorContract';

/** The contract's connection tests: test results, unreachable hosts, Cancel that reaches the driver, TLS. */
export function connectionTests(d: SqlDialect, h: () => Harness, base: () => ConnectionConfig): void {
  describe('test', () => {
    it('reports ok, latency and the server version as the server spells it', async () => {
      const result = await h().api.testConnection({ type: d.type, config: base() });
      assert.equal(result.ok, true, result.message);
      assert.ok(result.latencyMs >= 0 && result.latencyMs < 5000);
      assert.match(result.serverVersion ?? '', d.serverVersion);
    });

    it('says the password is wrong when it is', async () => {
      const result = await h().test(
        { type: d.type, config: { ...base(), user: d.badPassword.user } },
        { password: d.badPassword.password },
      );
      assert.equal(result.ok, false);
      assert.equal(result.errorCode, 'auth_failed', result.message);
      assert.match(result.message, new RegExp(d.badPassword.user));
      assert.ok(!result.message.includes(d.badPassword.password), 'the password must not appear in the message');
    });

    it('says the host is unknown', async () => {
      const result = await h().api.testConnection({
        type: d.type,
        config: { ...base(), host: 'no-such-host.invalid' },
      });
      assert.equal(result.ok, false);
      assert.equal(result.errorCode, 'unreachable', result.message);
      assert.match(result.message, /Unknown host "no-such-host\.invalid"/);
    });

    it('says the connection was refused on a closed port', async () => {
      const silent = await startSilentServer();
      await silent.close(); // the port is now free and closed
      const result = await h().api.testConnection({ type: d.type, config: { ...base(), port: silent.port } });
      assert.equal(result.errorCode, 'unreachable', result.message);
      assert.match(result.message, /refused/);
    });

    it('gives up on a port that never answers within the configured timeout', async () => {
      const silent = await startSilentServer();
      try {
        const started = Date.now();
        const result = await h().api.testConnection({
          type: d.type,
          config: { ...base(), port: silent.port, connectTimeoutSeconds: 2 },
        });
        const elapsed = Date.now() - started;
        assert.equal(result.errorCode, 'timeout', result.message);
        assert.ok(elapsed >= 1500 && elapsed < 4500, `gave up after ${elapsed} ms`);
      } finally {
        await silent.close();
      }
    });

    it('stops a test against a host that never answers within a second of Cancel, dropping the socket', async () => {
      const silent = await startSilentServer();
      try {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 300);
        const result = await h().api.testConnection(
          { type: d.type, config: { ...base(), port: silent.port, connectTimeoutSeconds: 30 } },
          { signal: controller.signal },
        );
        const elapsed = Date.now() - started;
        assert.equal(result.errorCode, 'cancelled', result.message);
        assert.ok(elapsed < 1300, `stopped after ${elapsed} ms`);
        // The driver let go of its socket: the server sees it closed.
        const deadline = Date.now() + 2000;
        while (silent.openSockets() > 0) {
          assert.ok(Date.now() < deadline, 'the connection attempt is still open on the server');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await silent.close();
      }
    });

    it('stops listing the catalog of a host that never answers as soon as the caller aborts', async () => {
      const silent = await startSilentServer();
      const local = await makeHarness();
      try {
        // A 5 s connect timeout: the pooled attempt itself ends there (closing the session waits for it).
        const { id } = await local.api.createConnection({
          name: 'silent',
          type: d.type,
          config: { ...base(), port: silent.port, connectTimeoutSeconds: 5 },
        });
        for (const list of [
          (signal: AbortSignal) => local.api.listSchemas(id, {}, { signal }),
          (signal: AbortSignal) => local.api.listTables(id, { schema: d.schema }, { signal }),
          (signal: AbortSignal) => local.api.listColumns(id, { schema: d.schema, table: 'customers' }, { signal }),
        ]) {
          const controller = new AbortController();
          const started = Date.now();
          setTimeout(() => controller.abort(), 200);
          await assert.rejects(list(controller.signal), isCode('cancelled'));
          const elapsed = Date.now() - started;
          assert.ok(
            elapsed < 1000,
            `a listing stopped ${elapsed} ms after it started (abort at 200 ms), not at the 5 s connect timeout`,
          );
        }
      } finally {
        await local.api.dispose();
        await silent.close();
      }
    });

    it('says TLS is not available when SSL is required and the server has none, and falls back under prefer', async () => {
      const required = await h().api.testConnection({ type: d.type, config: { ...base(), sslMode: 'require' } });
      assert.equal(required.errorCode, 'ssl', required.message);
      const preferred = await h().api.testConnection({ type: d.type, config: { ...base(), sslMode: 'prefer' } });
      assert.equal(preferred.ok, true, preferred.message);
    });
  });
}
