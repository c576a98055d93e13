import { connectorManifest } from '../../../src/core/connectors/manifest';
import type { ConnectorSpec } from '../../../src/core/connectors/types';
import { warehouseSpec } from './warehouse/spec';

/** The shipped manifest plus the test-only connectors, one line each, as a new connector is added. */
export const testManifest: readonly ConnectorSpec[] = [...connectorManifest, warehouseSpec];
