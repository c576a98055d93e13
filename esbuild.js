// Builds the extension: one small main bundle, one bundle per connector driver, which the main bundle
// loads only when that connector is first used, and one for the hosted workspace (dist/hosted.js),
// loaded only once the user signs in. Usage: node esbuild.js [--production] [--watch]
const esbuild = require('esbuild');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Connector drivers, each bundled on its own: src/core/connectors/<type>/driver.ts -> dist/connectors/<type>.js,
 * plus the extra entries a spec names. The list is the connector manifest itself (read through tsx).
 * PLANASONIX_MANIFEST names another manifest module (the tests' own, with a test-only connector whose
 * folder lies beside it) and PLANASONIX_OUTDIR another output folder: scripts/build-test-extension.ts.
 */
const manifestFile = path.resolve(__dirname, process.env.PLANASONIX_MANIFEST ?? 'src/core/connectors/manifest.ts');
const outRoot = path.resolve(__dirname, process.env.PLANASONIX_OUTDIR ?? 'dist');
const out = (sub) => (sub ? path.join(outRoot, sub) : outRoot);
const { connectorManifest } = require('tsx/cjs/api').require(manifestFile, __filename);
const drivers = connectorManifest.map((spec) => spec.type);
/** A connector's folder: under src/core/connectors, or beside the manifest that adds it. */
const connectorFolder = (type) =>
  [path.join(__dirname, 'src/core/connectors', type), path.join(path.dirname(manifestFile), type)].find((dir) =>
    require('node:fs').existsSync(path.join(dir, 'driver.ts')),
  ) ?? `src/core/connectors/${type}`;
/** The product's own manifest module, swapped for PLANASONIX_MANIFEST where one is named. */
const swapManifest = {
  name: 'swap-manifest',
  setup(build) {
    if (!process.env.PLANASONIX_MANIFEST) return;
    build.onResolve({ filter: /^\.\/manifest$/ }, (args) =>
      args.resolveDir === path.join(__dirname, 'src/core/connectors') ? { path: manifestFile } : undefined,
    );
  },
};
/** One driver's entries: <type>.js and the extra entries its spec names. */
const entriesOf = (spec) =>
  Object.fromEntries([
    [spec.type, `${connectorFolder(spec.type)}/driver.ts`],
    ...Object.entries(spec.bundle?.entries ?? {}).map(([out, file]) => [out, `${connectorFolder(spec.type)}/${file}`]),
  ]);

/**
 * Modules a driver's library loads but the extension never uses become a stub: any use throws an error
 * that says so. Property reads give the stub again, so a library that picks names off it at load works.
 */
const stubUnused = (sources) => ({
  name: 'stub-unused',
  setup(build) {
    const driverStubs = sources.map((source) => new RegExp(source));
    build.onResolve({ filter: /.*/ }, (args) =>
      driverStubs.some((re) => re.test(args.path)) ? { path: args.path, namespace: 'stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents:
        `const name = ${JSON.stringify(args.path)};` +
        "const fail = () => { throw new Error(name + ' is not part of Planasonix Connections.'); };" +
        "const stub = new Proxy(function () {}, { get: (_t, p) => (p === '__esModule' || p === 'then' ? undefined : stub), apply: fail, construct: fail });" +
        'module.exports = stub;',
    }));
  },
});

/** In the main bundle, a spec's `import('./driver')` points at the separate driver bundle instead of inlining it. */
const lazyDrivers = {
  name: 'lazy-drivers',
  setup(build) {
    build.onResolve({ filter: /^\.\/driver$/ }, (args) => {
      const type = path.basename(args.resolveDir);
      if (!drivers.includes(type)) return undefined;
      return { path: `./connectors/${type}.js`, external: true };
    });
  },
};

/** Prints errors in the form VS Code's $esbuild-watch problem matcher reads. */
/** In the main bundle, the hosted workspace's code (client, sign-in, sync) points at dist/hosted.js, loaded on first use. */
const lazyHosted = {
  name: 'lazy-hosted',
  setup(build) {
    build.onResolve({ filter: /\/core\/hosted\/module$/ }, () => ({ path: './hosted.js', external: true }));
  },
};

/** Result export (with its CSV writer) points at dist/export.js, loaded the first time a result is exported. */
const lazyExport = {
  name: 'lazy-export',
  setup(build) {
    build.onResolve({ filter: /\/core\/results\/export$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './export.js', external: true } : undefined,
    );
  },
};

const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const node = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  logLevel: 'silent',
  // Turn import() into require(): drivers load synchronously from our own files, not via the ESM loader.
  supported: { 'dynamic-import': false },
  metafile: true,
};

const configs = [
  {
    ...node,
    entryPoints: { extension: 'src/host/extension.ts' },
    outdir: out(),
    plugins: [swapManifest, lazyDrivers, lazyHosted, lazyExport, ...(watch ? [problemMatcher] : [])],
  },
  {
    ...node,
    entryPoints: { hosted: 'src/core/hosted/module.ts' },
    outdir: out(),
    plugins: [swapManifest, ...(watch ? [problemMatcher] : [])],
  },
  {
    ...node,
    entryPoints: { export: 'src/core/results/export.ts' },
    outdir: out(),
    plugins: watch ? [problemMatcher] : [],
  },
  // Each driver on its own: one driver's stubs (Snowflake's unused AWS file transfer) must not reach another (S3).
  ...connectorManifest.map((spec) => ({
    ...node,
    entryPoints: entriesOf(spec),
    outdir: out('connectors'),
    external: ['vscode', ...(spec.bundle?.external ?? [])],
    plugins: [stubUnused(spec.bundle?.stub ?? []), ...(watch ? [problemMatcher] : [])],
  })),
];

// Browser bundles for webviews: every src/webview/<surface>/main.ts becomes dist/webview/<surface>.js.
const fs = require('node:fs');
const webviewRoot = path.join(__dirname, 'src', 'webview');
const surfaces = fs.existsSync(webviewRoot)
  ? fs.readdirSync(webviewRoot).filter((d) => fs.existsSync(path.join(webviewRoot, d, 'main.ts')))
  : [];
if (surfaces.length > 0) {
  configs.push({
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'silent',
    entryPoints: Object.fromEntries(surfaces.map((s) => [s, path.join(webviewRoot, s, 'main.ts')])),
    outdir: out('webview'),
    plugins: watch ? [problemMatcher] : [],
  });
}

/** The codicon font and stylesheet, next to the webview bundles (the only folder a webview may load from). */
function copyWebviewAssets() {
  const target = out('webview');
  fs.mkdirSync(target, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist', file), path.join(target, file));
  }
}

async function main() {
  copyWebviewAssets();
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.all(configs.map((c) => esbuild.build(c)));
  if (process.argv.includes('--meta')) {
    const fs = require('node:fs');
    fs.writeFileSync(out('meta.json'), JSON.stringify(results[0].metafile));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
