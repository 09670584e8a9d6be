// Root jest config. It extends the create-plugin base (.config/jest.config.js: do not edit, it is
// replaced by `npx @grafana/create-plugin update`) and splits the tests into two projects:
//   node    - pure TypeScript and Node code (src/model, src/query, src/io, src/prometheus, src/store,
//             src/backend, src/cli, tests/, ...): plain Node, no DOM, no browser setup file.
//   browser - React / Grafana UI code: every *.test.tsx, and any test under src/datasource,
//             src/components or src/pages: jsdom + the scaffold's jest-setup.js (jest-dom matchers).
// Each test file belongs to exactly one project. A single file can still override its environment
// with a `/** @jest-environment jsdom */` docblock, but then it misses the browser setup file.

// Force UTC so date formatting in tests does not depend on the machine's zone.
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// Folders under src/ whose tests need a DOM.
const BROWSER_DIRS = ['datasource', 'components', 'pages'];

const swcOptions = {
  sourceMaps: 'inline',
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
  },
};

module.exports = {
  watchPathIgnorePatterns: base.watchPathIgnorePatterns,
  projects: [
    {
      displayName: 'node',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...BROWSER_DIRS.map((dir) => `<rootDir>/src/${dir}/`)],
      transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swcOptions] },
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
    },
    {
      ...base,
      displayName: 'browser',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.test.tsx', ...BROWSER_DIRS.map((dir) => `<rootDir>/src/${dir}/**/*.test.ts`)],
      // Also transform .mjs: some @grafana/ui dependencies (d3-color, ...) only ship ES modules.
      transform: { '^.+\\.m?[tj]sx?$': ['@swc/jest', swcOptions] },
      transformIgnorePatterns: [nodeModulesToTransform(grafanaESModules)],
    },
  ],
};
