import * as assert from 'node:assert/strict';
import { checkBaseUrl } from '../../src/core/hosted/httpClient';
import { checkHttpsUrl } from '../../src/core/urls';
import { ConnectionError } from '../../src/core/errors';

describe('URLs checked before anything is sent (core/urls, below every layer that sends)', () => {
  it('takes HTTPS, and plain HTTP only to the loopback address, naming the address and its field', () => {
    assert.equal(
      checkHttpsUrl('https://acme.snowflakecomputing.com', 'The Snowflake server URL', 'serverUrl', 'https://x').host,
      'acme.snowflakecomputing.com',
    );
    assert.equal(
      checkHttpsUrl('http://127.0.0.1:8080', 'The Snowflake server URL', 'serverUrl', 'https://x').port,
      '8080',
    );
    assert.throws(
      () => checkHttpsUrl('http://acme.example.com', 'The Snowflake server URL', 'serverUrl', 'https://x'),
      (e: unknown) =>
        ConnectionError.is(e, 'invalid_config') &&
        /^The Snowflake server URL must be reached over HTTPS/.test(e.message) &&
        e.details?.field === 'serverUrl',
    );
    assert.throws(
      () => checkHttpsUrl('https://u:p@acme.example.com', 'The Snowflake server URL', 'serverUrl', 'https://x'),
      /cannot carry a user name or password/,
    );
    assert.throws(
      () => checkHttpsUrl('not a url', 'The Snowflake server URL', 'serverUrl', 'https://x'),
      /"not a url" is not a URL; use one like https:\/\/x/,
    );
    // The hosted API's check is the same one, in its own words.
    assert.throws(
      () => checkBaseUrl('http://api.example.com'),
      (e: unknown) => ConnectionError.is(e) && /^The Planasonix API must be reached over HTTPS/.test(e.message),
    );
  });
});
