import { connectorManifest as shipped } from '../../../src/core/connectors/manifest';
import type { ConnectorSpec } from '../../../src/core/connectors/types';
import { warehouseSpec } from './test-warehouse/spec';

/**
 * The shipped manifest plus the test-only connectors, one line each, as a new connector is added. The
 * extension built with this manifest (scripts/build-test-extension.ts) runs the extension-host suite
 * test/extension-connector; each connector's folder here is named by its type, as under src.
 */
export const connectorManifest: readonly ConnectorSpec[] = [...shipped, warehouseSpec];
