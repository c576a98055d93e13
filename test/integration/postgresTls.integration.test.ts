import * as assert from 'node:assert/strict';
import { makeHarness, type Harness } from '../support/harness';
import { makeTestCa, startPgTlsFront, type TestCa } from '../support/pgTlsFront';
import { pgServer } from '../support/servers';

describe('PostgreSQL SSL modes over real TLS (a TLS front with a test CA before the real server)', () => {
  let h: Harness;
  let ca: TestCa;
  let front: { port: number; close(): Promise<void> };
  const config = (host: string, sslMode: string, sslCaFile?: string) => ({
    host,
    port: front.port,
    user: pgServer.user,
    database: 'test',
    sslMode,
    connectTimeoutSeconds: 5,
    ...(sslCaFile ? { sslCaFile } : {}),
  });

  before(async function () {
    this.timeout(60_000);
    ca = makeTestCa();
    front = await startPgTlsFront(ca, pgServer);
    h = await makeHarness();
  });
  after(async () => {
    await h.api.dispose();
    await front.close();
  });

  it('require: encrypts without checking the certificate', async () => {
    const result = await h.api.testConnection({ type: 'postgres', config: config('127.0.0.1', 'require') });
    assert.equal(result.ok, true, result.message);
  });

  it('verify-ca: accepts a certificate signed by the given CA, whatever the host name', async () => {
    const result = await h.api.testConnection({
      type: 'postgres',
      config: config('127.0.0.1', 'verify-ca', ca.caFile),
    });
    assert.equal(result.ok, true, result.message);
  });

  it('verify-ca: refuses a certificate the system does not trust when no CA file is given', async () => {
    const result = await h.api.testConnection({ type: 'postgres', config: config('127.0.0.1', 'verify-ca') });
    assert.equal(result.errorCode, 'ssl', result.message);
    assert.match(result.message, /TLS failed/);
  });

  it('verify-full: accepts the right host name and refuses another one', async () => {
    const good = await h.api.testConnection({
      type: 'postgres',
      config: config('localhost', 'verify-full', ca.caFile),
    });
    assert.equal(good.ok, true, good.message);
    const wrongHost = await h.api.testConnection({
      type: 'postgres',
      config: config('127.0.0.1', 'verify-full', ca.caFile),
    });
    assert.equal(wrongHost.errorCode, 'ssl', wrongHost.message);
  });

  it('names the CA file when it cannot be read', async () => {
    const result = await h.api.testConnection({
      type: 'postgres',
      config: config('localhost', 'verify-full', '/no/such/ca.pem'),
    });
    assert.equal(result.errorCode, 'invalid_config');
    assert.match(result.message, /CA certificate file "\/no\/such\/ca.pem"/);
  });
});
