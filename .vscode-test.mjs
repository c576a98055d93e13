// @vscode/test-cli configuration for the extension-host tests (test/extension, built to out/).
// Desktop VS Code cannot be downloaded on our machines, so by default the tests run in code-server's
// real Node extension host through scripts/vscode/code-server-shim.cjs. Set
// PLANASONIX_VSCODE_EXECUTABLE=desktop to let test-cli use a downloaded desktop VS Code instead.
import { defineConfig } from '@vscode/test-cli';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const desktop = process.env.PLANASONIX_VSCODE_EXECUTABLE === 'desktop';

const base = {
  files: process.env.PLANASONIX_EXTHOST_FILES ?? 'out/test/extension/**/*.test.js',
  workspaceFolder: process.env.PLANASONIX_TEST_WORKSPACE,
  version: desktop ? 'stable' : undefined,
  useInstallation: desktop ? undefined : { fromPath: path.join(root, 'scripts', 'vscode', 'code-server-shim.cjs') },
  mocha: {
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: process.env.PLANASONIX_EXTHOST_FILES ? 'spec' : path.join(root, 'test', 'support', 'totalsReporter.cjs'),
  },
  env: {
    // Only a test host gets the extension's internals from activate(): in a user's VS Code every other
    // extension could read them (and its secret storage) through the exports.
    PLANASONIX_TEST_API: '1',
    PLANASONIX_TOTALS_FILE: process.env.PLANASONIX_TOTALS_FILE ?? '',
    PLANASONIX_TIER: 'extension-host',
    PLANASONIX_BENCH_OUT: process.env.PLANASONIX_BENCH_OUT ?? '',
  },
};

export default defineConfig(
  process.env.PLANASONIX_EXTHOST_FILES
    ? base
    : [
        { ...base, label: 'extension' },
        // The extension built with the tests' manifest (scripts/build-test-extension.ts): a test-only
        // connector added by its folder and one manifest line, seen in the form, the tree and Run Selection.
        {
          ...base,
          label: 'connector',
          files: 'out/test/extension-connector/**/*.test.js',
          extensionDevelopmentPath: path.join(root, 'out', 'test-extension'),
        },
      ],
);
