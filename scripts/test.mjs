#!/usr/bin/env node
// Runs every test tier and prints the totals over all of them as the last line: "N passed, N failed".
// Usage: node scripts/test.mjs [unit|integration|lint ...]   (no argument: all tiers)
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const totalsDir = mkdtempSync(path.join(tmpdir(), 'planasonix-totals-'));
const totalsFile = path.join(totalsDir, 'totals.jsonl');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(root, 'test', 'support', 'totalsReporter.cjs');

/** What Prettier formats; .prettierignore leaves out built and third-party files. */
const formatted = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs,js,cjs}', '*.{js,mjs}'];

const tiers = {
  // Checks count as one test each: a type error or a boundary violation fails the run.
  lint: () => [
    check('typecheck', ['node', [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']]),
    check('typecheck-webview', [
      'node',
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'src/webview'],
    ]),
    check('eslint', ['node', [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']]),
    // The formatter's word on every source file (npm run format fixes what it reports).
    check('prettier', [
      'node',
      [path.join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', ...formatted],
    ]),
  ],
  unit: () => [runMocha('unit', 'test/unit/**/*.test.ts', 10_000)],
  integration: () => {
    const services = spawnSync('bash', [path.join(root, 'scripts', 'ensure-services.sh')], {
      stdio: 'inherit',
      cwd: root,
    });
    if (services.status !== 0) {
      record('integration', 0, 1);
      console.error('integration: the database servers could not be started; see above.');
      return [false];
    }
    return [runMocha('integration', 'test/integration/**/*.integration.test.ts', 120_000)];
  },
  // The extension-host suite inside real VS Code (code-server here), through @vscode/test-cli.
  'extension-host': () => {
    const services = spawnSync('bash', [path.join(root, 'scripts', 'ensure-services.sh')], {
      stdio: 'inherit',
      cwd: root,
    });
    const builds = [
      ['node', ['--import', 'tsx', path.join(root, 'scripts', 'ensure-fixtures.ts')]],
      ['node', [path.join(root, 'esbuild.js')]],
      ['node', ['--import', 'tsx', path.join(root, 'scripts', 'build-test-extension.ts')]],
      ['node', [path.join(root, 'scripts', 'build-tests.js')]],
      ['bash', [path.join(root, 'scripts', 'setup-vscode.sh')]],
    ].map(([cmd, args]) => spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: root }).status);
    if (services.status !== 0 || builds.some((s) => s !== 0)) {
      record('extension-host', 0, 1);
      console.error('extension-host: could not prepare (services, build or code-server); see above.');
      return [false];
    }
    const workspace = mkdtempSync(path.join(tmpdir(), 'planasonix-ws-'));
    return [
      runCounted('extension-host', 'node', [path.join(root, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs')], {
        PLANASONIX_TEST_WORKSPACE: workspace,
      }),
    ];
  },
  // Playwright in Chromium against code-server, with the packaged .vsix installed.
  e2e: () => {
    const steps = [
      ['bash', [path.join(root, 'scripts', 'ensure-services.sh')]],
      ['bash', [path.join(root, 'scripts', 'setup-vscode.sh')]],
      ['node', [path.join(root, 'esbuild.js'), '--production']],
      [
        'node',
        [
          path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
          'package',
          '--no-dependencies',
          '-o',
          'planasonix-connections.vsix',
        ],
      ],
    ];
    for (const [cmd, args] of steps) {
      if (spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: root }).status !== 0) {
        record('e2e', 0, 1);
        console.error(`e2e: could not prepare (${path.basename(args[0])}); see above.`);
        return [false];
      }
    }
    return [runMocha('e2e', 'test/e2e/**/*.e2e.test.ts', 180_000)];
  },
  bundle: () => {
    const build = spawnSync('node', [path.join(root, 'esbuild.js'), '--production'], { stdio: 'inherit', cwd: root });
    if (build.status !== 0) {
      record('bundle', 0, 1);
      return [false];
    }
    return [runMocha('bundle', 'test/bundle/**/*.test.ts', 60_000)];
  },
};

function record(tier, passes, failures) {
  appendFileSync(totalsFile, `${JSON.stringify({ tier, passes, failures, pending: 0 })}\n`);
}

function check(name, [cmd, args]) {
  console.log(`\n== ${name}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  const ok = result.status === 0;
  record(name, ok ? 1 : 0, ok ? 0 : 1);
  console.log(ok ? `${name}: ok` : `${name}: FAILED`);
  return ok;
}

function runMocha(tier, glob, timeout) {
  return runCounted(tier, 'node', [
    '--import',
    'tsx',
    mocha,
    '--reporter',
    reporter,
    '--timeout',
    String(timeout),
    '--exit',
    glob,
  ]);
}

/** Runs a command whose mocha run appends its totals; no totals at all counts as a failure. */
function runCounted(tier, cmd, args, env = {}) {
  console.log(`\n== ${tier} tests`);
  const before = readTotals().length;
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, PLANASONIX_TOTALS_FILE: totalsFile, PLANASONIX_TIER: tier, ...env },
  });
  if (readTotals().length === before) {
    // Mocha died before reporting (a load error): count it as a failure, never as nothing.
    record(tier, 0, 1);
    return false;
  }
  return result.status === 0;
}

function readTotals() {
  if (!existsSync(totalsFile)) return [];
  return readFileSync(totalsFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const wanted = process.argv.slice(2);
const order = ['lint', 'unit', 'integration', 'bundle', 'extension-host', 'e2e'];
for (const name of wanted) {
  if (!tiers[name]) {
    console.error(`Unknown tier "${name}". Tiers: ${order.join(', ')}.`);
    process.exit(2);
  }
}
let ok = true;
for (const name of wanted.length ? wanted : order) {
  for (const passed of tiers[name]()) ok = passed && ok;
}

const totals = readTotals();
rmSync(totalsDir, { recursive: true, force: true });
console.log('\n== totals by tier');
for (const t of totals)
  console.log(`${t.tier}: ${t.passes} passed, ${t.failures} failed${t.pending ? `, ${t.pending} skipped` : ''}`);
const passed = totals.reduce((n, t) => n + t.passes, 0);
const failed = totals.reduce((n, t) => n + t.failures, 0);
const skipped = totals.reduce((n, t) => n + t.pending, 0);
if (skipped > 0) console.log(`${skipped} test(s) were skipped; skips are not allowed here.`);
const failedAll = failed + skipped;
console.log(`${passed} passed, ${failedAll} failed`);
process.exit(ok && failedAll === 0 ? 0 : 1);
