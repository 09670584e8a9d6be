import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
      // Vigil: build outputs and the Python benchmark venv
      'dist-cli/',
      'bench/.venv/',
      'bench/results/',
      '_generated/',
    ],
  },
  ...baseConfig,
  {
    // The base config only matches src/ for TypeScript: lint the integration tests and benchmarks too.
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
  },
  {
    // `import type { A } from './x'` next to `import { b } from './x'` is fine (isolatedModules).
    rules: {
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  {
    // Engines may approximate these as they like, and Chromium and Node do differ in the last bit:
    // the model library computes them with detmath.ts so panels and alerts agree to the digit.
    files: ['src/model/**/*.ts'],
    ignores: [
      'src/model/detmath.ts',
      'src/model/**/*.test.ts',
      'src/model/**/testing.ts',
      'src/model/**/testSeries.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        ...[
          'exp',
          'expm1',
          'log',
          'log1p',
          'log2',
          'log10',
          'pow',
          'sin',
          'cos',
          'tan',
          'tanh',
          'sinh',
          'cosh',
          'asin',
          'acos',
          'atan',
          'atan2',
          'cbrt',
          'hypot',
        ].map((property) => ({
          object: 'Math',
          property,
          message: 'use detmath.ts: engines approximate Math.' + property + ' differently',
        })),
      ],
    },
  },
]);
