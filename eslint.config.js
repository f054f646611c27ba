import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import domainBoundaries from './eslint/domain-entry.js';

const noProcessEnv = {
  'no-restricted-properties': [
    'error',
    { object: 'process', property: 'env', message: 'Read configuration through config.ts only.' },
  ],
};

const transportPatterns = [
  {
    group: ['@trpc/*', 'fastify', '@fastify/*'],
    message: 'Only router.ts and route files (routes.ts, *-route.ts, index.ts) import tRPC or Fastify.',
  },
  {
    regex: String.raw`^(\.\./)+(http|trpc)/`,
    message: 'Only router.ts and route files (routes.ts, *-route.ts, index.ts) reach into http/ or trpc/.',
  },
  {
    regex: String.raw`(^|/)errors/to-problem$`,
    message:
      'to-problem.ts imports tRPC: import AppError from errors/app-error, field errors from errors/problem.',
  },
];

const schemaPatterns = [
  {
    // Anything but zod, a schema file (schemas, *-schemas, events, the event catalogue) or a zod-only helper below.
    regex: String.raw`^(?!zod$)(?!.*(^|/)([\w-]+-)?schemas$)(?!\.\.?/(\.\./)*[\w-]+/events$)(?!\./events$)(?!(\.\./)+platform/(time|parameters|event-definitions|money)$)(?!\./(time|parameters|catalogue)$)(?!(\.\./)+errors/problem$)(?!(\.\./)+events/catalogue$)`,
    message: 'Schema files import only zod and other schema files: the SDK and browser code import them.',
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      ...noProcessEnv,
    },
  },
  {
    // Import cycles are errors: a cycle makes module order decide whether a value is still undefined when read.
    // Packages outside the workspace are not followed (ignoreExternal), which keeps the graph to our own files.
    files: ['packages/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without the TypeScript extensions and parser import-x reads only .js files and sees no cycle at all.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: 'packages/*/tsconfig.json',
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Transports stay at the edge: in a domain only router.ts and the route files (routes.ts, *-route.ts) and the
    // domain's index.ts descriptor (which imports them) may reach tRPC, Fastify or the http/ and trpc/ folders.
    // to-problem.ts imports tRPC, so everything else takes its error helpers from app-error.ts and problem.ts.
    files: ['packages/api/src/domains/**/*.ts'],
    ignores: [
      'packages/api/src/domains/**/router.ts',
      'packages/api/src/domains/**/routes.ts',
      'packages/api/src/domains/**/*-route.ts',
      'packages/api/src/domains/*/index.ts',
      '**/*.test.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: transportPatterns }] },
  },
  {
    // A domain enters another only through its public faces (eslint/domain-entry.js says which). The domain list
    // and the lists merged from every domain are the wiring and import each domain's pieces by design.
    files: ['packages/api/src/domains/**/*.ts'],
    ignores: [
      'packages/api/src/domains/*.ts',
      'packages/api/src/domains/events/catalogue.ts',
      '**/*.test.ts',
    ],
    plugins: { ipay: domainBoundaries },
    rules: { 'ipay/domain-entry': ['error', { domainsRoot: 'packages/api/src/domains' }] },
  },
  {
    // Schema files are imported by the SDK and browser code: zod and other schema files only, so no server code
    // rides along. The few zod-only helpers they share (time, parameters, pagination schemas, the rbac catalogue,
    // problem details) are held to the same rule.
    files: [
      'packages/api/src/domains/**/schemas.ts',
      'packages/api/src/domains/*/events.ts',
      'packages/api/src/platform/event-definitions.ts',
      'packages/api/src/domains/events/catalogue.ts',
      'packages/api/src/domains/rbac/catalogue.ts',
      'packages/api/src/platform/pagination-schemas.ts',
      'packages/api/src/platform/parameters.ts',
      'packages/api/src/platform/time.ts',
      'packages/api/src/platform/money.ts',
      'packages/api/src/errors/problem.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: schemaPatterns }] },
  },
  {
    // The SDK ships without the server: it takes AppRouter, Problem and the event types from @ipay/api as types
    // only (erased at build), never a value. Its tests drive a real server and may import anything.
    files: ['packages/sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ipay/api', '@ipay/api/*'],
              allowTypeImports: true,
              message: '@ipay/sdk imports @ipay/api for types only (import type …).',
            },
          ],
        },
      ],
      // Under verbatimModuleSyntax `import { type X }` still leaves `import '@ipay/api/…'` in the output.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Benchmarks run by hand outside the platform's config; BENCH_ROWS is their one knob.
    files: ['packages/api/src/config.ts', 'packages/db/src/testing/**', '**/vitest.config.ts', '**/bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-properties': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
