import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/host may import vscode: core and webview code must run without VS Code.',
};

/**
 * src/core's layers, bottom to top. A layer may import from those listed before it, never after: the
 * bans are the folders above it (import specifiers are matched, so `../hosted/x` and `../../hosted/x` alike).
 */
const coreOrder = ['sql', 'api', 'results', 'connectors', 'services', 'local', 'sync', 'hosted', 'explorer', 'query'];
const above = (i) => coreOrder.slice(i + 1).flatMap((folder) => [`**/${folder}/**`, `../${folder}`, `./${folder}/**`]);
const coreLayers = [
  // The base: errors, ports, urls take nothing from core's folders; events takes nothing at all.
  {
    name: 'the base (errors, ports, urls)',
    files: ['src/core/errors.ts', 'src/core/ports.ts', 'src/core/urls.ts'],
    bans: ['./*/**'],
  },
  { name: 'events', files: ['src/core/events.ts'], bans: ['./*', '../*'] },
  ...coreOrder.map((folder, i) => ({ name: `core/${folder}`, files: [`src/core/${folder}/**/*.ts`], bans: above(i) })),
];

export default tseslint.config(
  { ignores: ['.cache/**', 'dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.e2e/**', 'media/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits or catches, a promise where a callback must return
    // nothing, and a switch over a union that misses a case.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: {
      parserOptions: {
        // The probe files are the lint rules' own tests (test/unit/boundaries.test.ts): text linted as if at that path.
        projectService: { allowDefaultProject: ['src/*/probe.ts', 'src/*/*/probe.ts', 'src/webview/probe/main.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // The product is held to typescript-eslint's recommended type-checked rules as a whole: no value of
    // unknown shape stringified as [object Object], no unsafe any, only Error objects thrown or rejected,
    // no method handed on without its object.
    files: ['src/**/*.ts'],
    rules: {
      ...Object.assign({}, ...tseslint.configs.recommendedTypeCheckedOnly.map((c) => c.rules ?? {})),
      // A driver's own error (its code, its SQL state) is passed on as it came, to the one place that
      // maps it to a ConnectionError: rejecting or throwing a value of unknown type is allowed, never a literal.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      // An API method is async so that whatever goes wrong rejects its promise instead of throwing at the
      // caller, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.d.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    // Text from servers and workspace files must never act as a link or an icon: notifications, quick
    // picks, input boxes and progress go through src/host/ui/untrusted.ts, which makes it inert.
    files: ['src/host/**/*.ts'],
    ignores: ['src/host/ui/untrusted.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector:
            'MemberExpression[property.name=/^(showErrorMessage|showWarningMessage|showInformationMessage|showQuickPick|createQuickPick|showInputBox|createInputBox|withProgress)$/]',
          message:
            'Use notify/msg, pick, createPick, inputBox or withNotificationProgress from src/host/ui/untrusted.ts: text from outside must stay text.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ group: ['**/host/**', '**/webview/**'], message: 'core imports nothing above it.' }],
        },
      ],
    },
  },
  // Core's own layers, bottom to top; each imports only from the layers below it (docs/ARCHITECTURE.md).
  ...coreLayers.map((layer) => ({
    files: layer.files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { group: ['**/host/**', '**/webview/**'], message: 'core imports nothing above it.' },
            ...(layer.bans.length
              ? [
                  {
                    group: layer.bans,
                    message: `${layer.name} sits below these layers of core: it imports only from the layers under it.`,
                  },
                ]
              : []),
          ],
        },
      ],
    },
  })),
  {
    // Shared by the host, core and the webviews: it imports nothing from them (the one arrow that ran back up).
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              group: ['**/core/**', '**/host/**', '**/webview/**'],
              message: 'src/shared imports nothing from the project.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { group: ['**/host/**'], message: 'Webviews talk to the host only through src/shared/protocol.' },
            {
              group: ['**/core/**'],
              allowTypeImports: true,
              message: 'Webviews may import types from core, never its runtime code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
