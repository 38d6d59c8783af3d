// Lint: the walls of ARCHITECTURE.md, checked by a tool rather than by memory. Which folder may
// import which, and which npm packages each environment may load, is an allow-list in
// scripts/eslint-layers.js; test/unit/lint/walls.test.ts writes files that break each wall and
// expects this config to refuse them.
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin, layers },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'layers/imports': 'error',
    },
  },
  {
    // Type-aware: a promise nobody awaits or handles loses its error; a switch over a union must
    // name every member (or say what the default is for).
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Inside the desktop host, only the Electron transport and the preload touch IPC.
    files: ['electron/desktop/**/*.ts'],
    ignores: ['electron/desktop/electron-transport.ts', 'electron/desktop/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Only the Electron transport and the preload use ipcMain/ipcRenderer.' }] },
      ],
    },
  },
);
