#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron / @vscode/test-cli launch:
// it runs the same extension tests in code-server's real Node extension host. See shim.ts.
require(require.resolve('tsx/cjs', { paths: [__dirname] }));
require('./shim.ts');
