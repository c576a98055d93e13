import { databricksSpec } from './databricks/spec';
import { mysqlSpec } from './mysql/spec';
import { postgresSpec } from './postgres/spec';
import { s3Spec } from './s3/spec';
import { snowflakeSpec } from './snowflake/spec';
import { sqliteSpec } from './sqlite/spec';
import type { ConnectorSpec } from './types';

/**
 * Every connector the extension ships, one line each. The registry, the build (esbuild.js bundles
 * `<type>/driver.ts` and the spec's extra entries from this list) and the bundle test all read it, so
 * adding a connector is its own folder (spec.ts, driver.ts) plus one line here.
 */
export const connectorManifest: readonly ConnectorSpec[] = [
  postgresSpec,
  mysqlSpec,
  sqliteSpec,
  snowflakeSpec,
  databricksSpec,
  s3Spec,
];
