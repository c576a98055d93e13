import * as assert from 'node:assert/strict';
import { snowflakeAccount } from '../../src/core/connectors/snowflake/account';
import { ConnectionError } from '../../src/core/errors';

describe('Snowflake account field', () => {
  it('takes an identifier as typed', () => {
    assert.deepEqual(snowflakeAccount(' myorg-myaccount '), { account: 'myorg-myaccount' });
    assert.deepEqual(snowflakeAccount('xy12345.eu-central-1'), { account: 'xy12345.eu-central-1' });
  });

  it('takes the account URL copied from Snowsight, with or without its scheme, a private-link host too', () => {
    assert.deepEqual(snowflakeAccount('https://myorg-myaccount.snowflakecomputing.com/'), {
      account: 'myorg-myaccount',
      url: 'https://myorg-myaccount.snowflakecomputing.com',
    });
    assert.deepEqual(snowflakeAccount('xy12345.eu-central-1.privatelink.snowflakecomputing.com'), {
      account: 'xy12345.eu-central-1.privatelink',
      url: 'https://xy12345.eu-central-1.privatelink.snowflakecomputing.com',
    });
  });

  it('refuses a URL that is not HTTPS or not Snowflake, naming the field', () => {
    for (const bad of ['http://myorg-myaccount.snowflakecomputing.com', 'https://proxy.example.com', 'https://']) {
      assert.throws(
        () => snowflakeAccount(bad),
        (e: unknown) => ConnectionError.is(e, 'invalid_config') && e.details?.field === 'account',
        bad,
      );
    }
  });
});
