// The import rules hold the zones of docs/architecture.md apart: src/core/ is pure (no vscode, no
// AWS SDK), only src/vscode/ may import vscode, the front ends (src/cli/, src/vscode/) reach the AWS
// SDK only through the engine bundle loaded on first use, the webview talks to the host through
// src/shared/ alone, and src/shared/ imports nothing outside itself (the webview bundles it).
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode/ may import vscode.' };
const noAws = { group: ['@aws-sdk/*'], message: 'src/core/ is pure: talk to AWS in src/aws/.' };
/** Relative imports of a zone, from any depth (`../aws/x`, `../../aws/x`). */
const zone = (...names) => names.flatMap((n) => [`**/${n}`, `**/${n}/*`]);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '**/fixtures/**', '.test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noAws, { group: zone('aws', 'vscode', 'cli', 'engine', 'engine-loader'), message: 'src/core/ imports nothing outside src/core/ and src/shared/.' }] }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/aws/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: zone('vscode', 'cli', 'engine', 'engine-loader'), message: 'src/aws/ imports only src/core/ and src/shared/ (and the AWS SDK).' }] }] },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: zone('vscode', 'cli'), message: 'The engine serves both front ends and imports neither.' }] }] },
  },
  {
    // The CLI also draws the diagram's page, from the pure modules of src/vscode/diagram/.
    files: ['src/cli/**/*.ts', 'src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['../*', '@aws-sdk/*', '@vscode/l10n'], message: 'src/shared/ is bundled into the webview: it imports nothing outside src/shared/.' }] }],
    },
  },
  {
    // The front ends load the engine (and with it the AWS SDK) on first use, through
    // src/engine-loader.ts: a value import would put the SDK into activation or into `validate`.
    files: ['src/cli/**/*.ts', 'src/vscode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*', ...zone('aws', 'engine')], allowTypeImports: true, message: 'Load the engine through src/engine-loader.ts; only types may be imported from it.' }] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: "Can't use vscode in webviews." }], patterns: [{ group: ['../src/*', '!../src/shared'], message: 'The webview shares only src/shared/ with the host.' }, { group: ['@vscode/l10n'], message: 'The webview has no l10n of its own: the host sends its words (src/vscode/diagram/webview-strings.ts).' }, noAws] }],
    },
  },
);
