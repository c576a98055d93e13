// Builds the extension with the tests' manifest (the shipped connectors plus the test-only ones under
// test/support/connectors) into out/test-extension: its own dist, package.json (contributions written
// from that manifest's specs, as `npm run contributes` writes the real one) and media. The extension-host
// suite test/extension-connector runs against it (.vscode-test.mjs, label "connector").
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorRegistry } from '../src/core/connectors/registry';
import { connectorManifest } from '../test/support/connectors/manifest';
import { packageJsonPath, withContributes } from './contributes';

const root = path.join(__dirname, '..');
export const testExtensionDir = path.join(root, 'out', 'test-extension');

if (require.main === module) {
  rmSync(testExtensionDir, { recursive: true, force: true });
  mkdirSync(testExtensionDir, { recursive: true });
  const built = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PLANASONIX_MANIFEST: 'test/support/connectors/manifest.ts',
      PLANASONIX_OUTDIR: path.join(testExtensionDir, 'dist'),
    },
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  writeFileSync(
    path.join(testExtensionDir, 'package.json'),
    withContributes(readFileSync(packageJsonPath, 'utf8'), new ConnectorRegistry(connectorManifest)),
  );
  cpSync(path.join(root, 'media'), path.join(testExtensionDir, 'media'), { recursive: true });
  console.log(`test extension built in ${path.relative(root, testExtensionDir)}`);
}
