// Bundles the `vigil` CLI into one file so `npx vigil` runs without a TypeScript toolchain.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  outfile: 'dist-cli/vigil.js',
  sourcemap: true,
  logLevel: 'warning',
});
