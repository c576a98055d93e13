import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');

async function lint(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer boundaries (lint)', function () {
  this.timeout(30_000);

  it('rejects a vscode import under src/core and src/webview, and allows it under src/host', async () => {
    const code = "import * as vscode from 'vscode';\nexport const x = vscode.version;\n";
    assert.ok((await lint(code, 'src/core/probe.ts')).some((m) => m.startsWith('no-restricted-imports')));
    assert.ok((await lint(code, 'src/webview/probe/main.ts')).some((m) => m.startsWith('no-restricted-imports')));
    assert.deepEqual(await lint(code, 'src/host/probe.ts'), []);
  });

  it('lets webviews import types from core but not its runtime code', async () => {
    const runtime = "import { ConnectionError } from '../../core/errors';\nexport const e = ConnectionError;\n";
    const types = "import type { Connection } from '../../core/api/types';\nexport type C = Connection;\n";
    assert.ok((await lint(runtime, 'src/webview/probe/main.ts')).some((m) => m.startsWith('no-restricted-imports')));
    assert.deepEqual(await lint(types, 'src/webview/probe/main.ts'), []);
  });

  it('keeps src/shared free of imports from core, host and webview', async () => {
    const upward = "import type { Connection } from '../core/api/types';\nexport type C = Connection;\n";
    assert.ok((await lint(upward, 'src/shared/probe.ts')).some((m) => m.startsWith('no-restricted-imports')));
    assert.ok(
      (await lint("import type { X } from '../../host/x';\nexport type Y = X;\n", 'src/shared/protocol/probe.ts')).some(
        (m) => m.startsWith('no-restricted-imports'),
      ),
    );
    assert.deepEqual(
      await lint(
        "import type { ConfigField } from './configField';\nexport type F = ConfigField;\n",
        'src/shared/probe.ts',
      ),
      [],
    );
  });

  it("keeps core's layers pointing down: a connector never imports hosted, local or explorer; api imports no connector; events imports nothing", async () => {
    const up = async (code: string, file: string): Promise<boolean> =>
      (await lint(code, file)).some((m) => m.startsWith('no-restricted-imports'));
    assert.ok(
      await up(
        "import { checkBaseUrl } from '../../hosted/httpClient';\nexport const f = checkBaseUrl;\n",
        'src/core/connectors/probe.ts',
      ),
    );
    assert.ok(
      await up(
        "import type { ExplorerNode } from '../explorer/nodes';\nexport type N = ExplorerNode;\n",
        'src/core/connectors/probe.ts',
      ),
    );
    assert.ok(
      await up(
        "import type { QueryLimits } from '../local/limits';\nexport type L = QueryLimits;\n",
        'src/core/connectors/probe.ts',
      ),
    );
    assert.ok(
      await up(
        "import type { ConnectorSpec } from '../connectors/types';\nexport type S = ConnectorSpec;\n",
        'src/core/api/probe.ts',
      ),
    );
    assert.ok(await up("import { feed } from '../results/feed';\nexport const f = feed;\n", 'src/core/api/probe.ts'));
    assert.ok(
      await up("import type { Connection } from './api/types';\nexport type C = Connection;\n", 'src/core/events.ts'),
    );
    assert.ok(
      await up(
        "import { ConnectionError } from './errors';\nexport const E = ConnectionError;\n",
        'src/core/events.ts',
      ),
    );
    // Down is fine: a connector imports api types and the base; hosted imports sync and services.
    assert.deepEqual(
      await lint(
        "import type { Connection } from '../api/types';\nexport type C = Connection;\n",
        'src/core/connectors/probe.ts',
      ),
      [],
    );
    assert.deepEqual(
      await lint(
        "import { checkHttpsUrl } from '../urls';\nexport const f = checkHttpsUrl;\n",
        'src/core/connectors/probe.ts',
      ),
      [],
    );
  });

  it('rejects a floating promise, a promise where a callback returns nothing, and a switch that misses a case', async () => {
    const floating = 'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n';
    assert.ok(
      (await lint(floating, 'src/core/probe.ts')).some((m) => m.startsWith('@typescript-eslint/no-floating-promises')),
    );
    const misused = 'export function g(run: () => void): void {\n  run();\n}\ng(async () => {});\n';
    assert.ok(
      (await lint(misused, 'src/core/probe.ts')).some((m) => m.startsWith('@typescript-eslint/no-misused-promises')),
    );
    const partial =
      "export function h(k: 'a' | 'b'): number {\n  switch (k) {\n    case 'a':\n      return 1;\n    default:\n      return 2;\n  }\n}\n";
    assert.ok(
      (await lint(partial, 'src/core/probe.ts')).some((m) =>
        m.startsWith('@typescript-eslint/switch-exhaustiveness-check'),
      ),
      'a default: does not count as handling every case',
    );
  });

  it('holds the product to the recommended type-checked rules: no [object Object], no unbound method, no thrown literal', async () => {
    const has = async (code: string, rule: string): Promise<boolean> =>
      (await lint(code, 'src/core/probe.ts')).some((m) => m.startsWith(rule));
    assert.ok(
      await has(
        'export const f = (row: { kind: object }): string => String(row.kind);\n',
        '@typescript-eslint/no-base-to-string',
      ),
    );
    assert.ok(
      await has('export const f = (o: { m(): number }): (() => number) => o.m;\n', '@typescript-eslint/unbound-method'),
    );
    assert.ok(await has("export function f(): never {\n  throw 'no';\n}\n", '@typescript-eslint/only-throw-error'));
    assert.ok(
      await has(
        'export const f = (x: number): number => x as number;\n',
        '@typescript-eslint/no-unnecessary-type-assertion',
      ),
    );
    // What the project allows on purpose: an API method async without an await (it rejects, never throws).
    assert.deepEqual(
      await lint('export async function f(): Promise<number> {\n  return 1;\n}\n', 'src/core/probe.ts'),
      [],
    );
  });

  it('rejects any', async () => {
    const messages = await lint('export const f = (x: any): number => x;\n', 'src/core/probe.ts');
    assert.ok(messages.some((m) => m.startsWith('@typescript-eslint/no-explicit-any')));
  });

  it('rejects a raw notification, quick pick, input box or progress call in src/host outside the untrusted-text helper', async () => {
    const raw = [
      "import * as vscode from 'vscode';\nexport const f = (name: string) => vscode.window.showErrorMessage(`Failed: ${name}`);\n",
      "import * as vscode from 'vscode';\nexport const f = (name: string) => vscode.window.showInformationMessage(name);\n",
      "import { window } from 'vscode';\nexport const f = (name: string) => window.showWarningMessage(name);\n",
      "import * as vscode from 'vscode';\nexport const f = (names: string[]) => vscode.window.showQuickPick(names);\n",
      "import * as vscode from 'vscode';\nexport const f = () => vscode.window.createQuickPick();\n",
      "import * as vscode from 'vscode';\nexport const f = (t: string) => vscode.window.withProgress({ location: 15, title: t }, async () => 1);\n",
    ];
    for (const code of raw) {
      assert.ok(
        (await lint(code, 'src/host/probe.ts')).some((m) => m.startsWith('no-restricted-syntax')),
        code,
      );
      assert.deepEqual(await lint(code, 'src/host/ui/untrusted.ts'), [], code);
    }
  });
});
