// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'stream',
  'events',
];

// Layering (docs/architecture.md#layers-and-what-they-may-import): each layer names what it must not import.
const noTests = { group: ['**/test/**', '**/test'], message: 'Production code never imports test code.' };
const ioLibraries = ['pg', 'express', 'node-pg-migrate', 'pino', 'prom-client'];
const temporalRuntime = ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/workflow'];
const noIo = (temporal) => [
  { group: nodeBuiltins, message: 'Pure code: no Node built-ins (time and I/O come in as arguments or ports).' },
  { group: [...ioLibraries, ...temporal], message: 'Pure code: no I/O libraries.' },
  {
    group: [
      '**/db/**',
      '**/api/**',
      '**/services/**',
      '**/worker/**',
      '**/simulator/**',
      '**/meta/client',
      '**/activities/**',
      '**/activities',
      '**/workflows/**',
    ],
    message: 'Pure code imports no adapters: the driver passes ports (see docs/delivery-core.md).',
  },
];
const restrict = (...patterns) => ['error', { patterns: [noTests, ...patterns] }];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'test/fixtures/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O modules.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noTests,
            { group: nodeBuiltins, message: 'Workflows are deterministic: no Node built-ins.' },
            {
              group: ['**/src/db/**', '**/src/meta/**', '**/src/api/**', '**/src/worker/**', '**/src/simulator/**'],
              message: 'Workflows may import only src/domain (pure) and type-only activity imports.',
            },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'express'] },
          ],
        },
      ],
    },
  },
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': restrict() } },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      // @temporalio/common is allowed: search-attribute keys are plain values the workflows share.
      'no-restricted-imports': restrict(...noIo(temporalRuntime), {
        group: ['**/delivery/**', '**/delivery'],
        message: 'The domain is the bottom layer: the delivery core builds on it, not the other way round.',
      }),
    },
  },
  // The delivery core has no Temporal in it at all: the campaign batch activity runs it without a workflow.
  { files: ['src/delivery/**/*.ts'], rules: { 'no-restricted-imports': restrict(...noIo(['@temporalio/*'])) } },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: ['**/api/**', '**/activities/**', '**/activities', '**/workflows/**', '!**/workflows/definitions'],
        message: 'Services know no HTTP, activity or workflow code (only the wire names in workflows/definitions).',
      }),
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: ['**/src/api/**'],
        message: 'Activities know no HTTP edge: they call services and the delivery core.',
      }),
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
