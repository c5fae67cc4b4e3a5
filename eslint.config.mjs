// The import rules hold the zones of STYLE.md apart: src/core/ is pure (no vscode, no AWS SDK),
// only src/vscode/ may import vscode, and the webview talks to the host through src/shared/.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode/ may import vscode.' };
const noAws = { group: ['@aws-sdk/*'], message: 'src/core/ is pure: talk to AWS in src/aws/.' };

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
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noAws, { group: ['../aws/*', '../vscode/*', '../cli/*'], message: 'src/core/ imports nothing outside src/core/ and src/shared/.' }] }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/aws/**/*.ts', 'src/cli/**/*.ts', 'src/shared/**/*.ts', 'src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: "Can't use vscode in webviews." }], patterns: [{ group: ['../src/*', '!../src/shared'], message: 'The webview shares only src/shared/ with the host.' }, noAws] }],
    },
  },
);
