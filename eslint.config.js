// Lint: the layering rules of ARCHITECTURE.md, checked by a tool rather than by memory.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'events', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core runs in plain Node: never Electron, never the hosts above it.
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/core must run in plain Node: put Electron glue in electron/desktop/.' }],
          patterns: [{ group: ['**/desktop/*', '**/server/*', '**/cli/*', '**/renderer/**'], message: 'The core does not import its hosts.' }],
        },
      ],
    },
  },
  {
    // Only electron/desktop imports electron.
    files: ['electron/cli/**/*.ts', 'electron/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The CLI and serve run without Electron.' }] }],
    },
  },
  {
    files: ['electron/desktop/**/*.ts'],
    ignores: ['electron/desktop/electron-transport.ts', 'electron/desktop/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Only the Electron transport and the preload use ipcMain/ipcRenderer.' }] },
      ],
    },
  },
  {
    // The renderer imports only shared/ and browser libraries.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the core only through the contract (window.bridge or WebSocket).' }],
          patterns: [
            { group: ['node:*', ...nodeBuiltins], message: 'The renderer runs in a browser: no Node modules.' },
            { group: ['**/electron/**', '**/electron'], message: 'The renderer imports only shared/.' },
          ],
        },
      ],
    },
  },
  {
    // shared/ is pure: no Node, no DOM, no Electron, no React.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is pure.' }, { name: 'react', message: 'shared/ is pure.' }],
          patterns: [
            { group: ['node:*', ...nodeBuiltins], message: 'shared/ runs in the browser too: no Node modules.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
          ],
        },
      ],
    },
  },
);
