// ESLint (flat config) for the extension's and the playground's JavaScript: `make lint` runs
// `eslint extension www` beside `tsc --noEmit -p tsconfig.json` (the types).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['extension/engine/**', 'www/pkg/**'] },
  js.configs.recommended,
  {
    files: ['extension/**/*.js', 'www/**/*.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, chrome: 'readonly', SafeDMProtocol: 'readonly' },
    },
    rules: {
      // `catch (_)` and `(_sender, reply)`: a name that says "unused" on purpose; `{ row, ...m }`
      // leaves `row` out of `m`.
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Content scripts are classic scripts sharing one isolated world (manifest.json order), as
    // is common/protocol.js, which they load first.
    files: ['extension/content/**/*.js', 'extension/common/protocol.js'],
    languageOptions: { sourceType: 'script', globals: { SafeDM: 'readonly' } },
  },
  { files: ['extension/common/protocol.js'], languageOptions: { globals: { SafeDMProtocol: 'off' } } },
  {
    files: ['extension/background/**/*.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
];
