/**
 * Read by snowflake-sdk when it loads, so this module is imported before it (import order):
 * - no probing of cloud metadata endpoints (169.254.169.254, metadata.google.internal, AWS STS) to
 *   guess where the user's machine runs;
 * - no "connection shape" telemetry after login;
 * - no optional native "minicore" module (it is not shipped).
 * The SDK's in-band telemetry that has no switch is stopped by wire.ts.
 */
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
process.env.SNOWFLAKE_DISABLE_MINICORE = '1';

export {};
