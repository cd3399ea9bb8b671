// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Import boundaries: web and bff never import each other; shared imports neither (ARCHITECTURE.md). */
const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group: [group, `**/${group}`], message: 'Crosses a boundary: see ARCHITECTURE.md' })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.data*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': ['error', { name: 'confirm', message: 'Use the confirm modal (useConfirm or data-confirm).' }],
      'no-restricted-properties': ['error', { object: 'window', property: 'confirm', message: 'Use the confirm modal (useConfirm or data-confirm).' }],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...forbid('bff/*', '#bff/*') },
  },
  { files: ['bff/**/*.ts'], rules: forbid('web/*', '#web/*') },
  { files: ['shared/**/*.ts'], rules: forbid('web/*', 'bff/*', 'node:*') },
);
