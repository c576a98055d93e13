import * as assert from 'node:assert/strict';
import { civil, decimalText, instant } from '../../src/core/connectors/s3/parquetValues';

describe('Parquet values as exact text', () => {
  it('writes instants to the digit, before 1970 and past the year 9999 too', () => {
    assert.equal(instant(1_743_055_200_123_456n, 1_000_000n), '2025-03-27 06:00:00.123456');
    assert.equal(instant(-1n, 1000n), '1969-12-31 23:59:59.999');
    assert.equal(instant(1_743_055_200_000_000_001n, 1_000_000_000n), '2025-03-27 06:00:00.000000001');
    // 9999-12-31 is day 2932896; a day later is year 10000, past what Date can print as ISO.
    assert.equal(instant(2_932_897n * 86_400_000n, 1000n), '10000-01-01 00:00:00.000');
    assert.equal(civil(-719_528n), '0000-01-01');
  });

  it("writes decimals stored as integers or two's-complement bytes with their scale", () => {
    assert.equal(decimalText(12345n, 2), '123.45');
    assert.equal(decimalText(-5, 3), '-0.005');
    assert.equal(decimalText(Uint8Array.from([0xff, 0xfe]), 1), '-0.2');
    assert.equal(decimalText(Uint8Array.from([0x01, 0x00]), 0), '256');
    assert.equal(decimalText(123456789012345678901234567890n, 10), '12345678901234567890.1234567890');
  });
});
