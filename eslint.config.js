// Lint rules that keep the architecture honest (see docs/reference.md, "Project layout"):
// - the core in src/ is pure: no Node built-ins, no AWS SDK, no I/O (adapters live in functions/, local/, deploy/);
// - what the CloudFront Function bundles stays inside the JavaScript subset that CloudFront's runtime and
//   Debian's njs both accept (docs/platform.md#njs-as-a-stand-in). esbuild lowers `?.` and `??` for its es2018
//   target, but never destructuring, spread, classes, for-of or default parameters: those must not be written.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Sources bundled into the CloudFront Function (the core minus the Node-only parts, and its adapter). */
const CLOUDFRONT_FUNCTION_SOURCES = ['src/*.ts', 'functions/cloudfront-function.ts'];
const NJS_SYNTAX = [
  ['ObjectPattern', 'destructuring'],
  ['ArrayPattern', 'destructuring'],
  ['SpreadElement', 'spread'],
  ['RestElement', 'rest parameters'],
  ['ClassDeclaration', 'classes'],
  ['ClassExpression', 'classes'],
  ['ForOfStatement', 'for-of'],
  ['AssignmentPattern', 'default parameters'],
  ['FunctionDeclaration[generator=true]', 'generators'],
  ['FunctionExpression[generator=true]', 'generators'],
].map(([selector, what]) => ({
  selector,
  message: `${what} is outside what the CloudFront Function runtime and njs both accept (docs/platform.md#njs-as-a-stand-in)`,
}));

export default tseslint.config(
  // demo/bucket/ holds tenant files, the film's MPEG-TS segments (*.ts) among them: data, not TypeScript.
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.serverless/',
      '.serverless-artifacts/',
      '.local/',
      'coverage/',
      'demo/bucket/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-control-regex': 'off',
      // A caught error's message can quote its input (JSON.parse does) and some inputs are secrets: each wrap
      // decides what it keeps rather than chaining the cause by rule.
      'preserve-caught-error': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['demo/spa/**', 'client/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'src/ is the pure core: Node built-ins belong in an adapter (functions/, local/, deploy/).',
            },
            { group: ['@aws-sdk/*'], message: 'src/ is the pure core: the AWS SDK belongs in an adapter.' },
          ],
        },
      ],
    },
  },
  {
    files: CLOUDFRONT_FUNCTION_SOURCES,
    rules: {
      'no-restricted-syntax': ['error', ...NJS_SYNTAX],
      'no-restricted-globals': [
        'error',
        ...['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy', 'Reflect'].map((name) => ({
          name,
          message: `${name} is missing from njs (docs/platform.md#njs-as-a-stand-in)`,
        })),
      ],
    },
  },
);
