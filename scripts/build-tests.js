// Compiles the extension-host tests (test/extension) to out/ without bundling: they run inside
// VS Code, require('vscode') there, and must not carry a copy of the extension's own modules.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

for (const folder of ['extension', 'extension-bench', 'extension-connector']) {
  const dir = path.join(__dirname, '..', 'test', folder);
  const entryPoints = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
  esbuild
    .build({
      entryPoints,
      outdir: `out/test/${folder}`,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: true,
      bundle: false,
      logLevel: 'warning',
    })
    .catch(() => process.exit(1));
}
